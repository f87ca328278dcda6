package hub

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/ids"
)

// Profiles (issue 5, part 5): a person with their family links and
// licences, an entity with its licences, every value with the department
// it came from and when. Reads go through guard (access.go): authorized
// for the purpose and written to the access log, allowed or not.

// Datum is one value with its provenance: the authoritative department
// (a department kind, e.g. public_security) and when the value came (the
// import that last wrote it; zero when not known, e.g. a licence the hall
// issued itself carries its issue date instead).
type Datum struct {
	Value  string    `json:"value"`
	Source string    `json:"source"`
	At     time.Time `json:"at,omitzero"`
}

// Relative is a family member of a profile's person. Source and At are
// those of the link (marriage: civil affairs; parents and children: birth
// registration); names, sex and birth dates are the registry's.
type Relative struct {
	IDNumber  string    `json:"id_number"`
	Name      string    `json:"name"`
	Sex       string    `json:"sex"` // M or F
	BirthDate string    `json:"birth_date"`
	Status    string    `json:"status"`
	Source    string    `json:"source"`
	At        time.Time `json:"at,omitzero"`
}

// LicenceEntry is one of a holder's licences.
type LicenceEntry struct {
	Identifier string    `json:"identifier"`
	TypeCode   string    `json:"type_code"`
	TypeName   string    `json:"type_name"`
	TypeNameEN string    `json:"type_name_en"`
	Number     string    `json:"number"`
	IssuerCode string    `json:"issuer_code"`
	IssuerName string    `json:"issuer_name"`
	IssuedOn   string    `json:"issued_on"`
	ExpiresOn  string    `json:"expires_on,omitempty"`
	Status     string    `json:"status"` // valid or revoked
	Source     string    `json:"source"`
	At         time.Time `json:"at,omitzero"`
}

// Profile is a person's or an entity's data in the hub. Data is keyed by
// data element (person.name, person.marital_status, entity.address …, the
// names catalog forms use for prefill).
type Profile struct {
	Kind     string           `json:"kind"` // person or entity
	ID       string           `json:"id"`   // ID number or credit code
	Data     map[string]Datum `json:"data"`
	Spouse   *Relative        `json:"spouse,omitempty"`
	Father   *Relative        `json:"father,omitempty"`
	Mother   *Relative        `json:"mother,omitempty"`
	Children []Relative       `json:"children,omitempty"`
	Licences []LicenceEntry   `json:"licences"`
}

// Get returns the value of an element ("" when absent).
func (p Profile) Get(element string) string { return p.Data[element].Value }

// Profile reads a person's profile by ID number for purpose p.
func (s *Service) Profile(ctx context.Context, idNumber string, p Purpose) (Profile, error) {
	idNumber = ids.NormalizeIDNumber(idNumber)
	if err := s.guard(ctx, SubjectPerson, idNumber, p, "profile"); err != nil {
		return Profile{}, err
	}
	return s.readPerson(ctx, idNumber)
}

// EntityProfile reads an entity's profile by credit code for purpose p.
func (s *Service) EntityProfile(ctx context.Context, creditCode string, p Purpose) (Profile, error) {
	creditCode = ids.NormalizeCreditCode(creditCode)
	if err := s.guard(ctx, SubjectEntity, creditCode, p, "profile"); err != nil {
		return Profile{}, err
	}
	return s.readEntity(ctx, creditCode)
}

// errNotInHub is the answer for a subject the hub does not hold.
func errNotInHub(kind string) error {
	key := "hub.access.not_in_hub_person"
	if kind == SubjectEntity {
		key = "hub.access.not_in_hub_entity"
	}
	return &errs.Error{Code: errs.NotFound, Key: key, Err: db.ErrNotFound}
}

// Provenance columns of a person: which import wrote an element.
const (
	provRegistry = iota
	provMarriage
	provBirth
)

// personElements are the person's own columns as data elements, with the
// provenance column that says which import wrote them.
var personElements = []struct {
	element string
	prov    int
}{
	{"person.id_number", provRegistry}, {"person.name", provRegistry}, {"person.former_names", provRegistry},
	{"person.sex", provRegistry}, {"person.ethnicity", provRegistry}, {"person.birth_date", provRegistry},
	{"person.hukou_address", provRegistry}, {"person.hukou_division", provRegistry},
	{"person.current_address", provRegistry}, {"person.phone", provRegistry}, {"person.status", provRegistry},
	{"person.marital_status", provMarriage}, {"person.spouse.id_number", provMarriage},
	{"person.father.id_number", provBirth}, {"person.mother.id_number", provBirth},
}

