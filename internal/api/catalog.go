package api

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/i18n"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/org"
)

// The catalog: searching and reading items (public), their versions and
// flowcharts, a jurisdiction's four lists, the audit of the county lists
// (supervisors and catalog administrators), and writing items (catalog
// administrators: create a draft, revise, publish). Drafts are not public.

// registerCatalog adds the catalog's routes.
func (a *API) registerCatalog(mux *http.ServeMux) {
	a.handle(mux, "GET /api/v1/items", a.searchItems)
	a.handle(mux, "GET /api/v1/items/{id}", a.getItem)
	a.handle(mux, "GET /api/v1/items/{id}/versions", a.listItemVersions)
	a.handle(mux, "GET /api/v1/items/{id}/versions/{version}", a.getItemVersion)
	a.handleSVG(mux, "GET /api/v1/items/{id}/flowchart.svg", a.itemFlowchart)
	a.handle(mux, "GET /api/v1/catalog/lists/{code}", a.catalogLists)
	a.handle(mux, "GET /api/v1/catalog/audit", a.catalogAudit)
	a.handle(mux, "POST /api/v1/items", a.createItem)
	a.handle(mux, "POST /api/v1/items/{id}/revisions", a.reviseItem)
	a.handle(mux, "POST /api/v1/items/{id}/publish", a.publishItem)
}

// ItemSummary is an item in a list of results: what picks the right one.
type ItemSummary struct {
	ID            int64     `json:"id"`
	Jurisdiction  string    `json:"jurisdiction"`
	Code          string    `json:"code"`
	Name          string    `json:"name"`
	NameEN        string    `json:"name_en,omitempty"`
	Node          string    `json:"node"`
	Type          string    `json:"type"`
	List          string    `json:"list"`
	Status        string    `json:"status"`
	DepartmentID  int64     `json:"department_id,omitempty"`
	PromisedDays  int       `json:"promised_days"`
	CaseType      int       `json:"case_type"`
	Online        bool      `json:"online"`
	Visits        int       `json:"visits"`
	Events        []string  `json:"events"`
	Version       int       `json:"version"`
	EffectiveFrom time.Time `json:"effective_from,omitzero"`
	Generated     bool      `json:"generated"`
}

func itemSummary(it catalog.Item) ItemSummary {
	ev := it.Events
	if ev == nil {
		ev = []string{}
	}
	return ItemSummary{ID: it.ID, Jurisdiction: it.Jurisdiction, Code: it.Code, Name: it.Name, NameEN: it.NameEN,
		Node: it.Node, Type: it.Type, List: it.List, Status: it.Status, DepartmentID: it.DepartmentID,
		PromisedDays: it.Doc.Promised.Days, CaseType: it.Doc.CaseType, Online: it.Doc.Online, Visits: it.Doc.Visits,
		Events: ev, Version: it.Version, EffectiveFrom: it.EffectiveFrom, Generated: it.Generated}
}

// ItemPage is one page of search results with the total of the search.
type ItemPage struct {
	Items []ItemSummary `json:"items"`
	// Total counts the matches of a search up to catalog.SearchCap; More
	// says there are more than that (narrow the query to see them).
	Total  int  `json:"total"`
	More   bool `json:"more"`
	Limit  int  `json:"limit"`
	Offset int  `json:"offset"`
}

