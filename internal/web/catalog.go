package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/i18n"
	"github.com/govhall/govhall/internal/org"
)

// The public catalog (catalog*.go): browsing and searching the items, an
// item's guide with its flowchart, its versions, the four lists of a
// jurisdiction and the audit of the county lists; and the catalog
// administrators' page that publishes drafts and new versions. Pages read
// the catalog service and render; the rules are the service's.

// catalogRoutes are the catalog's pages.
func (s *Site) catalogRoutes() map[string]http.HandlerFunc {
	return map[string]http.HandlerFunc{
		"GET /catalog":                     s.catalogBrowse,
		"GET /catalog/items/{id}":          s.catalogItem,
		"GET /catalog/items/{id}/versions": s.catalogVersions,
		"GET /catalog/lists/{code}":        s.catalogLists,
		"GET /catalog/audit":               s.catalogAudit,
		"GET /admin/catalog":               s.catalogAdmin,
		"POST /admin/catalog/{id}/publish": s.postOnly(s.catalogPublish),
	}
}

// catalogPageSize is how many results a page of the catalog shows.
const catalogPageSize = 20

// catBrowseBody is the catalog's search form and one page of results.
type catBrowseBody struct {
	Q                  string
	Filters            []catSelectView
	Results            []catItemCard
	Total, Page, Pages int
	More               bool // more matches than catalog.SearchCap: narrow the query
	Searched           bool
	Prev, Next         string
	Alerts             []string
}

// catSelectView is one filter: a labelled select.
type catSelectView struct {
	Name, Label string
	Options     []option
}

// catItemCard is one result: what a person needs to pick the right item.
type catItemCard struct {
	ID                             int64
	Name, Place, Dept, Type, Limit string
	Online                         bool
	Visits                         int
	Generated, Demo                bool
}