// sourceElement maps an element to its row in hub_sources.
var sourceElement = map[string]string{
	"person.spouse.id_number": "person.spouse_id", "person.father.id_number": "person.father_id",
	"person.mother.id_number": "person.mother_id", "entity.legal_representative": "entity.legal_rep",
	"entity.legal_representative_id": "entity.legal_rep_id",
}

const personCols = `id_number, name, former_names, sex, ethnicity, birth_date, hukou_address, hukou_division,
	current_address, phone, status, marital_status, spouse_id, father_id, mother_id,
	COALESCE(registry_import, 0), COALESCE(marriage_import, 0), COALESCE(birth_import, 0)`

// personRow is a row of hub_persons as a profile reads it.
type personRow struct {
	tag  int        // 0 the person, 1 a spouse or parent, 2 a child
	v    [15]string // personCols' text columns
	imps [3]int64   // registry, marriage, birth imports
}

// profileQuery reads a person's whole profile in one round trip: the
// person (tag 0, read once: "me"), their spouse and parents by the
// person's own links (tag 1), their children by the father and mother
// indexes (tag 2) and their licences (tag 3: licenceCols, padded to
// personCols' shape).
var profileQuery = "WITH me AS MATERIALIZED (SELECT " + personCols + " FROM hub_persons WHERE id_number = ?)" +
	" SELECT 0, me.* FROM me" +
	" UNION ALL SELECT 1, " + personCols + " FROM hub_persons WHERE id_number IN" +
	" (SELECT spouse_id FROM me UNION ALL SELECT father_id FROM me UNION ALL SELECT mother_id FROM me)" +
	" UNION ALL SELECT 2, " + personCols + " FROM hub_persons WHERE father_id = ? AND father_id <> ''" +
	" UNION ALL SELECT 2, " + personCols + " FROM hub_persons WHERE mother_id = ? AND mother_id <> ''" +
	" UNION ALL SELECT 3, " + licenceCols + ", '', '', '', '', '', '', '', 0, 0, COALESCE(src_import, 0)" +
	" FROM hub_licences WHERE holder_id = ?"

// licenceCols are a licence's columns as a profile reads them (then its
// import); LicenceEntry.fill fills an entry from them.
const licenceCols = "identifier, type_code, number, issuer_code, issuer_name, issued_on, expires_on, status"

func (l *LicenceEntry) fill(v []string) {
	l.Identifier, l.TypeCode, l.Number, l.IssuerCode, l.IssuerName = v[0], v[1], v[2], v[3], v[4]
	l.IssuedOn, l.ExpiresOn, l.Status = v[5], v[6], v[7]
}

