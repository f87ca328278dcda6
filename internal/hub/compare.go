package hub

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/ids"
)

// Verification and e-licences as materials (issue 5, part 5): submitted
// values compared with the hub's; an applicant's valid licences stand in
// for the materials that name their type.

func errUnknownApplicant(kind string) error {
	return errs.Field("subject_kind", "hub.access.subject_kind", map[string]any{"value": kind})
}

// Mismatch reasons.
const (
	MismatchDiffers = "differs"  // the hub holds another value
	MismatchNoValue = "no_value" // the hub holds no value for this element
	MismatchUnknown = "unknown"  // not an element the hub provides
)

// Mismatch is one submitted value that the hub does not confirm.
type Mismatch struct {
	Element   string    `json:"element"`
	Reason    string    `json:"reason"`
	Submitted string    `json:"submitted"`
	Hub       string    `json:"hub,omitempty"`
	Source    string    `json:"source,omitempty"`
	At        time.Time `json:"at,omitzero"`
}

// Compare checks submitted values (by element) against the hub and lists
// the mismatches, by element; an empty list means every value agrees.
// Values are compared as forms write them: spaces trimmed, ID numbers and
// credit codes normalised, dates YYYY-MM-DD or YYYYMMDD, sex and marital
// status as words or codes, list separators 、；; alike.
func (s *Service) Compare(ctx context.Context, subject Applicant, submitted map[string]string, p Purpose) ([]Mismatch, error) {
	pr, err := s.profileFor(ctx, subject, p, "verify")
	if err != nil {
		return nil, err
	}
	out := []Mismatch{}
	for el, v := range submitted {
		m := Mismatch{Element: el, Submitted: v}
		d, status := pr.Element(el)
		switch {
		case status == PrefillUnknown || status == PrefillNotApplicable:
			m.Reason = MismatchUnknown
		case status == PrefillEmpty && strings.TrimSpace(v) == "":
			continue
		case status == PrefillEmpty:
			m.Reason = MismatchNoValue
		case normalise(el, v) == normalise(el, d.Value):
			continue
		default:
			m.Reason, m.Hub, m.Source, m.At = MismatchDiffers, d.Value, d.Source, d.At
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Element < out[j].Element })
	return out, nil
}

// normalise puts a value of element into the one form Compare compares.
func normalise(element, v string) string {
	v = strings.Join(strings.Fields(v), " ")
	switch {
	case strings.HasSuffix(element, "id_number"):
		return ids.NormalizeIDNumber(v)
	case element == "entity.credit_code":
		return ids.NormalizeCreditCode(v)
	case strings.HasSuffix(element, "_date") || element == "entity.established_on":
		if len(v) == 8 && strings.Trim(v, "0123456789") == "" {
			return v[:4] + "-" + v[4:6] + "-" + v[6:]
		}
		return strings.NewReplacer("/", "-", ".", "-").Replace(v)
	case element == "person.sex":
		return displayValue(element, strings.ToUpper(v))
	case element == "person.marital_status" || element == "person.status":
		return displayValue(element, strings.ToLower(v))
	case element == "person.children.names" || element == "person.former_names":
		return strings.NewReplacer(",", "、", "，", "、", ";", "、", "；", "、", " ", "").Replace(v)
	}
	return v
}

// MaterialMatch is a material of an item and the licence that stands in
// for it: Found is false when the holder has no valid, unexpired licence
// of that type (then the applicant supplies the material).
type MaterialMatch struct {
	Material    string    `json:"material"`
	LicenceType string    `json:"licence_type"`
	Found       bool      `json:"found"`
	Identifier  string    `json:"identifier,omitempty"`
	Number      string    `json:"number,omitempty"`
	TypeName    string    `json:"type_name,omitempty"`
	ExpiresOn   string    `json:"expires_on,omitempty"`
	Source      string    `json:"source,omitempty"`
	At          time.Time `json:"at,omitzero"`
}

// MaterialsFromLicences matches each material that names a licence type
// with the holder's valid, unexpired licence of that type (the newest when
// there are several), so nobody uploads what the government already
// issued. Materials that name no licence type are not listed. "Unexpired"
// is by the Beijing calendar day: a licence expiring today still counts.
func (s *Service) MaterialsFromLicences(ctx context.Context, holderID string, materials []catalog.Material, p Purpose) ([]MaterialMatch, error) {
	pr, err := s.profileFor(ctx, s.ApplicantOf(holderID), p, "materials")
	if err != nil {
		return nil, err
	}
	today := s.now().In(licenceZone).Format(time.DateOnly)
	out := []MaterialMatch{}
	for _, m := range materials {
		if m.LicenceType == "" {
			continue
		}
		mm := MaterialMatch{Material: m.Name, LicenceType: m.LicenceType}
		for _, l := range pr.Licences { // newest first
			if l.TypeCode == m.LicenceType && l.Status == licenceValid && (l.ExpiresOn == "" || l.ExpiresOn >= today) {
				mm.Found, mm.Identifier, mm.Number, mm.TypeName = true, l.Identifier, l.Number, l.TypeName
				mm.ExpiresOn, mm.Source, mm.At = l.ExpiresOn, l.Source, l.At
				break
			}
		}
		out = append(out, mm)
	}
	return out, nil
}

// CheckRealName is the real-name check of registration: name and ID
// number must be those of a living person of the population database. A
// mismatch is a field error on name, an unknown or no longer living person
// one on id_number. When the population database is empty (a fresh hall
// before any import) there is nothing to check against: skipped is true
// and the caller logs a warning. The check is written to the access log
// (purpose verification, ref "registration"); it reveals only whether the
// pair matches.
func (s *Service) CheckRealName(ctx context.Context, idNumber, name string) (skipped bool, err error) {
	id := ids.NormalizeIDNumber(idNumber)
	var stored, status string
	err = s.DB.QueryRow(ctx, "SELECT name, status FROM hub_persons WHERE id_number = ?", id).Scan(&stored, &status)
	outcome := "allowed"
	switch {
	case errors.Is(err, sql.ErrNoRows):
		var any int
		if e := s.DB.QueryRow(ctx, "SELECT count(*) FROM (SELECT 1 FROM hub_persons LIMIT 1) one").Scan(&any); e != nil {
			return false, fmt.Errorf("real-name check: %w", e)
		}
		if any == 0 {
			return true, nil
		}
		err, outcome = errs.Field("id_number", "hub.realname.unknown", nil), "refused:hub.realname.unknown"
	case err != nil:
		return false, fmt.Errorf("real-name check: %w", err)
	case status != "normal" && status != "migrated":
		err, outcome = errs.Field("id_number", "hub.realname.not_living", nil), "refused:hub.realname.not_living"
	case strings.Join(strings.Fields(name), "") != stored:
		err, outcome = errs.Field("name", "hub.realname.mismatch", nil), "refused:hub.realname.mismatch"
	}
	acc := accessorOf(ctx, &s.Access)
	if lerr := s.logRead(ctx, acc, SubjectPerson, id, Purpose{Kind: PurposeVerification, Ref: "registration"}, "realname", outcome); lerr != nil {
		return false, lerr
	}
	return false, err
}
