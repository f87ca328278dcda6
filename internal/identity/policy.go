package identity

import (
	"context"
	"fmt"
	"slices"
)

// Anonymous is the kind of a caller who has not signed in.
const Anonymous = "anonymous"

// Principal is who is asking, as the policy sees them.
type Principal struct {
	Account Account // zero for an anonymous caller
	// CSRF and Token are the session's, for the web edge (empty for API
	// callers and anonymous ones).
	CSRF, Token string
	// System is the API token of a department system (nil for people).
	System *APIToken
}

// Kind is the principal's account kind, DepartmentSystem, or Anonymous.
func (p Principal) Kind() string {
	if p.System != nil {
		return DepartmentSystem
	}
	if p.Account.ID == 0 {
		return Anonymous
	}
	return p.Account.Kind
}

// Rule says who may call a route. Object-level checks (own or other
// records) are made by the service that reads the records, with the
// principal; the rule is the first gate.
type Rule struct {
	// Kinds that may call the route; Anonymous includes everyone.
	Kinds []string
	// Owner is set when the route names one account (by {id}) and only its
	// owner (and the kinds in OwnerOr) may use it.
	Owner   bool
	OwnerOr []string
	// Scope is what a department system's token must carry to call the
	// route ("" when systems may not call it or need no scope).
	Scope string
}

// Everyone may call a public route, signed in or not.
var Everyone = Rule{Kinds: []string{Anonymous}}

// SignedIn is any account of any kind.
var SignedIn = Rule{Kinds: Kinds}

// Only allows the given kinds.
func Only(kinds ...string) Rule { return Rule{Kinds: kinds} }

