package web

import (
	"context"
	"net/http"
	"net/url"

	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/i18n"
	"github.com/govhall/govhall/internal/org"
)

// catListsBody is a jurisdiction's four lists (四张清单) with their counts.
type catListsBody struct {
	Name      string
	Demo      bool
	Lists     []catListView
	Duties    []catDutyView
	DutyTotal int
	DutyShown int
}

// catListView is one list: its published items (business-handling items, what
// is applied for), and the items as the jurisdiction reported them.
type catListView struct {
	Key, Title          string
	Published, Reported int
	URL                 string
}

type catDutyView struct {
	Name, Lead, Cooperate string
	Problem               bool // not exactly one lead
}

// catDutiesShown bounds the duties a lists page prints; the count says how
// many there are.
const catDutiesShown = 100

// catalogLists is /catalog/lists/{code}: by hall code (341621) or division
// code (341621000000).
func (s *Site) catalogLists(w http.ResponseWriter, r *http.Request) {
	j, err := s.catJurisdiction(r.Context(), r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := pageLang(r)
	b := &catListsBody{Name: nameIn(lang, j.Name, j.NameEN), Demo: !j.Confirmed}
	for _, l := range []string{catalog.PowerList, catalog.PublicServiceList, catalog.FeeList} {
		v := catListView{Key: l, Title: i18n.T(lang, "web.catalog.list."+l, nil),
			URL: "/catalog?" + url.Values{"jurisdiction": {j.Code}, "list": {l}}.Encode()}
		for _, st := range []struct {
			status string
			n      *int
		}{{catalog.Published, &v.Published}, {catalog.Reported, &v.Reported}} {
			_, n, err := s.catalog.Items(r.Context(), catalog.Filter{Jurisdiction: j.Code, List: l, Status: st.status, Node: catalog.Handling, Limit: 1})
			if err != nil {
				s.fail(w, r, err)
				return
			}
			*st.n = n
		}
		b.Lists = append(b.Lists, v)
	}
	if err := s.catDutyViews(r.Context(), lang, j.Code, b); err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.formPage(r, lang, "web.catalog.title", b, false)
	p.Title = i18n.T(lang, "web.page.document_title", map[string]any{
		"title": i18n.T(lang, "web.catalog.lists.title", map[string]any{"name": b.Name}), "site": p.Heading})
	s.render(w, r, http.StatusOK, "catalog_lists", p)
}

// catJurisdiction reads a jurisdiction by hall code or division code.
func (s *Site) catJurisdiction(ctx context.Context, code string) (org.Jurisdiction, error) {
	if len(code) == 6 {
		return s.org.Hall(ctx, code)
	}
	return s.org.Jurisdiction(ctx, code)
}

// catDutyViews lists the responsibility list with department names.
func (s *Site) catDutyViews(ctx context.Context, lang, code string, b *catListsBody) error {
	duties, err := s.catalog.Duties(ctx, code)
	if err != nil {
		return err
	}
	b.DutyTotal = len(duties)
	names := map[int64]string{}
	deptNames := func(ids []int64) (string, error) {
		var out []string
		for _, id := range ids {
			n, ok := names[id]
			if !ok {
				d, err := s.org.Department(ctx, id)
				if err != nil {
					return "", err
				}
				n = nameIn(lang, d.Name, d.NameEN)
				names[id] = n
			}
			out = append(out, n)
		}
		return joinList(lang, out), nil
	}
	for _, d := range duties[:min(len(duties), catDutiesShown)] {
		v := catDutyView{Name: nameIn(lang, d.Name, d.NameEN), Problem: len(d.Lead) != 1}
		if v.Lead, err = deptNames(d.Lead); err != nil {
			return err
		}
		if v.Cooperate, err = deptNames(d.Cooperate); err != nil {
			return err
		}
		b.Duties = append(b.Duties, v)
	}
	b.DutyShown = len(b.Duties)
	return nil
}
