package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/i18n"
	"github.com/govhall/govhall/internal/identity"
)

// catAdminBody is the catalog administrators' queue: drafts and new
// versions waiting for approval, each with its publish form.
type catAdminBody struct {
	Entries []catPendingView
	Notice  string
	Alerts  []string
	CSRF    string
}

type catPendingView struct {
	ID                  int64
	Name, Place, Status string
	Published           bool // the item is in force (a new version waits)
	Changes             []catChangeView
	Note                string
}

// catPendingLimit bounds the queue shown.
const catPendingLimit = 50

// catalogAdmin is /admin/catalog.
func (s *Site) catalogAdmin(w http.ResponseWriter, r *http.Request) {
	s.renderCatalogAdmin(w, r, http.StatusOK, nil)
}

func (s *Site) renderCatalogAdmin(w http.ResponseWriter, r *http.Request, status int, alerts []string) {
	lang, q := pageLang(r), r.URL.Query()
	pending, err := s.catalog.Pending(r.Context(), catPendingLimit)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	places, err := s.org.Jurisdictions(r.Context(), "")
	if err != nil {
		s.internal(w, r, err)
		return
	}
	b := &catAdminBody{Alerts: alerts, CSRF: identity.PrincipalFrom(r.Context()).CSRF}
	for _, p := range pending {
		v := catPendingView{ID: p.Item.ID, Name: nameIn(lang, p.Item.Name, p.Item.NameEN), Published: p.Version.Version > 0,
			Status: i18n.T(lang, "web.catalog.admin.draft", nil), Note: p.Version.Note}
		for _, j := range places {
			if j.Code == p.Item.Jurisdiction {
				v.Place = nameIn(lang, j.Name, j.NameEN)
			}
		}
		if v.Published {
			v.Status = i18n.T(lang, "web.catalog.admin.pending", map[string]any{"n": p.Version.Version})
			v.Changes = catVersionOf(lang, p.Version, 0).Changes
		}
		b.Entries = append(b.Entries, v)
	}
	if name := q.Get("name"); name != "" {
		args := map[string]any{"name": name, "n": q.Get("v"), "date": q.Get("on")}
		b.Notice = i18n.T(lang, "web.catalog.admin.published", args)
		if q.Get("on") != "" {
			b.Notice = i18n.T(lang, "web.catalog.admin.scheduled", args)
		}
	}
	s.render(w, r, status, "catalog_admin", s.formPage(r, lang, "web.catalog.admin.title", b, len(alerts) > 0))
}

// catalogPublish approves a draft or a pending version, effective from the
// date given (Beijing time; empty = now), with a note.
func (s *Site) catalogPublish(w http.ResponseWriter, r *http.Request) {
	lang := pageLang(r)
	id, ok := pathID(r)
	if !ok {
		s.RenderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	var eff time.Time
	if d := strings.TrimSpace(r.PostFormValue("effective")); d != "" {
		t, err := time.ParseInLocation("2006-01-02", d, beijing)
		if err != nil {
			s.renderCatalogAdmin(w, r, http.StatusUnprocessableEntity, []string{i18n.T(lang, "web.catalog.admin.bad_date", nil)})
			return
		}
		eff = t.UTC()
	}
	v, err := s.catalog.Publish(r.Context(), id, eff, strings.TrimSpace(r.PostFormValue("note")))
	if e, ok := errs.As(err); ok && e.Code != errs.Internal && e.Code != errs.NotFound {
		var alerts []string
		for _, f := range errs.Fields(err) {
			alerts = append(alerts, i18n.T(lang, f.Key, f.Args))
		}
		s.renderCatalogAdmin(w, r, http.StatusUnprocessableEntity, alerts)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	it, err := s.catalog.Item(r.Context(), id)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	q := url.Values{"name": {nameIn(lang, it.Name, it.NameEN)}, "v": {strconv.Itoa(v.Version)}}
	if v.Status == "scheduled" {
		q.Set("on", catDate(v.EffectiveFrom))
	}
	http.Redirect(w, r, "/admin/catalog?"+q.Encode(), http.StatusSeeOther)
}