// Routes is the policy of every route of the hall, pages and API alike:
// a route without an entry is refused at start, and a test walks every
// route with every kind of caller.
var Routes = map[string]Rule{
	// Operations and the catch-all 404. (/metrics is for the operators'
	// network; restrict it at the proxy when the hall faces the internet.)
	"GET /healthz": Everyone,
	"GET /readyz":  Everyone,
	"GET /metrics": Everyone,
	"/":            Everyone,

	// The portal and the structure are public.
	"GET /{$}":                                        Everyone,
	"GET /hall/{code}":                                Everyone,
	"GET /lang":                                       Everyone,
	"GET /static/":                                    Everyone,
	"GET /api/v1/openapi.json":                        Everyone,
	"GET /api/v1/jurisdictions":                       Everyone,
	"GET /api/v1/jurisdictions/{code}":                Everyone,
	"GET /api/v1/jurisdictions/{code}/children":       Everyone,
	"GET /api/v1/jurisdictions/{code}/departments":    Everyone,
	"GET /api/v1/jurisdictions/{code}/service-points": Everyone,
	"GET /api/v1/departments/{id}":                    Everyone,
	"GET /api/v1/departments/{id}/posts":              Everyone,

	// Signing in and registering.
	"GET /login":                Everyone,
	"POST /login":               Everyone,
	"POST /logout":              SignedIn,
	"POST /logout/everywhere":   SignedIn,
	"GET /register/person":      Everyone,
	"POST /register/person":     Everyone,
	"GET /register/enterprise":  Everyone,
	"POST /register/enterprise": Everyone,
	"GET /me":                   SignedIn,
	// An enterprise's handlers; a person sees whom they act for.
	"GET /me/handlers":              Only(Person, Enterprise),
	"POST /me/handlers":             Only(Enterprise),
	"POST /me/handlers/{id}/remove": Only(Enterprise),
	"GET /api/v1/me":                SignedIn,
	// A department system asks who it is: its department and scopes.
	"GET /api/v1/token": {Kinds: []string{DepartmentSystem}},
	// One account's record: its owner; the security administrator manages
	// accounts and sees them masked.
	"GET /api/v1/accounts/{id}": {Kinds: Kinds, Owner: true, OwnerOr: []string{SecurityAdmin}},

	// The identity pages' operations in the API, for apps: the session the
	// API's login starts is the portal's (the same cookie). Mandates,
	// handlers and accounts are for the same kinds as their pages.
	"POST /api/v1/register/person":            Everyone,
	"POST /api/v1/register/enterprise":        Everyone,
	"POST /api/v1/login":                      Everyone,
	"POST /api/v1/login/code":                 Everyone,
	"POST /api/v1/logout":                     SignedIn,
	"POST /api/v1/mandates":                   Only(Agent),
	"POST /api/v1/mandates/{id}/confirm":      Only(Agent),
	"POST /api/v1/mandates/{id}/revoke":       Only(Person, Agent),
	"GET /api/v1/me/handlers":                 Only(Person, Enterprise),
	"POST /api/v1/me/handlers":                Only(Enterprise),
	"DELETE /api/v1/me/handlers/{id}":         Only(Enterprise),
	"GET /api/v1/admin/accounts":              Only(SecurityAdmin),
	"POST /api/v1/admin/accounts":             Only(SecurityAdmin),
	"POST /api/v1/admin/accounts/{id}/status": Only(SecurityAdmin),

	// Proxy mandates (全程代理): a resident sees and revokes the mandates
	// that name them; a village agent asks for, confirms and revokes their
	// own. Whose mandate it is, the mandate service checks.
	"GET /me/mandates":                  Only(Person),
	"POST /me/mandates/{id}/revoke":     Only(Person),
	"GET /agent/mandates":               Only(Agent),
	"GET /agent/mandates/new":           Only(Agent),
	"POST /agent/mandates":              Only(Agent),
	"GET /agent/mandates/{id}/confirm":  Only(Agent),
	"POST /agent/mandates/{id}/confirm": Only(Agent),
	"POST /agent/mandates/{id}/revoke":  Only(Agent),
	"GET /api/v1/mandates":              Only(Person, Agent),

	// The administrators' pages: one role each (separation of duties). The
	// security administrator manages accounts, the system administrator
	// reads the outbox, the audit administrator reads and verifies the trail.
	"GET /admin/accounts":                         Only(SecurityAdmin),
	"GET /admin/accounts/new":                     Only(SecurityAdmin),
	"POST /admin/accounts":                        Only(SecurityAdmin),
	"POST /admin/accounts/{id}/disable":           Only(SecurityAdmin),
	"POST /admin/accounts/{id}/enable":            Only(SecurityAdmin),
	"POST /admin/accounts/{id}/logout-everywhere": Only(SecurityAdmin),
	"GET /admin/outbox":                           Only(SystemAdmin),
	"GET /admin/audit":                            Only(AuditAdmin),
	"POST /admin/audit/verify":                    Only(AuditAdmin),

	// The catalog: browsing, searching, an item's guide, its versions and
	// flowchart and a jurisdiction's four lists are public, as the seed
	// published them; the audit of the county lists is for supervisors and
	// catalog administrators; only catalog administrators write.
	"GET /catalog":                              Everyone,
	"GET /catalog/items/{id}":                   Everyone,
	"GET /catalog/items/{id}/versions":          Everyone,
	"GET /catalog/lists/{code}":                 Everyone,
	"GET /catalog/audit":                        Only(Supervisor, CatalogAdmin),
	"GET /admin/catalog":                        Only(CatalogAdmin),
	"POST /admin/catalog/{id}/publish":          Only(CatalogAdmin),
	"GET /api/v1/items":                         Everyone,
	"GET /api/v1/items/{id}":                    Everyone,
	"GET /api/v1/items/{id}/versions":           Everyone,
	"GET /api/v1/items/{id}/versions/{version}": Everyone,
	"GET /api/v1/items/{id}/flowchart.svg":      Everyone,
	"GET /api/v1/catalog/lists/{code}":          Everyone,
	"GET /api/v1/catalog/audit":                 Only(Supervisor, CatalogAdmin),
	"POST /api/v1/items":                        Only(CatalogAdmin),
	"POST /api/v1/items/{id}/revisions":         Only(CatalogAdmin),
	"POST /api/v1/items/{id}/publish":           Only(CatalogAdmin),
	// E-licences: anyone may verify a licence (its QR code opens the page)
	// or an offered document; the signed document is for persons and
	// enterprises, and the hub gives it to the licence's holder only.
	"GET /licences/verify":                           Everyone,
	"POST /licences/verify":                          Everyone,
	"GET /licences/{identifier}":                     Everyone,
	"GET /licences/{identifier}/qr.png":              Everyone,
	"GET /licences/{identifier}/document.json":       Only(Person, Enterprise),
	"GET /api/v1/licences/{identifier}/verification": Everyone,
	"POST /api/v1/licences/verify":                   Everyone,

	// The data hub: a person sees their own data and who read it, an
	// enterprise its legal entity's; the system administrator statistics
	// and masked conflicts, never a person's data, and resolves the
	// conflicts; department systems push records with hub.push and
	// verify within a case with hub.verify. Whose data a read may reach,
	// the hub decides (internal/hub, access.go) and logs.
	"GET /me/data":                                  Only(Person, Enterprise),
	"GET /admin/hub":                                Only(SystemAdmin),
	"GET /admin/hub/conflicts":                      Only(SystemAdmin),
	"GET /admin/hub/conflicts/{id}":                 Only(SystemAdmin),
	"POST /admin/hub/conflicts/{id}/resolve":        Only(SystemAdmin),
	"GET /api/v1/admin/hub/conflicts":               Only(SystemAdmin),
	"GET /api/v1/admin/hub/conflicts/{id}":          Only(SystemAdmin),
	"POST /api/v1/admin/hub/conflicts/{id}/resolve": Only(SystemAdmin),
	"GET /api/v1/me/data":                           Only(Person, Enterprise),
	"GET /api/v1/me/data/access-log":                Only(Person, Enterprise),
	"POST /api/v1/hub/records":                      {Kinds: []string{DepartmentSystem}, Scope: "hub.push"},
	"POST /api/v1/hub/verify":                       {Kinds: []string{DepartmentSystem}, Scope: "hub.verify"},
	// A handler (经办人) reads an enterprise's data; whether they act for
	// it, the hub decides at each read.
	"GET /me/entities/{credit_code}/data":        Only(Person),
	"GET /api/v1/me/entities/{credit_code}/data": Only(Person),
}