// searchItems is GET /api/v1/items: published items matching q (every
// word, in the name, code, laws or materials) within the filters.
func (a *API) searchItems(r *http.Request) (any, error) {
	q := r.URL.Query()
	f := catalog.Filter{Jurisdiction: q.Get("jurisdiction"), List: q.Get("list"), Type: q.Get("type"),
		Event: q.Get("event"), DeptKind: q.Get("dept"), Level: q.Get("level")}
	var bad []error
	if f.List != "" && !slices.Contains([]string{catalog.PowerList, catalog.PublicServiceList, catalog.FeeList}, f.List) {
		bad = append(bad, errs.Field("list", "api.catalog.list", nil))
	}
	if _, ok := catalog.Types[f.Type]; f.Type != "" && !ok {
		bad = append(bad, errs.Field("type", "api.catalog.type", nil))
	}
	if f.Event != "" && !slices.Contains(catalog.LifeEvents, f.Event) {
		bad = append(bad, errs.Field("event", "api.catalog.event", nil))
	}
	if !levels[f.Level] {
		bad = append(bad, errs.Field("level", "api.error.level", nil))
	}
	switch q.Get("object") {
	case "":
	case "person":
		f.Object = catalog.ObjectPerson
	case "enterprise":
		f.Object = catalog.ObjectEnterprise
	default:
		bad = append(bad, errs.Field("object", "api.catalog.object", nil))
	}
	var err error
	if f.Limit, err = intParam(q.Get("limit"), 20, 1, 100, "limit"); err != nil {
		bad = append(bad, err)
	}
	if f.Offset, err = intParam(q.Get("offset"), 0, 0, 1<<30, "offset"); err != nil {
		bad = append(bad, err)
	}
	if len(bad) > 0 {
		return nil, errs.Join(bad...)
	}
	res, err := a.c.Catalog.Search(r.Context(), q.Get("q"), f)
	if err != nil {
		return nil, err
	}
	out := ItemPage{Items: make([]ItemSummary, 0, len(res.Items)), Total: res.Total, More: res.More, Limit: f.Limit,
		Offset: f.Offset}
	for _, it := range res.Items {
		out.Items = append(out.Items, itemSummary(it))
	}
	return out, nil
}

// intParam reads a whole-number query parameter within [lo, hi].
func intParam(v string, def, lo, hi int, field string) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, errs.Field(field, "api.catalog.range", map[string]any{"min": lo, "max": hi})
	}
	return n, nil
}

// visibleItem reads an item the caller may see: published (or withdrawn)
// items for everyone, drafts and reported items for catalog administrators.
func (a *API) visibleItem(r *http.Request) (catalog.Item, error) {
	id, err := pathID(r)
	if err != nil {
		return catalog.Item{}, err
	}
	it, err := a.c.Catalog.Item(r.Context(), id)
	if err != nil {
		return catalog.Item{}, err
	}
	if it.Status != catalog.Published && it.Status != catalog.Withdrawn &&
		identity.PrincipalFrom(r.Context()).Kind() != identity.CatalogAdmin {
		return catalog.Item{}, errs.New(errs.NotFound, "error.not_found")
	}
	return it, nil
}

func (a *API) getItem(r *http.Request) (any, error) { return a.visibleItem(r) }

func (a *API) listItemVersions(r *http.Request) (any, error) {
	it, err := a.visibleItem(r)
	if err != nil {
		return nil, err
	}
	vs, err := a.c.Catalog.Versions(r.Context(), it.ID)
	if err != nil {
		return nil, err
	}
	admin := identity.PrincipalFrom(r.Context()).Kind() == identity.CatalogAdmin
	out := list[catalog.Version]{Items: []catalog.Version{}}
	for _, v := range vs {
		if v.Status != catalog.Draft || admin { // a pending version is the administrators'
			out.Items = append(out.Items, v)
		}
	}
	return out, nil
}

func (a *API) getItemVersion(r *http.Request) (any, error) {
	it, err := a.visibleItem(r)
	if err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(r.PathValue("version"))
	if err != nil || n <= 0 {
		return nil, errs.Field("version", "api.catalog.version", nil)
	}
	return a.c.Catalog.ItemVersion(r.Context(), it.ID, n)
}

// itemFlowchart draws the item's flowchart as SVG, in the caller's language.
func (a *API) itemFlowchart(r *http.Request) ([]byte, error) {
	it, err := a.visibleItem(r)
	if err != nil {
		return nil, err
	}
	if len(it.Doc.Flow) == 0 {
		return nil, errs.New(errs.NotFound, "api.catalog.no_flow")
	}
	l := lang(r)
	return catalog.FlowSVG(it.Doc.Flow, l, func(key string) string {
		if k := "web.catalog." + key; i18n.Has(l, k) {
			return i18n.T(l, k, nil)
		}
		kind, _ := strings.CutPrefix(key, "dept.") // an unknown department function, as stored
		return kind
	})
}

