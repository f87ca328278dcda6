package web

import (
	"net/http"
	"strings"

	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/i18n"
)

// catVersionsBody is an item's published versions with what each changed.
type catVersionsBody struct {
	ID       int64
	Name     string
	ItemURL  string
	Versions []catVersionView
}

type catVersionView struct {
	Version                   int
	Status, Effective         string
	Approved, Note            string
	Changes                   []catChangeView
	First, Current, Scheduled bool
}

type catChangeView struct{ Field, Old, New string }

// catalogVersions is /catalog/items/{id}/versions: every version put in
// force or scheduled, newest first, with its diff. Pending drafts are the
// administrators' (/admin/catalog) until they are approved.
func (s *Site) catalogVersions(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.RenderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	it, err := s.catalog.Item(r.Context(), id)
	if err == nil && it.Status != catalog.Published && it.Status != catalog.Withdrawn {
		s.RenderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vs, err := s.catalog.Versions(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := pageLang(r)
	b := &catVersionsBody{ID: id, Name: nameIn(lang, it.Name, it.NameEN), ItemURL: "/catalog/items/" + catItoa(id)}
	for _, v := range vs {
		if v.Status == catalog.Draft {
			continue
		}
		b.Versions = append(b.Versions, catVersionOf(lang, v, it.Version))
	}
	p := s.formPage(r, lang, "web.catalog.item.versions_link", b, false)
	p.Title = i18n.T(lang, "web.page.document_title", map[string]any{
		"title": i18n.T(lang, "web.catalog.versions.title", map[string]any{"name": b.Name}), "site": p.Heading})
	s.render(w, r, http.StatusOK, "catalog_versions", p)
}

func catVersionOf(lang string, v catalog.Version, current int) catVersionView {
	t := func(key string) string { return i18n.T(lang, key, nil) }
	vv := catVersionView{Version: v.Version, Status: t("web.catalog.vstatus." + v.Status), Effective: catDate(v.EffectiveFrom),
		Note: v.Note, First: len(v.Diff) == 0, Current: v.Version == current, Scheduled: v.Status == "scheduled"}
	if !v.ApprovedAt.IsZero() {
		vv.Approved = catDate(v.ApprovedAt) // who approved is in the API and the audit trail
	}
	for _, c := range v.Diff {
		vv.Changes = append(vv.Changes, catChangeView{Field: catFieldLabel(lang, c.Field), Old: catOrEmpty(lang, c.Old), New: catOrEmpty(lang, c.New)})
	}
	return vv
}

// catFieldLabel names a changed field (doc.promised.days,
// doc.materials[2].name) by its nearest named part, with the path after it.
func catFieldLabel(lang, path string) string {
	parts := strings.Split(path, ".")
	for i, p := range parts {
		parts[i], _, _ = strings.Cut(p, "[") // an element of a list: the list
	}
	for n := len(parts); n > 0; n-- {
		key := strings.Join(parts[:n], "_")
		if k := "web.catalog.field." + key; i18n.Has(lang, k) {
			return i18n.T(lang, k, nil) + " (" + path + ")"
		}
	}
	return path
}

func catOrEmpty(lang, s string) string {
	if s == "" {
		return i18n.T(lang, "web.catalog.versions.empty", nil)
	}
	return s
}
