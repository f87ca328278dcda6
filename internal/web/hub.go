package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/hub"
	"github.com/govhall/govhall/internal/i18n"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
)

// The data hub's pages: /me/data, where a person sees what the hub holds
// about them (their own data whole, family members masked), their licences
// and who looked at their data — and an enterprise its legal entity's
// record, its licences and who looked at them (a person who acts for
// enterprises as their handler, 经办人, finds them listed there and opens
// each one's record and licences at /me/entities/{credit_code}/data,
// hub_handler.go); and /admin/hub, where the system administrator sees
// the record counts, the imports with live progress and the open
// conflicts between sources — masked, never a person's data — and
// resolves conflicts (hub_conflicts.go).

func (s *Site) hubRoutes() map[string]http.HandlerFunc {
	return map[string]http.HandlerFunc{
		"GET /me/data":                           s.myData,
		"GET /me/entities/{credit_code}/data":    s.handledEntityData,
		"GET /admin/hub":                         s.adminHub,
		"GET /admin/hub/conflicts":               s.hubConflicts,
		"GET /admin/hub/conflicts/{id}":          s.hubConflict,
		"POST /admin/hub/conflicts/{id}/resolve": s.postOnly(s.resolveHubConflict),
	}
}

// hubDataRow is one value of the person's own data with its provenance.
type hubDataRow struct {
	Label, Value, Source, At string
}

// hubRelativeRow is a family member, masked.
type hubRelativeRow struct {
	Relation, Name, IDNumber, BirthDate, Source string
}

// hubLicenceRow is one of the person's licences.
type hubLicenceRow struct {
	Type, Number, Issuer, Issued, Expires, Status, Source, Identifier string
	Valid                                                             bool
}

// hubAccessRow is one read of the person's data.
type hubAccessRow struct {
	When, Who, Purpose, Ref, What string
	Refused                       bool
	Reason                        string
}

// myDataBody is the /me/data page, of a person or (Entity) an enterprise,
// or (Handled) an enterprise's page as its handler sees it.
type myDataBody struct {
	Entity   bool
	NotInHub bool
	// Handled: a handler reads the enterprise HandledName (no access log:
	// that is the enterprise's own).
	Handled     bool
	HandledName string
	// Handles are the enterprises a person acts for.
	Handles  []handledRow
	Rows     []hubDataRow
	Family   []hubRelativeRow
	Licences []hubLicenceRow
	Access   []hubAccessRow
	Total    int
	Page     int
	Pages    int
	Prev     string
	Next     string
}

// hubOwnElements are the person's own data shown on /me/data, in order.
var hubOwnElements = []string{"person.name", "person.former_names", "person.id_number", "person.sex", "person.ethnicity",
	"person.birth_date", "person.hukou_address", "person.hukou_division", "person.current_address", "person.phone",
	"person.status", "person.marital_status"}