func (s *Service) readPerson(ctx context.Context, id string) (Profile, error) {
	rows, err := s.DB.Query(ctx, profileQuery, id, id, id, id)
	if err != nil {
		return Profile{}, fmt.Errorf("read person: %w", err)
	}
	var self *personRow
	var family []personRow
	var lics []LicenceEntry
	var licImps []int64
	for rows.Next() {
		var r personRow
		dest := make([]any, 0, 19)
		dest = append(dest, &r.tag)
		for i := range r.v {
			dest = append(dest, &r.v[i])
		}
		if err := rows.Scan(append(dest, &r.imps[0], &r.imps[1], &r.imps[2])...); err != nil {
			rows.Close()
			return Profile{}, fmt.Errorf("read person: %w", err)
		}
		switch r.tag {
		case 0:
			self = &r
		case 3:
			var l LicenceEntry
			l.fill(r.v[:])
			lics, licImps = append(lics, l), append(licImps, r.imps[2])
		default:
			family = append(family, r)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Profile{}, fmt.Errorf("read person: %w", err)
	}
	if self == nil {
		return Profile{}, errNotInHub(SubjectPerson)
	}
	meta, err := s.meta(ctx)
	if err != nil {
		return Profile{}, err
	}
	imps := append(self.imps[:], licImps...)
	for _, r := range family {
		imps = append(imps, r.imps[2])
	}
	if err := meta.knowImports(ctx, s, imps...); err != nil {
		return Profile{}, err
	}
	pr := Profile{Kind: SubjectPerson, ID: id, Data: make(map[string]Datum, len(personElements))}
	prov := [3]int64{self.imps[0], self.imps[1], self.imps[2]}
	for i, e := range personElements {
		if self.v[i] != "" {
			pr.Data[e.element] = meta.datum(e.element, self.v[i], prov[e.prov])
		}
	}
	pr.addFamily(self, family, meta)
	pr.Licences = meta.licences(lics, licImps)
	return pr, nil
}

// addFamily sorts the relatives read with the person into spouse,
// parents and children, each with the provenance of its link.
func (pr *Profile) addFamily(self *personRow, family []personRow, meta *hubMeta) {
	spouse, father, mother := self.v[12], self.v[13], self.v[14]
	seen := map[string]bool{}
	for _, f := range family {
		r := Relative{IDNumber: f.v[0], Name: f.v[1], Sex: f.v[3], BirthDate: f.v[5], Status: f.v[10]}
		if seen[r.IDNumber+strconv.Itoa(f.tag)] {
			continue // a child found by both parents' indexes
		}
		seen[r.IDNumber+strconv.Itoa(f.tag)] = true
		switch {
		case f.tag == 2: // a child: the link is the child's birth registration
			d := meta.datum("person.father.id_number", r.IDNumber, f.imps[2])
			r.Source, r.At = d.Source, d.At
			pr.Children = append(pr.Children, r)
		case r.IDNumber == spouse:
			d := pr.Data["person.spouse.id_number"]
			r.Source, r.At = d.Source, d.At
			pr.Spouse = &r
		case r.IDNumber == father || r.IDNumber == mother:
			d := pr.Data["person.father.id_number"]
			r.Source, r.At = d.Source, d.At
			if r.IDNumber == father {
				pr.Father = &r
			} else {
				pr.Mother = &r
			}
		}
	}
	sort.Slice(pr.Children, func(i, j int) bool { return pr.Children[i].BirthDate < pr.Children[j].BirthDate })
}

// entityLicences reads an entity's licences.
const entityLicences = "SELECT " + licenceCols + ", COALESCE(src_import, 0) FROM hub_licences WHERE holder_id = ?"

// readLicences reads a holder's licences, newest first.
func (s *Service) readLicences(ctx context.Context, holder string, meta *hubMeta) ([]LicenceEntry, error) {
	rows, err := s.DB.Query(ctx, entityLicences, holder)
	if err != nil {
		return nil, fmt.Errorf("read licences: %w", err)
	}
	defer rows.Close()
	var out []LicenceEntry
	var imps []int64
	for rows.Next() {
		var v [8]string
		var imp int64
		if err := rows.Scan(&v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &imp); err != nil {
			return nil, err
		}
		var l LicenceEntry
		l.fill(v[:])
		out, imps = append(out, l), append(imps, imp)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := meta.knowImports(ctx, s, imps...); err != nil {
		return nil, err
	}
	return meta.licences(out, imps), nil
}

// licences completes licences read with the imports that wrote them (type
// names, source, time) and puts them newest first; never nil.
func (m *hubMeta) licences(ls []LicenceEntry, imps []int64) []LicenceEntry {
	if ls == nil {
		ls = []LicenceEntry{}
	}
	for i := range ls {
		l := &ls[i]
		t := m.types[l.TypeCode]
		l.TypeName, l.TypeNameEN = t.Name, t.NameEN
		d := m.datum("licence."+l.TypeCode, l.Identifier, imps[i])
		l.Source, l.At = d.Source, d.At
		if imps[i] == 0 { // issued by the hall: it came when it was issued
			l.At, _ = time.Parse(time.DateOnly, l.IssuedOn)
		}
	}
	sort.Slice(ls, func(i, j int) bool {
		if ls[i].IssuedOn != ls[j].IssuedOn {
			return ls[i].IssuedOn > ls[j].IssuedOn
		}
		return ls[i].Identifier < ls[j].Identifier
	})
	return ls
}

// entityElements are an entity's columns as data elements.
var entityElements = []string{"entity.credit_code", "entity.name", "entity.type", "entity.legal_representative",
	"entity.legal_representative_id", "entity.registered_capital", "entity.address", "entity.business_scope",
	"entity.established_on", "entity.status", "entity.registering_authority"}

func (s *Service) readEntity(ctx context.Context, code string) (Profile, error) {
	var v [11]string
	var imp int64
	dest := make([]any, 0, 12)
	for i := range v {
		dest = append(dest, &v[i])
	}
	err := s.DB.QueryRow(ctx, `SELECT credit_code, name, type, legal_rep, legal_rep_id, registered_capital, address,
		business_scope, established_on, status, registering_authority, COALESCE(src_import, 0)
		FROM hub_entities WHERE credit_code = ?`, code).Scan(append(dest, &imp)...)
	if errors.Is(err, sql.ErrNoRows) {
		return Profile{}, errNotInHub(SubjectEntity)
	} else if err != nil {
		return Profile{}, fmt.Errorf("read entity: %w", err)
	}
	meta, err := s.meta(ctx)
	if err != nil {
		return Profile{}, err
	}
	if err := meta.knowImports(ctx, s, imp); err != nil {
		return Profile{}, err
	}
	pr := Profile{Kind: SubjectEntity, ID: code, Data: make(map[string]Datum, len(entityElements))}
	for i, e := range entityElements {
		if v[i] != "" {
			pr.Data[e] = meta.datum(e, v[i], imp)
		}
	}
	pr.Licences, err = s.readLicences(ctx, code, meta)
	return pr, err
}
