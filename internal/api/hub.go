package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/hub"
	"github.com/govhall/govhall/internal/i18n"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
)

// The data hub's API: department systems push records (token scope
// hub.push; the token's department is the source, whose authority the
// importer enforces) and verify submitted values within a case (scope
// hub.verify); a person (or an enterprise) reads their own data and who
// read it, and a person the data of each enterprise they act for as its
// handler; the system administrator lists and resolves the conflicts
// between sources, masked. Every read goes through the hub's policy and
// access log.

const (
	pushRoute   = "POST /api/v1/hub/records"
	maxPushBody = 8 << 20
)

func (a *API) registerHub(mux *http.ServeMux) {
	a.handle(mux, pushRoute, a.pushRecords)
	a.handle(mux, "POST /api/v1/hub/verify", a.verify)
	a.handle(mux, "GET /api/v1/me/data", a.myData)
	a.handle(mux, "GET /api/v1/me/data/access-log", a.myAccessLog)
	a.handle(mux, "GET /api/v1/me/entities/{credit_code}/data", a.handledEntityData)
	a.handle(mux, "GET /api/v1/admin/hub/conflicts", a.listConflicts)
	a.handle(mux, "GET /api/v1/admin/hub/conflicts/{id}", a.getConflict)
	a.handle(mux, "POST /api/v1/admin/hub/conflicts/{id}/resolve", a.resolveConflict)
}