func (s *Site) myData(w http.ResponseWriter, r *http.Request) {
	if s.hub == nil {
		s.RenderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	ctx, lang := r.Context(), pageLang(r)
	p := identity.PrincipalFrom(ctx)
	b := &myDataBody{Entity: p.Kind() == identity.Enterprise}
	var pr hub.Profile
	var err error
	if b.Entity {
		pr, err = s.hub.MyEntity(ctx)
	} else {
		pr, err = s.hub.Profile(ctx, p.Account.IDNumber, hub.Purpose{Kind: hub.PurposeSelf})
	}
	switch {
	case errs.CodeOf(err) == errs.NotFound:
		b.NotInHub = true
	case err != nil:
		s.internal(w, r, err)
		return
	case b.Entity:
		hubFillEntity(lang, b, pr)
	default:
		hubFillProfile(lang, b, pr)
	}
	if !b.Entity {
		if err := s.hubFillHandles(ctx, b); err != nil {
			s.internal(w, r, err)
			return
		}
	}
	if err := s.hubFillAccess(r, lang, b); err != nil {
		s.internal(w, r, err)
		return
	}
	title := "web.hub.me.title"
	if b.Entity {
		title = "web.hub.entity.title"
	}
	s.render(w, r, http.StatusOK, "hub_me", s.formPage(r, lang, title, b, false))
}

// hubFillAccess adds the page of the access log the address asks for.
func (s *Site) hubFillAccess(r *http.Request, lang string, b *myDataBody) error {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	log, err := s.hub.MyAccessLog(r.Context(), page)
	if err != nil {
		return err
	}
	b.Total, b.Page, b.Pages = log.Total, log.Page, log.Pages
	if log.Page > 1 {
		b.Prev = fmt.Sprintf("/me/data?page=%d#access", log.Page-1)
	}
	if log.Page < log.Pages {
		b.Next = fmt.Sprintf("/me/data?page=%d#access", log.Page+1)
	}
	for _, e := range log.Entries {
		b.Access = append(b.Access, hubAccessOut(lang, e))
	}
	return nil
}

// hubEntityElements are the enterprise's data shown on /me/data, in order.
var hubEntityElements = []string{"entity.name", "entity.credit_code", "entity.type", "entity.legal_representative",
	"entity.legal_representative_id", "entity.registered_capital", "entity.address", "entity.business_scope",
	"entity.established_on", "entity.status", "entity.registering_authority"}

// hubFillEntity shows the enterprise's record (the legal representative's
// ID number comes masked from the hub) and its licences.
func hubFillEntity(lang string, b *myDataBody, pr hub.Profile) {
	for _, el := range hubEntityElements {
		d, ok := pr.Data[el]
		if !ok || d.Value == "" {
			continue
		}
		v := d.Value
		switch el {
		case "entity.registered_capital":
			v = i18n.T(lang, "web.hub.entity.capital", map[string]any{"n": v})
		case "entity.status":
			if key := "web.hub.entity_status." + v; i18n.Has(lang, key) {
				v = i18n.T(lang, key, nil)
			}
		}
		b.Rows = append(b.Rows, hubDataRow{Label: i18n.T(lang, "web.hub.element."+el, nil), Value: v,
			Source: hubSourceName(lang, d.Source), At: hubDate(d.At)})
	}
	hubFillLicences(lang, b, pr.Licences)
}

func hubFillProfile(lang string, b *myDataBody, pr hub.Profile) {
	for _, el := range hubOwnElements {
		d, status := pr.Element(el)
		if status != hub.PrefillFilled {
			continue
		}
		b.Rows = append(b.Rows, hubDataRow{Label: i18n.T(lang, "web.hub.element."+el, nil), Value: d.Value,
			Source: hubSourceName(lang, d.Source), At: hubDate(d.At)})
	}
	add := func(rel string, r *hub.Relative) {
		if r != nil {
			b.Family = append(b.Family, hubRelativeRow{Relation: i18n.T(lang, "web.hub.relation."+rel, nil),
				Name: ids.MaskName(r.Name), IDNumber: ids.MaskIDNumber(r.IDNumber), BirthDate: r.BirthDate,
				Source: hubSourceName(lang, r.Source)})
		}
	}
	add("spouse", pr.Spouse)
	for i := range pr.Children {
		add("child", &pr.Children[i])
	}
	add("father", pr.Father)
	add("mother", pr.Mother)
	hubFillLicences(lang, b, pr.Licences)
}

func hubFillLicences(lang string, b *myDataBody, ls []hub.LicenceEntry) {
	for _, l := range ls {
		name := l.TypeName
		if lang == i18n.EN && l.TypeNameEN != "" {
			name = l.TypeNameEN
		}
		b.Licences = append(b.Licences, hubLicenceRow{Type: name, Number: l.Number, Issuer: l.IssuerName, Issued: l.IssuedOn,
			Expires: l.ExpiresOn, Status: i18n.T(lang, "web.hub.licence_status."+l.Status, nil), Valid: l.Status == "valid",
			Source: hubSourceName(lang, l.Source), Identifier: l.Identifier})
	}
}

// hubAccessOut is one read as its subject sees it: "you" for their own
// reads, a staff member by department and masked name (the hub masks it).
func hubAccessOut(lang string, e hub.AccessEntry) hubAccessRow {
	who := e.AccessorName
	switch {
	case e.Self:
		who = i18n.T(lang, "web.hub.access.you", nil)
	case e.AccessorKind == identity.Staff:
		dept := e.AccessorDept
		if lang == i18n.EN && e.AccessorDeptEN != "" {
			dept = e.AccessorDeptEN
		}
		if dept != "" {
			who = dept + " · " + who
		}
	}
	kind := i18n.T(lang, "web.hub.accessor."+e.AccessorKind, nil)
	if !i18n.Has(lang, "web.hub.accessor."+e.AccessorKind) {
		kind = e.AccessorKind
	}
	if e.AccessorRole == hub.RoleHandler { // a person acting for the enterprise
		kind = i18n.T(lang, "web.hub.accessor.handler", nil)
	}
	row := hubAccessRow{When: e.At.In(beijing).Format("2006-01-02 15:04:05"), Who: kind + " · " + who,
		Purpose: i18n.T(lang, "web.hub.purpose."+e.Purpose, nil), Ref: e.Ref,
		What: i18n.T(lang, "web.hub.op."+e.Op, nil), Refused: !e.Allowed}
	if who == "" {
		row.Who = kind
	}
	if !e.Allowed && e.Reason != "" {
		row.Reason = i18n.T(lang, e.Reason, map[string]any{"purpose": e.Purpose, "ref": e.Ref, "scope": "hub.verify"})
	}
	return row
}

// hubSourceName is a department kind as people name it.
func hubSourceName(lang, kind string) string {
	if kind == "" {
		return ""
	}
	if key := "web.catalog.dept." + kind; i18n.Has(lang, key) {
		return i18n.T(lang, key, nil)
	}
	return kind
}

func hubDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(beijing).Format("2006-01-02")
}

