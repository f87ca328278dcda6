package app_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/app"
	"github.com/govhall/govhall/internal/demo"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/notify"
)

// who says which callers a route admits. It is written here, by hand, and
// not derived from identity.Routes: the test checks the policy against what
// people were promised, route by route.
type who func(kind string, own bool) bool

var (
	anyone who = func(string, bool) bool { return true }
	// signedIn: any person's account; a department system is not a person.
	signedIn   who = func(k string, _ bool) bool { return k != identity.Anonymous && k != identity.DepartmentSystem }
	systemOnly who = func(k string, _ bool) bool { return k == identity.DepartmentSystem }
	// ownerOrSecurity: an account's own record, or the security administrator.
	ownerOrSecurity who = func(k string, own bool) bool {
		return signedIn(k, own) && (own || k == identity.SecurityAdmin)
	}
)

// kindIs admits exactly the given kinds of account.
func kindIs(kinds ...string) who {
	return func(k string, _ bool) bool { return slices.Contains(kinds, k) }
}

var expected = map[string]who{
	"GET /{$}": anyone, "GET /hall/{code}": anyone, "GET /lang": anyone, "GET /static/": anyone,
	"GET /healthz": anyone, "GET /readyz": anyone, "GET /metrics": anyone, "/": anyone,
	"GET /api/v1/openapi.json": anyone, "GET /api/v1/jurisdictions": anyone,
	"GET /api/v1/jurisdictions/{code}": anyone, "GET /api/v1/jurisdictions/{code}/children": anyone,
	"GET /api/v1/jurisdictions/{code}/departments": anyone, "GET /api/v1/jurisdictions/{code}/service-points": anyone,
	"GET /api/v1/departments/{id}": anyone, "GET /api/v1/departments/{id}/posts": anyone,
	"GET /login": anyone, "POST /login": anyone,
	"GET /register/person": anyone, "POST /register/person": anyone,
	"GET /register/enterprise": anyone, "POST /register/enterprise": anyone,
	"GET /me": signedIn, "GET /api/v1/me": signedIn, "POST /logout": signedIn, "POST /logout/everywhere": signedIn,
	"GET /api/v1/accounts/{id}": ownerOrSecurity,
	"GET /api/v1/token":         systemOnly,
	// An enterprise's handlers.
	"GET /me/handlers":              kindIs(identity.Person, identity.Enterprise),
	"POST /me/handlers":             kindIs(identity.Enterprise),
	"POST /me/handlers/{id}/remove": kindIs(identity.Enterprise),

	// The administrators' pages: one administrator kind each (separation of duties).
	"GET /admin/accounts": kindIs(identity.SecurityAdmin), "GET /admin/accounts/new": kindIs(identity.SecurityAdmin),
	"POST /admin/accounts":                        kindIs(identity.SecurityAdmin),
	"POST /admin/accounts/{id}/disable":           kindIs(identity.SecurityAdmin),
	"POST /admin/accounts/{id}/enable":            kindIs(identity.SecurityAdmin),
	"POST /admin/accounts/{id}/logout-everywhere": kindIs(identity.SecurityAdmin),
	"GET /admin/outbox":                           kindIs(identity.SystemAdmin),
	"GET /admin/audit":                            kindIs(identity.AuditAdmin),
	"POST /admin/audit/verify":                    kindIs(identity.AuditAdmin),

	// Proxy mandates: the resident's pages are for persons, the village
	// agent's for agents; the API lists either's own.
	"GET /me/mandates": kindIs(identity.Person), "POST /me/mandates/{id}/revoke": kindIs(identity.Person),
	"GET /agent/mandates": kindIs(identity.Agent), "GET /agent/mandates/new": kindIs(identity.Agent),
	"POST /agent/mandates": kindIs(identity.Agent), "GET /agent/mandates/{id}/confirm": kindIs(identity.Agent),
	"POST /agent/mandates/{id}/confirm": kindIs(identity.Agent), "POST /agent/mandates/{id}/revoke": kindIs(identity.Agent),
	"GET /api/v1/mandates": kindIs(identity.Person, identity.Agent),

	// The identity pages' operations in the API, for apps and department
	// systems: registering and signing in are for anyone, signing out for
	// a signed-in person; mandates, handlers and accounts as on the pages.
	"POST /api/v1/register/person": anyone, "POST /api/v1/register/enterprise": anyone,
	"POST /api/v1/login": anyone, "POST /api/v1/login/code": anyone, "POST /api/v1/logout": signedIn,
	"POST /api/v1/mandates": kindIs(identity.Agent), "POST /api/v1/mandates/{id}/confirm": kindIs(identity.Agent),
	"POST /api/v1/mandates/{id}/revoke":       kindIs(identity.Person, identity.Agent),
	"GET /api/v1/me/handlers":                 kindIs(identity.Person, identity.Enterprise),
	"POST /api/v1/me/handlers":                kindIs(identity.Enterprise),
	"DELETE /api/v1/me/handlers/{id}":         kindIs(identity.Enterprise),
	"GET /api/v1/admin/accounts":              kindIs(identity.SecurityAdmin),
	"POST /api/v1/admin/accounts":             kindIs(identity.SecurityAdmin),
	"POST /api/v1/admin/accounts/{id}/status": kindIs(identity.SecurityAdmin),

	// The catalog: reading is public; the audit of the county lists is for
	// supervisors and catalog administrators; writing for catalog
	// administrators only.
	"GET /catalog": anyone, "GET /catalog/items/{id}": anyone, "GET /catalog/items/{id}/versions": anyone,
	"GET /catalog/lists/{code}": anyone, "GET /api/v1/items": anyone, "GET /api/v1/items/{id}": anyone,
	"GET /api/v1/items/{id}/versions": anyone, "GET /api/v1/items/{id}/versions/{version}": anyone,
	"GET /api/v1/items/{id}/flowchart.svg": anyone, "GET /api/v1/catalog/lists/{code}": anyone,
	"GET /catalog/audit":                kindIs(identity.Supervisor, identity.CatalogAdmin),
	"GET /api/v1/catalog/audit":         kindIs(identity.Supervisor, identity.CatalogAdmin),
	"GET /admin/catalog":                kindIs(identity.CatalogAdmin),
	"POST /admin/catalog/{id}/publish":  kindIs(identity.CatalogAdmin),
	"POST /api/v1/items":                kindIs(identity.CatalogAdmin),
	"POST /api/v1/items/{id}/revisions": kindIs(identity.CatalogAdmin),
	"POST /api/v1/items/{id}/publish":   kindIs(identity.CatalogAdmin),

	// E-licences: verification is public; the signed document is for persons
	// and enterprises (the hub then gives it to the holder only).
	"GET /licences/verify": anyone, "POST /licences/verify": anyone,
	"GET /licences/{identifier}": anyone, "GET /licences/{identifier}/qr.png": anyone,
	"GET /licences/{identifier}/document.json":       kindIs(identity.Person, identity.Enterprise),
	"GET /api/v1/licences/{identifier}/verification": anyone, "POST /api/v1/licences/verify": anyone,

	// The data hub: a person's own data and who read it; the system
	// administrator's statistics. Pushing and verifying need a department
	// system's token with hub.push / hub.verify: the matrix's token carries
	// org.read only, so every caller here is refused (hub_api_test.go shows
	// the scoped tokens admitted).
	"GET /me/data": kindIs(identity.Person, identity.Enterprise), "GET /api/v1/me/data": kindIs(identity.Person, identity.Enterprise),
	"GET /api/v1/me/data/access-log": kindIs(identity.Person, identity.Enterprise), "GET /admin/hub": kindIs(identity.SystemAdmin),
	// A handler's view of an enterprise: persons pass the gate (the walk's
	// path names no valid credit code, so the page answers 404 or 422).
	"GET /me/entities/{credit_code}/data": kindIs(identity.Person), "GET /api/v1/me/entities/{credit_code}/data": kindIs(identity.Person),
	"GET /admin/hub/conflicts": kindIs(identity.SystemAdmin), "GET /admin/hub/conflicts/{id}": kindIs(identity.SystemAdmin),
	"POST /admin/hub/conflicts/{id}/resolve":        kindIs(identity.SystemAdmin),
	"GET /api/v1/admin/hub/conflicts":               kindIs(identity.SystemAdmin),
	"GET /api/v1/admin/hub/conflicts/{id}":          kindIs(identity.SystemAdmin),
	"POST /api/v1/admin/hub/conflicts/{id}/resolve": kindIs(identity.SystemAdmin),
	"POST /api/v1/hub/records":                      kindIs(), "POST /api/v1/hub/verify": kindIs(),
}