func (a *API) hubService() (*hub.Service, error) {
	if a.c.Hub == nil {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	return a.c.Hub, nil
}

// PushBody is a push of records.
type PushBody struct {
	Kind    string              `json:"kind"`
	Partial bool                `json:"partial"`
	Records []map[string]string `json:"records"`
}

// PushResult is what a push did.
type PushResult struct {
	ImportID        int64        `json:"import_id"`
	Status          string       `json:"status"`
	AlreadyImported bool         `json:"already_imported"`
	Read            int64        `json:"read"`
	Inserted        int64        `json:"inserted"`
	Updated         int64        `json:"updated"`
	Unchanged       int64        `json:"unchanged"`
	Rejected        int64        `json:"rejected"`
	Conflicts       int64        `json:"conflicts"`
	Rejects         []PushReject `json:"rejects"`
}

// PushReject is a refused record.
type PushReject struct {
	Record  int    `json:"record"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func (a *API) pushRecords(r *http.Request) (any, error) {
	h, err := a.hubService()
	if err != nil {
		return nil, err
	}
	var body PushBody
	if err := decode(r, &body); err != nil {
		return nil, err
	}
	t := identity.PrincipalFrom(r.Context()).System
	if t == nil { // the edge admits only department systems here
		return nil, errs.New(errs.Denied, "error.denied")
	}
	dept, err := a.c.Org.Department(r.Context(), t.DepartmentID)
	if err != nil || dept.Kind == "" {
		return nil, errs.New(errs.Denied, "api.hub.push_department")
	}
	rep, err := h.Push(r.Context(), hub.PushRequest{Source: dept.Kind, Kind: body.Kind, Records: body.Records, Partial: body.Partial})
	if err != nil {
		return nil, err
	}
	out := PushResult{ImportID: rep.ImportID, Status: rep.Status, AlreadyImported: rep.AlreadyImported, Read: rep.Read,
		Inserted: rep.Inserted, Updated: rep.Updated, Unchanged: rep.Unchanged, Rejected: rep.Rejected,
		Conflicts: rep.Conflicts, Rejects: []PushReject{}}
	for _, rj := range rep.Rejects {
		out.Rejects = append(out.Rejects, PushReject{Record: rj.Record, Field: rj.Field, Message: i18n.T(lang(r), rj.Key, rj.Args)})
	}
	status := http.StatusOK
	if rep.Status != "done" {
		status = http.StatusUnprocessableEntity
	}
	return reply{status: status, body: out}, nil
}

// VerifyBody asks whether submitted values agree with the hub.
type VerifyBody struct {
	Subject string            `json:"subject"` // ID number or credit code
	CaseRef string            `json:"case_ref"`
	Values  map[string]string `json:"values"`
}

// VerifyResult lists the values the hub does not confirm.
type VerifyResult struct {
	Subject    string         `json:"subject"` // masked when a person
	Agrees     bool           `json:"agrees"`
	Mismatches []hub.Mismatch `json:"mismatches"`
}

func (a *API) verify(r *http.Request) (any, error) {
	h, err := a.hubService()
	if err != nil {
		return nil, err
	}
	var body VerifyBody
	if err := decode(r, &body); err != nil {
		return nil, err
	}
	if err := errs.Join(required("subject", body.Subject), required("case_ref", body.CaseRef)); err != nil {
		return nil, err
	}
	if len(body.Values) == 0 {
		return nil, errs.Field("values", "error.required", nil)
	}
	subj := h.ApplicantOf(body.Subject)
	mm, err := h.Compare(r.Context(), subj, body.Values, hub.Purpose{Kind: hub.PurposeVerification, Ref: strings.TrimSpace(body.CaseRef)})
	if err != nil {
		return nil, err
	}
	out := VerifyResult{Subject: subj.ID, Agrees: len(mm) == 0, Mismatches: mm}
	if subj.Kind == hub.SubjectPerson {
		out.Subject = ids.MaskIDNumber(subj.ID)
	}
	return out, nil
}

// myData is the signed-in person's profile: their own data whole, family
// members' names and ID numbers masked; for an enterprise, its legal
// entity's record and licences (hub.Service.MyEntity).
func (a *API) myData(r *http.Request) (any, error) {
	h, err := a.hubService()
	if err != nil {
		return nil, err
	}
	p := identity.PrincipalFrom(r.Context())
	if p.Kind() == identity.Enterprise {
		return h.MyEntity(r.Context())
	}
	me := p.Account
	pr, err := h.Profile(r.Context(), me.IDNumber, hub.Purpose{Kind: hub.PurposeSelf})
	if err != nil {
		return nil, err
	}
	mask := func(rel *hub.Relative) {
		if rel != nil {
			rel.Name, rel.IDNumber = ids.MaskName(rel.Name), ids.MaskIDNumber(rel.IDNumber)
		}
	}
	mask(pr.Spouse)
	mask(pr.Father)
	mask(pr.Mother)
	for i := range pr.Children {
		mask(&pr.Children[i])
	}
	for _, el := range []string{"person.spouse.id_number", "person.father.id_number", "person.mother.id_number"} {
		if d, ok := pr.Data[el]; ok {
			d.Value = ids.MaskIDNumber(d.Value)
			pr.Data[el] = d
		}
	}
	return pr, nil
}

// handledEntityData is the legal-entity record and licences of an
// enterprise the signed-in person acts for as its handler, as the
// enterprise sees them: 403 when they do not (or no longer) act for it,
// 422 for a malformed credit code.
func (a *API) handledEntityData(r *http.Request) (any, error) {
	h, err := a.hubService()
	if err != nil {
		return nil, err
	}
	return h.HandledEntity(r.Context(), r.PathValue("credit_code"))
}

func (a *API) myAccessLog(r *http.Request) (any, error) {
	h, err := a.hubService()
	if err != nil {
		return nil, err
	}
	page, err := pageOf(r)
	if err != nil {
		return nil, err
	}
	return h.MyAccessLog(r.Context(), page)
}

// pageOf reads the page parameter (1 when absent).
func pageOf(r *http.Request) (int, error) {
	v := r.URL.Query().Get("page")
	if v == "" {
		return 1, nil
	}
	page, err := strconv.Atoi(v)
	if err != nil || page < 1 {
		return 0, errs.Field("page", "error.bad_request", map[string]any{"detail": "page must be a positive number"})
	}
	return page, nil
}

// listConflicts is the system administrator's list of conflicts between
// sources, masked, by element, offering source and status.
func (a *API) listConflicts(r *http.Request) (any, error) {
	h, err := a.hubService()
	if err != nil {
		return nil, err
	}
	page, err := pageOf(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	return h.Conflicts(r.Context(), hub.ConflictFilter{Element: q.Get("element"), Source: q.Get("source"),
		Status: q.Get("status"), Page: page})
}

func (a *API) getConflict(r *http.Request) (any, error) {
	h, err := a.hubService()
	if err != nil {
		return nil, err
	}
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return h.ConflictByID(r.Context(), id)
}

// resolveConflict closes a conflict with an outcome (confirmed or
// referred) and a note; the authoritative value never changes.
func (a *API) resolveConflict(r *http.Request) (any, error) {
	h, err := a.hubService()
	if err != nil {
		return nil, err
	}
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var body hub.Resolution
	if err := decode(r, &body); err != nil {
		return nil, err
	}
	return h.ResolveConflict(r.Context(), id, body)
}
