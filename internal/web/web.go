// Package web owns the server-rendered portal of the hall, "the web shell":
// the city hall home, one sub-hall per county, district and the development
// zone (all in one layout, so every hall looks the same and links to the
// others), the language switch, the HTML error page, signing in,
// registering and the account page, the proxy mandates of residents and
// village agents, and the embedded templates and static assets they use.
//
// Handlers stay thin: parse the request, call a service, render. Every page
// is rendered into a buffer first, so a template error becomes a clean 500
// page and never half a page. Every user-facing string comes from the i18n
// catalogs under the "web." prefix; templates translate with {{t "key"}}.
package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/hub"
	"github.com/govhall/govhall/internal/i18n"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/org"
)

//go:embed templates/*.html
var templateFS embed.FS

// pages are the page templates; each is parsed together with the layout.
var pages = []string{"hall", "error", "login", "register_person", "register_enterprise", "me",
	"mandates", "mandate_new", "mandate_confirm", "handlers",
	// The administrators' pages (admin.go).
	"admin_accounts", "admin_account_new", "admin_outbox", "admin_audit",
	// E-licence verification (licence.go).
	"licence_page", "licence_check",
	// The data hub: a person's data and who read it, the administrators' page (hub.go).
	"hub_me", "hub_admin", "hub_conflicts", "hub_conflict",
	// The public catalog and its administration (catalog*.go).
	"catalog_browse", "catalog_item", "catalog_versions", "catalog_lists", "catalog_audit", "catalog_admin"}

// Config is what the web shell needs.
type Config struct {
	Org      *org.Service
	Identity *identity.Service
	Catalog  *catalog.Service
	Log      *slog.Logger
	// Licences verifies e-licences (nil: the licence pages answer 404).
	Licences *hub.Issuer
	// Hub reads a person's data and the access log (nil: the hub pages answer 404).
	Hub *hub.Service
}

// Site serves the pages. It is safe for concurrent use.
type Site struct {
	org      *org.Service
	identity *identity.Service
	catalog  *catalog.Service
	log      *slog.Logger
	licences *hub.Issuer
	hub      *hub.Service
	assets   *assets
	// tmpl holds one parsed set per language and page, so {{t "key"}} needs
	// no language argument and escaping is analysed once, at start.
	tmpl map[string]map[string]*template.Template
}

// New parses the embedded templates once; a broken template fails here, at
// start, rather than on a person's request.
func New(c Config) (*Site, error) {
	if c.Org == nil {
		return nil, errors.New("web: Config.Org is required")
	}
	s := &Site{org: c.Org, identity: c.Identity, catalog: c.Catalog, log: c.Log, licences: c.Licences, hub: c.Hub, tmpl: map[string]map[string]*template.Template{}}
	if s.log == nil {
		s.log = slog.Default()
	}
	var err error
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	for _, lang := range i18n.Langs {
		s.tmpl[lang] = map[string]*template.Template{}
		for _, p := range pages {
			t, err := template.New(p).Funcs(s.funcs(lang)).ParseFS(templateFS, "templates/layout.html", "templates/form.html",
				"templates/partials.html", "templates/"+p+".html")
			if err != nil {
				return nil, fmt.Errorf("web: parse template %s: %w", p, err)
			}
			s.tmpl[lang][p] = t
		}
	}
	return s, nil
}