// caller is one signed-in (or anonymous) browser.
type caller struct {
	kind, login string
	id          int64
	token, csrf string
	bearer      string // a department system's API token
}

func (c *caller) signIn(t *testing.T, a *app.App) {
	if c.kind == identity.DepartmentSystem {
		secret, _, err := a.Identity.IssueToken(context.Background(), "matrix", 1, []string{"org.read"}, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		c.bearer = secret
		return
	}
	if c.kind == identity.Anonymous {
		return
	}
	ctx := context.Background()
	sess, acc, err := a.Identity.Login(ctx, c.login, demo.DemoPassword, "192.0.2.1")
	var ch *identity.ChallengeError
	if errors.As(err, &ch) { // officials: the code from the SMS
		m, merr := notify.Latest(ctx, a.DB, acc.Phone, identity.LoginCodeSMS)
		if merr != nil {
			t.Fatal(merr)
		}
		sess, acc, err = a.Identity.VerifyCode(ctx, ch.Token, m.Params["code"], "192.0.2.1")
	}
	if err != nil {
		t.Fatalf("sign in %s: %v", c.login, err)
	}
	c.id, c.token, c.csrf = acc.ID, sess.Token, sess.CSRF
}

// request builds a request for a route pattern with concrete values.
func (c *caller) request(route string, accountID, departmentID int64) *http.Request {
	method, path, _ := strings.Cut(route, " ")
	if path == "" { // a pattern without a method: the catch-all "/"
		method, path = "GET", "/no-such-page"
	}
	path = strings.TrimSuffix(path, "{$}")
	if path == "/static/" {
		path = "/static/site.css"
	}
	path = strings.ReplaceAll(path, "{code}", map[bool]string{true: "341602000000", false: "341602"}[strings.HasPrefix(path, "/api/")])
	if strings.HasPrefix(path, "/api/v1/accounts/") {
		path = strings.ReplaceAll(path, "{id}", fmt.Sprint(accountID))
	}
	// The administrators' actions on an account aim at one that does not
	// exist: the walk tests the gate without disabling a caller half-way.
	if strings.HasPrefix(path, "/admin/accounts/") || strings.HasPrefix(path, "/api/v1/admin/accounts/") {
		path = strings.ReplaceAll(path, "{id}", "987654321")
	}
	path = strings.ReplaceAll(path, "{id}", fmt.Sprint(departmentID))
	if path == "/lang" {
		path = "/lang?to=en&next=/"
	}
	csrf := c.csrf
	if csrf == "" {
		csrf = strings.Repeat("a", 43)
	}
	var req *http.Request
	if method == http.MethodPost {
		req = httptest.NewRequest(method, path, strings.NewReader(url.Values{"csrf": {csrf}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	req.AddCookie(&http.Cookie{Name: "govhall_csrf", Value: csrf})
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	if c.token != "" {
		req.AddCookie(&http.Cookie{Name: "govhall_session", Value: c.token})
	}
	return req
}

// refused reports whether a response is the edge's refusal.
func refused(res *http.Response) bool {
	switch res.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		return true
	case http.StatusSeeOther:
		return strings.HasPrefix(res.Header.Get("Location"), "/login?next=")
	}
	return false
}

// Every route × every kind of caller × own and other records: the policy
// admits exactly whom it promised, and a route without an expectation here
// (or without a policy entry) fails the test.
func TestPolicyMatrix(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) { policyMatrix(t, openHall(t, engine)) })
	}
}

func policyMatrix(t *testing.T, a *app.App) {
	routes := append([]string(nil), a.Routes...)
	sort.Strings(routes)
	for route := range identity.Routes {
		if !slices.Contains(routes, route) {
			t.Errorf("policy entry %q names no registered route", route)
		}
	}
	callers := []*caller{{kind: identity.Anonymous}, {kind: identity.DepartmentSystem}}
	for _, d := range demo.DemoAccounts() {
		if !slices.ContainsFunc(callers, func(c *caller) bool { return c.kind == d.Kind }) {
			callers = append(callers, &caller{kind: d.Kind, login: d.Login})
		}
	}
	for _, c := range callers {
		c.signIn(t, a)
	}
	other := callers[2].id // the first demo person
	for _, route := range routes {
		want, ok := expected[route]
		if !ok {
			t.Errorf("route %q has no expectation in the policy matrix test", route)
			continue
		}
		for _, c := range callers {
			for _, own := range []bool{true, false} {
				target := other
				if own {
					target = c.id
				} else if c.id == other {
					target = callers[3].id
				}
				if own && (c.kind == identity.Anonymous || c.kind == identity.DepartmentSystem) {
					continue
				}
				rec := httptest.NewRecorder()
				a.Handler.ServeHTTP(rec, c.request(route, target, 1))
				res := rec.Result()
				if allowed := !refused(res); allowed != want(c.kind, own) {
					t.Errorf("%s as %s (own=%v): status %d %s, want allowed=%v", route, c.kind, own, res.StatusCode,
						res.Header.Get("Location"), want(c.kind, own))
				}
				if (strings.HasPrefix(route, "POST /logout") || route == "POST /api/v1/logout") && c.kind != identity.Anonymous {
					c.signIn(t, a) // the logout ended this caller's session
				}
			}
		}
	}
}

// openHall opens a seeded hall without serving it on a port.
func openHall(t *testing.T, engine string) *app.App {
	t.Helper()
	ctx := context.Background()
	a, err := app.Open(ctx, hallConfig(t, engine))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if _, err := a.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	return a
}

// A department system presents its token; a wrong or revoked one is a 401.
func TestBearerTokens(t *testing.T) {
	a := openHall(t, "sqlite")
	ctx := context.Background()
	secret, tok, err := a.Identity.IssueToken(ctx, "公安局人口系统", 1, []string{"hub.push"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	get := func(bearer string) int {
		req := httptest.NewRequest("GET", "/api/v1/token", nil)
		req.Header.Set("Authorization", "Bearer "+bearer)
		rec := httptest.NewRecorder()
		a.Handler.ServeHTTP(rec, req)
		if rec.Code == 200 && !strings.Contains(rec.Body.String(), `"scopes":["hub.push"]`) {
			t.Fatalf("token info: %s", rec.Body)
		}
		return rec.Code
	}
	if got := get(secret); got != 200 {
		t.Fatalf("valid token: %d", got)
	}
	if got := get(identity.TokenPrefix + "forged"); got != 401 {
		t.Fatalf("forged token: %d", got)
	}
	if err := a.Identity.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	if got := get(secret); got != 401 {
		t.Fatalf("revoked token: %d", got)
	}
}
