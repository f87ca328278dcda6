package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/i18n"
	"github.com/govhall/govhall/internal/org"
)

// page is what the layout renders; Body is the page's own part.
type page struct {
	Lang    string
	Title   string     // the document title
	Heading string     // the hall name in the header, or the site name
	Demo    bool       // the hall itself was invented for the demo
	Parent  *hallLink  // a sub-hall's city hall, shown above its name
	Nav     []hallLink // the city hall and every sub-hall
	Switch  langSwitch
	User    *signedIn // who is signed in, nil when anonymous; render fills it
	Body    any
}

// hallLink is one hall in the navigation and in the list of halls.
type hallLink struct {
	Name    string // the jurisdiction's name
	Hall    string // the hall's name
	Kind    string // translated kind: 市, 区, 县, 开发区
	URL     string
	Code    string // the six-digit hall code
	GBT     bool   // Code is a GB/T 2260 code (else an internal one)
	Demo    bool
	Current bool
}

// hallBody is the body of a hall page.
type hallBody struct {
	IsCity      bool
	Departments []deptView
	Points      []pointGroup
	Halls       []hallLink // the city home: the sub-halls; a sub-hall: the others
}

type deptView struct {
	Name, CreditCode string
	Demo             bool
}

// pointGroup gathers the service points of one level under a heading.
type pointGroup struct {
	Level, Title string
	Points       []pointView
}

type pointView struct {
	Name, Address, Phone, Hours string
	Place, PlaceKind            string // the point's division and its kind
	Within                      string // the division above it, unless that is the hall's own
	Demo                        bool
}

// home is the city hall.
func (s *Site) home(w http.ResponseWriter, r *http.Request) {
	city, err := s.org.City(r.Context())
	if errors.Is(err, db.ErrNotFound) {
		// The structure has not been set up: nothing a person can fix.
		s.log.Warn("no city in the store: seed the demo or create the city", "request_id", actor.From(r.Context()).RequestID)
		s.RenderError(w, r, http.StatusServiceUnavailable, "error.unavailable")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderHall(w, r, city)
}

// hall is a sub-hall: /hall/341621. The city's own code redirects to the
// home page, which is the city hall's one address.
func (s *Site) hall(w http.ResponseWriter, r *http.Request) {
	j, err := s.org.Hall(r.Context(), r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if j.Level == org.City {
		http.Redirect(w, r, "/", http.StatusMovedPermanently)
		return
	}
	s.renderHall(w, r, j)
}

func (s *Site) renderHall(w http.ResponseWriter, r *http.Request, j org.Jurisdiction) {
	lang := pageLang(r)
	p, err := s.hallPage(r.Context(), lang, j)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Switch = switchFor(lang, r)
	s.render(w, r, http.StatusOK, "hall", p)
}

// hallPage reads what a hall shows: the halls for the navigation, the
// hall's own departments and the service points under it.
func (s *Site) hallPage(ctx context.Context, lang string, j org.Jurisdiction) (*page, error) {
	all, err := s.org.Jurisdictions(ctx, "")
	if err != nil {
		return nil, err
	}
	deps, err := s.org.Departments(ctx, j.Code)
	if err != nil {
		return nil, err
	}
	pts, err := s.org.ServicePoints(ctx, j)
	if err != nil {
		return nil, err
	}
	byCode := make(map[string]org.Jurisdiction, len(all))
	var nav []hallLink
	for _, x := range all {
		byCode[x.Code] = x
		if x.Level == org.City || x.Level == org.County {
			nav = append(nav, linkTo(lang, x, x.Code == j.Code))
		}
	}
	me := linkTo(lang, j, true)
	body := &hallBody{IsCity: j.Level == org.City, Points: groupPoints(lang, j.Code, pts, byCode)}
	for _, d := range deps {
		body.Departments = append(body.Departments, deptView{Name: nameIn(lang, d.Name, d.NameEN), CreditCode: d.CreditCode, Demo: !d.Confirmed})
	}
	p := &page{Lang: lang, Title: me.Hall, Heading: me.Hall, Demo: me.Demo, Nav: nav, Body: body}
	for _, l := range nav {
		switch {
		case l.Current:
		case l.URL == "/":
			p.Parent = &l
			body.Halls = append(body.Halls, l)
		default:
			body.Halls = append(body.Halls, l)
		}
	}
	return p, nil
}

// linkTo describes the hall of a city or county-level jurisdiction.
func linkTo(lang string, j org.Jurisdiction, current bool) hallLink {
	l := hallLink{Name: nameIn(lang, j.Name, j.NameEN), Kind: kindLabel(lang, j.Kind), Code: j.HallCode(),
		GBT: j.GBT2260 != "", Demo: !j.Confirmed, Current: current, URL: "/hall/" + j.HallCode()}
	if j.Level == org.City {
		l.URL = "/"
	}
	l.Hall = i18n.T(lang, "web.hall.name", map[string]any{"name": l.Name})
	return l
}

// pointLevels are the headings of service points, from the top down.
var pointLevels = []struct{ level, key string }{
	{org.City, "web.points.level_city"},
	{org.County, "web.points.level_county"},
	{org.Town, "web.points.level_town"},
	{org.Village, "web.points.level_village"},
}

// groupPoints sorts service points under the level of their jurisdiction.
func groupPoints(lang, hall string, pts []org.ServicePoint, byCode map[string]org.Jurisdiction) []pointGroup {
	var out []pointGroup
	for _, lv := range pointLevels {
		g := pointGroup{Level: lv.level, Title: i18n.T(lang, lv.key, nil)}
		for _, p := range pts {
			j, ok := byCode[p.JurisdictionCode]
			if !ok || j.Level != lv.level {
				continue
			}
			v := pointView{Name: nameIn(lang, p.Name, p.NameEN), Place: nameIn(lang, j.Name, j.NameEN),
				PlaceKind: kindLabel(lang, j.Kind), Address: p.Address, Phone: p.Phone, Hours: p.Hours, Demo: !p.Confirmed}
			if up, ok := byCode[j.ParentCode]; ok && up.Code != hall {
				v.Within = nameIn(lang, up.Name, up.NameEN)
			}
			g.Points = append(g.Points, v)
		}
		if len(g.Points) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// kindKeys name every kind of jurisdiction.
var kindKeys = map[string]string{
	"city": "web.kind.city", "district": "web.kind.district", "county": "web.kind.county", "zone": "web.kind.zone",
	"street": "web.kind.street", "town": "web.kind.town", "township": "web.kind.township",
	"community": "web.kind.community", "village": "web.kind.village",
}

// kindLabel translates a kind; an unknown kind shows as stored rather than
// breaking the page.
func kindLabel(lang, kind string) string {
	if k, ok := kindKeys[kind]; ok {
		return i18n.T(lang, k, nil)
	}
	return kind
}

// nameIn picks the stored name for the language; the Chinese name stands in
// where no English one was recorded.
func nameIn(lang, zh, en string) string {
	if lang == i18n.EN && en != "" {
		return en
	}
	return zh
}

// fail answers a failed service call: not found is the 404 page, anything
// else is logged once with the request ID and shown as the 500 page.
func (s *Site) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, db.ErrNotFound) || errs.CodeOf(err) == errs.NotFound {
		s.RenderError(w, r, http.StatusNotFound, "web.error.hall_not_found")
		return
	}
	if r.Context().Err() == nil {
		s.log.Error("page", "route", r.Pattern, "err", err, "request_id", actor.From(r.Context()).RequestID)
	}
	s.RenderError(w, r, http.StatusInternalServerError, "error.internal")
}