// Allow decides whether p may call route at all (the edge asks it before
// any handler runs). It returns the reason for a refusal: "unauthenticated"
// when signing in could help, "denied" otherwise.
func Allow(p Principal, route string) (ok bool, reason string) {
	rule, known := Routes[route]
	if !known {
		return false, "denied" // no policy, no access
	}
	kind := p.Kind()
	if slices.Contains(rule.Kinds, Anonymous) {
		return true, ""
	}
	if slices.Contains(rule.Kinds, kind) {
		if kind == DepartmentSystem && rule.Scope != "" && !p.System.HasScope(rule.Scope) {
			return false, "denied"
		}
		return true, ""
	}
	if kind == Anonymous {
		return false, "unauthenticated"
	}
	return false, "denied"
}

// AllowOwner decides, for a route that names one account, whether p may
// see that account (the handler asks it once it knows whose record it is).
func AllowOwner(p Principal, route string, ownerID int64) bool {
	rule := Routes[route]
	return !rule.Owner || ownerID == p.Account.ID || slices.Contains(rule.OwnerOr, p.Kind())
}

// MustHaveRule panics when a route has no policy entry: called when routes
// are registered, so a route cannot go live unguarded.
func MustHaveRule(route string) Rule {
	r, ok := Routes[route]
	if !ok {
		panic(fmt.Sprintf("identity: route %q has no policy entry in identity.Routes", route))
	}
	return r
}

type principalKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal of ctx (anonymous when none).
func PrincipalFrom(ctx context.Context) Principal {
	p, _ := ctx.Value(principalKey{}).(Principal)
	return p
}
