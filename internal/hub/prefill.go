package hub

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/ids"
)

// Prefill (issue 5, part 5; the seed's part 6): the values of every form
// field the hub can provide, each with its source, so a second-child birth
// permit is filled from police, civil-affairs and health data in seconds.

// Applicant is whom a form is filled for: a person by ID number or an
// entity by credit code.
type Applicant struct {
	Kind string // person or entity
	ID   string
}

// ApplicantOf tells a person's ID number from an entity's credit code.
func (s *Service) ApplicantOf(id string) Applicant {
	if n := ids.NormalizeIDNumber(id); len(n) == 18 {
		if _, err := ids.ValidateIDNumber(n, s.now()); err == nil {
			return Applicant{Kind: SubjectPerson, ID: n}
		}
	}
	return Applicant{Kind: SubjectEntity, ID: strings.ToUpper(strings.TrimSpace(id))}
}

// Prefill statuses: what the hub could do for a field.
const (
	PrefillFilled        = "filled"         // Value is the hub's
	PrefillEmpty         = "empty"          // the hub knows the element but holds no value for this applicant
	PrefillUnknown       = "unknown"        // the element is not one the hub provides
	PrefillNotApplicable = "not_applicable" // an entity's element for a person, or the reverse
)

// PrefillValue is the hub's value for one form field.
type PrefillValue struct {
	Key     string    `json:"key"`
	Element string    `json:"element"`
	Status  string    `json:"status"`
	Value   string    `json:"value,omitempty"`
	Source  string    `json:"source,omitempty"`
	At      time.Time `json:"at,omitzero"`
}

// Prefill returns, for every field of form that names a hub element, the
// hub's value for applicant with its source and time. An element the hub
// does not know is reported as unknown, never guessed. One read of the
// applicant's profile, logged with purpose p.
func (s *Service) Prefill(ctx context.Context, applicant Applicant, form []catalog.Field, p Purpose) ([]PrefillValue, error) {
	pr, err := s.profileFor(ctx, applicant, p, "prefill")
	if err != nil {
		return nil, err
	}
	var out []PrefillValue
	for _, f := range form {
		if f.HubElement == "" {
			continue
		}
		v := PrefillValue{Key: f.Key, Element: f.HubElement}
		d, status := pr.Element(f.HubElement)
		v.Status = status
		if status == PrefillFilled {
			v.Value, v.Source, v.At = d.Value, d.Source, d.At
		}
		out = append(out, v)
	}
	return out, nil
}

// profileFor reads applicant's profile, logged as op.
func (s *Service) profileFor(ctx context.Context, a Applicant, p Purpose, op string) (Profile, error) {
	switch a.Kind {
	case SubjectPerson:
		id := ids.NormalizeIDNumber(a.ID)
		if err := s.guard(ctx, SubjectPerson, id, p, op); err != nil {
			return Profile{}, err
		}
		return s.readPerson(ctx, id)
	case SubjectEntity:
		code := ids.NormalizeCreditCode(a.ID)
		if err := s.guard(ctx, SubjectEntity, code, p, op); err != nil {
			return Profile{}, err
		}
		return s.readEntity(ctx, code)
	}
	return Profile{}, errUnknownApplicant(a.Kind)
}

// Element is the value of a data element as a form shows it: codes
// become the words a form uses (男/女, 已婚 …), family elements come from
// the relatives, children.names lists them with "、". The status says
// whether the hub filled it (see the Prefill statuses).
func (p Profile) Element(element string) (Datum, string) {
	kind, _, _ := strings.Cut(element, ".")
	if !knownElements[element] {
		return Datum{}, PrefillUnknown
	}
	if kind != p.Kind {
		return Datum{}, PrefillNotApplicable
	}
	d, ok := p.derived(element)
	if !ok {
		d, ok = p.Data[element]
		d.Value = displayValue(element, d.Value)
	}
	if !ok || d.Value == "" {
		return Datum{}, PrefillEmpty
	}
	return d, PrefillFilled
}

// derived computes the elements that come from the family links.
func (p Profile) derived(element string) (Datum, bool) {
	rel := func(r *Relative, what string) (Datum, bool) {
		if r == nil {
			return Datum{}, true
		}
		v := r.Name
		if what == "id_number" {
			v = r.IDNumber
		}
		return Datum{Value: v, Source: r.Source, At: r.At}, true
	}
	switch element {
	case "person.spouse.id_number":
		return rel(p.Spouse, "id_number")
	case "person.spouse.name":
		return rel(p.Spouse, "name")
	case "person.father.name":
		return rel(p.Father, "name")
	case "person.mother.name":
		return rel(p.Mother, "name")
	case "person.children.count", "person.children.names":
		d := Datum{Value: strconv.Itoa(len(p.Children))}
		var names []string
		for _, c := range p.Children {
			names = append(names, c.Name)
			d.Source = c.Source
			if c.At.After(d.At) {
				d.At = c.At
			}
		}
		if d.Source == "" {
			d.Source = p.Data["person.father.id_number"].Source
		}
		if element == "person.children.names" {
			d.Value = strings.Join(names, "、")
		}
		return d, true
	}
	return Datum{}, false
}

// knownElements are the elements Prefill and Compare know: catalog's list
// (internal/catalog) and the few more a profile holds.
var knownElements = func() map[string]bool {
	m := map[string]bool{"person.status": true, "person.spouse.id_number": true, "person.spouse.name": true,
		"person.children.count": true, "person.children.names": true, "person.father.name": true,
		"person.mother.name": true}
	for _, e := range personElements {
		m[e.element] = true
	}
	for _, e := range entityElements {
		m[e] = true
	}
	return m
}()

// displayValue turns a stored code into the word a form shows.
func displayValue(element, v string) string {
	var words map[string]string
	switch element {
	case "person.sex":
		words = sexes
	case "person.marital_status":
		words = maritalStatus
	case "person.status":
		words = personStatuses
	case "entity.status":
		words = entityStatuses
	case "person.former_names":
		return strings.ReplaceAll(v, ";", "；")
	default:
		return v
	}
	for word, code := range words {
		if code == v && word != "在业" {
			return word
		}
	}
	return v
}