// catalogBrowse is /catalog: the filters and search box, and the results.
func (s *Site) catalogBrowse(w http.ResponseWriter, r *http.Request) {
	lang, q := pageLang(r), r.URL.Query()
	f := catalog.Filter{Level: catPick(q.Get("level"), "city", "county", "town", "village"), DeptKind: q.Get("dept"),
		Type: q.Get("type"), Event: q.Get("event"), List: q.Get("list"), Limit: catalogPageSize}
	if _, ok := catalog.Types[f.Type]; !ok {
		f.Type = ""
	}
	if !slices.Contains(catalog.LifeEvents, f.Event) {
		f.Event = ""
	}
	f.List = catPick(f.List, catalog.PowerList, catalog.PublicServiceList, catalog.FeeList)
	switch q.Get("object") {
	case "person":
		f.Object = catalog.ObjectPerson
	case "enterprise":
		f.Object = catalog.ObjectEnterprise
	}
	places, err := s.org.Jurisdictions(r.Context(), "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if j := q.Get("jurisdiction"); j != "" && slices.ContainsFunc(places, func(p org.Jurisdiction) bool { return p.Code == j }) {
		f.Jurisdiction = j
	}
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	f.Offset = (page - 1) * catalogPageSize
	b := &catBrowseBody{Q: q.Get("q"), Page: page, Searched: q.Get("q") != ""}
	status := http.StatusOK
	res, err := s.catalog.Search(r.Context(), b.Q, f)
	if e, ok := errs.As(err); ok && e.Code == errs.Invalid {
		b.Alerts, status = []string{i18n.T(lang, e.Key, e.Args)}, http.StatusUnprocessableEntity
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	b.Total, b.More, b.Pages = res.Total, res.More, max(1, (res.Total+catalogPageSize-1)/catalogPageSize)
	b.Results, err = s.catItemCards(r.Context(), lang, res.Items, places)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.browseOptions(lang, b, f, q.Get("object"), places)
	if page > 1 {
		b.Prev = catPageURL(q, page-1)
	}
	if page < b.Pages {
		b.Next = catPageURL(q, page+1)
	}
	s.render(w, r, status, "catalog_browse", s.formPage(r, lang, "web.catalog.title", b, len(b.Alerts) > 0))
}

// catPick returns v when it is one of the allowed values, else "".
func catPick(v string, allowed ...string) string {
	if slices.Contains(allowed, v) {
		return v
	}
	return ""
}

// catPageURL is the address of another page of the same search.
func catPageURL(q url.Values, page int) string {
	c := url.Values{}
	for k, v := range q {
		c[k] = v
	}
	c.Set("page", strconv.Itoa(page))
	return "/catalog?" + c.Encode()
}

// browseOptions fills the filters' choices, the current ones selected.
func (s *Site) browseOptions(lang string, b *catBrowseBody, f catalog.Filter, object string, places []org.Jurisdiction) {
	t := func(key string) string { return i18n.T(lang, key, nil) }
	add := func(name, label string) *catSelectView {
		b.Filters = append(b.Filters, catSelectView{Name: name, Label: t(label), Options: []option{{Value: "", Label: t("web.catalog.any")}}})
		return &b.Filters[len(b.Filters)-1]
	}
	v := add("level", "web.catalog.filter_level")
	for _, lv := range []string{"city", "county", "town", "village"} {
		v.Options = append(v.Options, option{Value: lv, Label: t("web.catalog.level." + lv), Selected: f.Level == lv})
	}
	v = add("jurisdiction", "web.catalog.filter_jurisdiction")
	for _, p := range places {
		if p.Level == org.City || p.Level == org.County {
			v.Options = append(v.Options, option{Value: p.Code, Label: nameIn(lang, p.Name, p.NameEN), Selected: f.Jurisdiction == p.Code})
		}
	}
	v = add("dept", "web.catalog.filter_dept")
	for _, k := range catDeptKinds {
		v.Options = append(v.Options, option{Value: k, Label: catDeptLabel(lang, k), Selected: f.DeptKind == k})
	}
	v = add("type", "web.catalog.filter_type")
	for _, code := range catTypeCodes {
		v.Options = append(v.Options, option{Value: code, Label: t("web.catalog.type." + code), Selected: f.Type == code})
	}
	v = add("object", "web.catalog.filter_object")
	v.Options = append(v.Options, option{Value: "person", Label: t("web.catalog.object_person"), Selected: object == "person"},
		option{Value: "enterprise", Label: t("web.catalog.object_enterprise"), Selected: object == "enterprise"})
	v = add("event", "web.catalog.filter_event")
	for _, e := range catalog.LifeEvents {
		v.Options = append(v.Options, option{Value: e, Label: t("web.catalog.event." + e), Selected: f.Event == e})
	}
	v = add("list", "web.catalog.filter_list")
	for _, l := range []string{catalog.PowerList, catalog.PublicServiceList, catalog.FeeList} {
		v.Options = append(v.Options, option{Value: l, Label: t("web.catalog.list." + l), Selected: f.List == l})
	}
}

// catTypeCodes are the national dictionary's codes in order.
var catTypeCodes = []string{"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "20"}

// catDeptKinds are the department functions the filter offers (org.Department.Kind).
var catDeptKinds = []string{"public_security", "civil_affairs", "health_family_planning", "market_regulation",
	"environmental_protection", "housing_construction", "human_resources_social_security", "development_reform",
	"land_resources", "education", "transport", "agriculture", "livestock_veterinary", "city_management",
	"government_services"}

// catDeptLabel names a department function; an unknown one shows as stored.
func catDeptLabel(lang, kind string) string {
	if key := "web.catalog.dept." + kind; i18n.Has(lang, key) {
		return i18n.T(lang, key, nil)
	}
	return kind
}

// catalogLabels are the flowchart's words in a language (catalog.FlowSVG).
func catalogLabels(lang string) func(string) string {
	return func(key string) string {
		if k, ok := strings.CutPrefix(key, "dept."); ok {
			return catDeptLabel(lang, k)
		}
		return i18n.T(lang, "web.catalog."+key, nil)
	}
}

// catItemCards describes results with their jurisdiction and department names.
func (s *Site) catItemCards(ctx context.Context, lang string, items []catalog.Item, places []org.Jurisdiction) ([]catItemCard, error) {
	byCode := map[string]org.Jurisdiction{}
	for _, p := range places {
		byCode[p.Code] = p
	}
	depts := map[int64]string{}
	var out []catItemCard
	for _, it := range items {
		c := catItemCard{ID: it.ID, Name: nameIn(lang, it.Name, it.NameEN), Type: i18n.T(lang, "web.catalog.type."+it.Type, nil),
			Online: it.Doc.Online, Visits: it.Doc.Visits, Generated: it.Generated, Limit: catLimitText(lang, it.Doc)}
		if j, ok := byCode[it.Jurisdiction]; ok {
			c.Place, c.Demo = nameIn(lang, j.Name, j.NameEN), !j.Confirmed
		}
		if it.DepartmentID != 0 {
			name, ok := depts[it.DepartmentID]
			if !ok {
				d, err := s.org.Department(ctx, it.DepartmentID)
				if err != nil {
					return nil, err
				}
				name = nameIn(lang, d.Name, d.NameEN)
				depts[it.DepartmentID] = name
			}
			c.Dept = name
		}
		out = append(out, c)
	}
	return out, nil
}

// catLimitText is the promised time limit in a few words.
func catLimitText(lang string, d catalog.Doc) string {
	if d.CaseType == catalog.Immediate {
		return i18n.T(lang, "web.catalog.immediate", nil)
	}
	if d.Promised.Days > 0 {
		return i18n.T(lang, "web.catalog.promised_days", map[string]any{"n": d.Promised.Days})
	}
	return ""
}