// adminHubBody is the system administrator's hub page.
type adminHubBody struct {
	Databases []hubCountRow
	Sources   []hubCountRow
	Imports   []hubImportRow
	Running   bool
	Conflicts []hubConflictRow // the newest open ones
	// OpenConflicts counts them all; the list and resolution are at
	// /admin/hub/conflicts.
	OpenConflicts int
	Updated       string
}

type hubCountRow struct {
	Label, Source string
	Records       int64
}

type hubImportRow struct {
	ID                              int64
	Source, Kind, File, Status      string
	Read, Rejected, Inserted, Lines int64
	Started, Updated                string
	Running, Failed                 bool
	Error                           string
}

func (s *Site) adminHub(w http.ResponseWriter, r *http.Request) {
	if s.hub == nil {
		s.RenderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	lang := pageLang(r)
	b, err := s.adminHubBody(r.Context(), lang)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "hub_admin", s.formPage(r, lang, "web.hub.admin.title", b, false))
}

func (s *Site) adminHubBody(ctx context.Context, lang string) (*adminHubBody, error) {
	st, err := s.hub.Stats(ctx)
	if err != nil {
		return nil, err
	}
	imps, err := s.hub.Imports(ctx, 20)
	if err != nil {
		return nil, err
	}
	conf, err := s.hub.Conflicts(ctx, hub.ConflictFilter{Status: hub.ConflictsOpen})
	if err != nil {
		return nil, err
	}
	b := &adminHubBody{Updated: s.now().In(beijing).Format("15:04:05")}
	for _, c := range st.Databases {
		b.Databases = append(b.Databases, hubCountRow{Label: i18n.T(lang, "web.hub.database."+c.Database, nil), Records: c.Records})
	}
	for _, c := range st.Sources {
		b.Sources = append(b.Sources, hubCountRow{Label: i18n.T(lang, "web.hub.database."+c.Database, nil) + " · " + c.Element,
			Source: hubSourceName(lang, c.Source), Records: c.Records})
	}
	for _, im := range imps {
		row := hubImportRow{ID: im.ID, Source: hubSourceName(lang, im.Source), Kind: i18n.T(lang, "web.hub.database."+im.Kind, nil),
			File: im.FileName, Status: i18n.T(lang, "web.hub.import_status."+im.Status, nil), Read: im.Read, Rejected: im.Rejected,
			Inserted: im.Inserted, Lines: im.LastLine, Started: im.StartedAt.In(beijing).Format("2006-01-02 15:04:05"),
			Updated: im.UpdatedAt.In(beijing).Format("15:04:05"), Running: im.Status == "running", Failed: im.Status == "failed",
			Error: ids.MaskText(im.Error)}
		b.Running = b.Running || row.Running
		b.Imports = append(b.Imports, row)
	}
	b.OpenConflicts = conf.Total
	for _, c := range conf.Items {
		b.Conflicts = append(b.Conflicts, hubConflictOut(lang, c))
	}
	return b, nil
}