// handleSVG registers a route that answers an SVG image.
func (a *API) handleSVG(mux *http.ServeMux, pattern string, h func(*http.Request) ([]byte, error)) {
	a.routes = append(a.routes, pattern)
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		b, err := h(r)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Security-Policy", "default-src 'none'")
		_, _ = w.Write(b)
	})
}

// ListCount is the size of one of a jurisdiction's lists.
type ListCount struct {
	List      string `json:"list"`
	Published int    `json:"published"` // business-handling items in force
	Reported  int    `json:"reported"`  // as the jurisdiction reported them
}

// FourLists is a jurisdiction's four lists (四张清单) in numbers.
type FourLists struct {
	Jurisdiction string      `json:"jurisdiction"`
	Lists        []ListCount `json:"lists"`
	Duties       int         `json:"duties"`
}

func (a *API) catalogLists(r *http.Request) (any, error) {
	code := r.PathValue("code")
	var j org.Jurisdiction
	var err error
	if len(code) == 6 {
		j, err = a.c.Org.Hall(r.Context(), code)
	} else {
		j, err = a.c.Org.Jurisdiction(r.Context(), code)
	}
	if err != nil {
		return nil, err
	}
	out := FourLists{Jurisdiction: j.Code}
	for _, l := range []string{catalog.PowerList, catalog.PublicServiceList, catalog.FeeList} {
		c := ListCount{List: l}
		for _, st := range []struct {
			status string
			n      *int
		}{{catalog.Published, &c.Published}, {catalog.Reported, &c.Reported}} {
			if _, *st.n, err = a.c.Catalog.Items(r.Context(), catalog.Filter{Jurisdiction: j.Code, List: l,
				Status: st.status, Node: catalog.Handling, Limit: 1}); err != nil {
				return nil, err
			}
		}
		out.Lists = append(out.Lists, c)
	}
	duties, err := a.c.Catalog.Duties(r.Context(), j.Code)
	if err != nil {
		return nil, err
	}
	out.Duties = len(duties)
	return out, nil
}

// CatalogAudit is the audit of the county lists with the duties that lack
// exactly one lead department.
type CatalogAudit struct {
	catalog.AuditReport
	Duties []catalog.DutyProblem `json:"duties"`
}

func (a *API) catalogAudit(r *http.Request) (any, error) {
	j := r.URL.Query().Get("jurisdiction")
	rep, err := a.c.Catalog.AuditLists(r.Context(), j)
	if err != nil {
		return nil, err
	}
	duties, err := a.c.Catalog.DutyReport(r.Context(), j)
	if err != nil {
		return nil, err
	}
	if duties == nil {
		duties = []catalog.DutyProblem{}
	}
	return CatalogAudit{AuditReport: rep, Duties: duties}, nil
}

// createItem adds a draft (or a reported item) as version 1.
func (a *API) createItem(r *http.Request) (any, error) {
	var in catalog.Item
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	in.ID = 0
	it, err := a.c.Catalog.Create(r.Context(), in)
	if err != nil {
		return nil, err
	}
	return reply{status: http.StatusCreated, body: it}, nil
}

// reviseItem changes an item: a draft in place, a published item as a new
// pending version with its diff.
func (a *API) reviseItem(r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in catalog.Item
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	in.ID = id
	v, err := a.c.Catalog.Revise(r.Context(), in)
	if err != nil {
		return nil, err
	}
	return reply{status: http.StatusCreated, body: v}, nil
}

// Publication approves a draft or a pending version.
type Publication struct {
	EffectiveFrom time.Time `json:"effective_from,omitzero"` // zero: now
	Note          string    `json:"note"`
}

func (a *API) publishItem(r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in Publication
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	return a.c.Catalog.Publish(r.Context(), id, in.EffectiveFrom.UTC(), in.Note)
}