// routes is the one table of the portal's pages: pattern → handler. Every
// POST handler is wrapped with the CSRF check.
func (s *Site) routes() map[string]http.HandlerFunc {
	r := map[string]http.HandlerFunc{
		"GET /{$}":                  s.home,
		"GET /hall/{code}":          s.hall,
		"GET /lang":                 s.switchLang,
		"GET /static/":              s.static,
		"GET /login":                s.loginPage,
		"POST /login":               s.postOnly(s.login),
		"POST /logout":              s.postOnly(s.logout),
		"POST /logout/everywhere":   s.postOnly(s.logoutEverywhere),
		"GET /register/person":      s.registerPersonPage,
		"POST /register/person":     s.postOnly(s.registerPerson),
		"GET /register/enterprise":  s.registerEnterprisePage,
		"POST /register/enterprise": s.postOnly(s.registerEnterprise),
		"GET /me":                   s.me,
		// Proxy mandates (全程代理): the resident's list, the agent's pages.
		"GET /me/mandates":                  s.myMandates,
		"POST /me/mandates/{id}/revoke":     s.postOnly(s.revokeMandate("/me/mandates")),
		"GET /agent/mandates":               s.agentMandates,
		"GET /agent/mandates/new":           s.newMandatePage,
		"POST /agent/mandates":              s.postOnly(s.createMandate),
		"GET /agent/mandates/{id}/confirm":  s.confirmMandatePage,
		"POST /agent/mandates/{id}/confirm": s.signatureForm(s.postOnly(s.confirmMandate)),
		"POST /agent/mandates/{id}/revoke":  s.postOnly(s.revokeMandate("/agent/mandates")),
		// An enterprise's handlers (经办人), and the enterprises a person acts for.
		"GET /me/handlers":              s.handlersPage,
		"POST /me/handlers":             s.postOnly(s.addHandler),
		"POST /me/handlers/{id}/remove": s.postOnly(s.removeHandler),
	}
	// The administrators' pages, one role each (admin.go).
	maps.Copy(r, s.adminRoutes())
	maps.Copy(r, s.catalogRoutes())
	// E-licence verification, public; the document for its holder (licence.go).
	maps.Copy(r, s.licenceRoutes())
	// The data hub: /me/data and /admin/hub (hub.go).
	maps.Copy(r, s.hubRoutes())
	return r
}

// Routes lists the patterns Register adds, for the policy check at start.
func (s *Site) Routes() []string { return slices.Sorted(maps.Keys(s.routes())) }

// Register adds the pages to mux.
func (s *Site) Register(mux *http.ServeMux) {
	for pattern, h := range s.routes() {
		mux.HandleFunc(pattern, h)
	}
}

// scriptPages may run the hall's own scripts; every other page runs none.
var scriptPages = map[string]bool{"mandate_confirm": true, // the signature pad
	"catalog_audit": true, // the audit's chart (ECharts)
	"hub_admin":     true} // the imports' live progress

// funcs are the template functions for one language.
func (s *Site) funcs(lang string) template.FuncMap {
	return template.FuncMap{
		// t translates a key; extra arguments are placeholder name/value pairs:
		// {{t "web.hall.name" "name" .Name}}.
		"t": func(key string, pairs ...any) (string, error) {
			if len(pairs)%2 != 0 {
				return "", fmt.Errorf("t %q: placeholder arguments come in name/value pairs", key)
			}
			args := map[string]any{}
			for i := 0; i < len(pairs); i += 2 {
				name, ok := pairs[i].(string)
				if !ok {
					return "", fmt.Errorf("t %q: placeholder name %v is not a string", key, pairs[i])
				}
				args[name] = pairs[i+1]
			}
			return i18n.T(lang, key, args), nil
		},
		// asset gives the versioned address of an embedded static file.
		"asset": s.assets.url,
	}
}

// render executes a page into a buffer and sends it only when complete; a
// template error becomes the 500 page.
func (s *Site) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	p.User = signedInAs(r)
	var buf bytes.Buffer
	if err := s.tmpl[p.Lang][name].ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.Error("render page", "template", name, "err", err, "request_id", actor.From(r.Context()).RequestID)
		if name != "error" {
			s.RenderError(w, r, http.StatusInternalServerError, "error.internal")
			return
		}
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	h.Set("Content-Language", p.Lang)
	h.Set("Cache-Control", "no-cache")
	if p.User != nil {
		h.Set("Cache-Control", "no-store") // a signed-in page names its person: keep it out of shared caches
	}
	h.Add("Vary", "Cookie") // the language comes from the lang cookie
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	// Nothing on a page may load from elsewhere, and pages need no script
	// (but the few in scriptPages, which run only our own files).
	csp := "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
	if scriptPages[name] {
		csp = "script-src 'self'; " + csp
	}
	h.Set("Content-Security-Policy", csp)
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// now is the hall's clock: the identity service's, which tests move. It
// decides when a mandate has expired and how old an account looks.
func (s *Site) now() time.Time {
	if s.identity != nil && s.identity.Now != nil {
		return s.identity.Now().UTC()
	}
	return time.Now().UTC()
}

// pathID is the {id} of a route, a positive number or not found.
func pathID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}
