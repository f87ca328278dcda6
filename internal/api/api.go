// Package api is the JSON API under /api/v1 for department systems and
// apps, with its OpenAPI 3 document at /api/v1/openapi.json. Handlers parse,
// call a service and render; errors are {"error": {"code", "message",
// "field", "request_id", "errors"}} with the status their code maps to.
// Every write (POST, DELETE) is JSON from the hall's own origin: see
// checkWrite.
package api

import (
	_ "embed"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/hub"
	"github.com/govhall/govhall/internal/i18n"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/org"
)

//go:embed openapi.json
var openAPI []byte

// Config is what the API needs.
type Config struct {
	Org      *org.Service
	Identity *identity.Service
	Catalog  *catalog.Service
	Log      *slog.Logger
	// Licences verifies e-licences (nil: the licence routes answer 404).
	Licences *hub.Issuer
	// Hub answers the data hub's routes (nil: they answer 404).
	Hub *hub.Service
}

// API serves /api/v1.
type API struct {
	c      Config
	routes []string
}

// New returns the API.
func New(c Config) *API { return &API{c: c} }

// Register adds the API's routes to mux.
func (a *API) Register(mux *http.ServeMux) {
	a.handle(mux, "GET /api/v1/openapi.json", a.openapi)
	a.handle(mux, "GET /api/v1/jurisdictions", a.listJurisdictions)
	a.handle(mux, "GET /api/v1/jurisdictions/{code}", a.getJurisdiction)
	a.handle(mux, "GET /api/v1/jurisdictions/{code}/children", a.listChildren)
	a.handle(mux, "GET /api/v1/jurisdictions/{code}/departments", a.listDepartments)
	a.handle(mux, "GET /api/v1/jurisdictions/{code}/service-points", a.listServicePoints)
	a.handle(mux, "GET /api/v1/departments/{id}", a.getDepartment)
	a.handle(mux, "GET /api/v1/departments/{id}/posts", a.listPosts)
	a.handle(mux, "GET /api/v1/me", a.me)
	a.handle(mux, "GET /api/v1/accounts/{id}", a.getAccount)
	a.handle(mux, "GET /api/v1/mandates", a.listMandates)
	a.handle(mux, "GET /api/v1/token", a.token)
	a.registerIdentity(mux)
	a.registerCatalog(mux)
	a.registerLicences(mux)
	a.registerHub(mux)
}

// registerIdentity adds the operations of the identity pages: registering,
// signing in and out, mandates, an enterprise's handlers and the security
// administrator's accounts.
func (a *API) registerIdentity(mux *http.ServeMux) {
	a.handle(mux, "POST /api/v1/register/person", a.registerPerson)
	a.handle(mux, "POST /api/v1/register/enterprise", a.registerEnterprise)
	a.handle(mux, "POST /api/v1/login", a.login)
	a.handle(mux, "POST /api/v1/login/code", a.loginCode)
	a.handle(mux, "POST /api/v1/logout", a.logout)
	a.handle(mux, "POST /api/v1/mandates", a.requestMandate)
	a.handle(mux, confirmRoute, a.confirmMandate)
	a.handle(mux, "POST /api/v1/mandates/{id}/revoke", a.revokeMandate)
	a.handle(mux, "GET /api/v1/me/handlers", a.listHandlers)
	a.handle(mux, "POST /api/v1/me/handlers", a.addHandler)
	a.handle(mux, "DELETE /api/v1/me/handlers/{id}", a.removeHandler)
	a.handle(mux, "GET /api/v1/admin/accounts", a.listAccounts)
	a.handle(mux, "POST /api/v1/admin/accounts", a.createAccount)
	a.handle(mux, "POST /api/v1/admin/accounts/{id}/status", a.setStatus)
}

// Routes lists the registered patterns ("METHOD /path"), for the test that
// keeps the OpenAPI document complete.
func (a *API) Routes() []string { return a.routes }

// handlerFunc returns the value to render or an error.
type handlerFunc func(r *http.Request) (any, error)

// reply is a handler's answer when it is not a plain 200: another status
// (201, 202, 204 without a body when body is nil), or cookies to set.
type reply struct {
	status  int
	body    any
	cookies []*http.Cookie
}

func (a *API) handle(mux *http.ServeMux, pattern string, h handlerFunc) {
	a.routes = append(a.routes, pattern)
	limit := int64(maxBody)
	if pattern == confirmRoute {
		limit = maxSignatureBody
	}
	if pattern == pushRoute {
		limit = maxPushBody
	}
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if err := checkWrite(r); err != nil {
				a.fail(w, r, err)
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		v, err := h(r)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		switch v := v.(type) {
		case []byte:
			w.Header().Set("Content-Type", "application/json")
			w.Write(v)
		case reply:
			for _, c := range v.cookies {
				http.SetCookie(w, c)
			}
			if len(v.cookies) > 0 {
				w.Header().Set("Cache-Control", "no-store")
			}
			if v.body == nil {
				w.WriteHeader(v.status)
				return
			}
			writeJSON(w, v.status, v.body)
		default:
			writeJSON(w, http.StatusOK, v)
		}
	})
}

// Request bodies are small JSON documents; a mandate's confirmation may
// carry a signature (a PNG of at most 512 KiB, in base64).
const (
	maxBody          = 64 << 10
	maxSignatureBody = 1 << 20
	confirmRoute     = "POST /api/v1/mandates/{id}/confirm"
)

// Codes of the API's own refusals, before any service is asked.
const (
	codeBadRequest = "bad_request"
	codeMediaType  = "unsupported_media_type"
)

// checkWrite is the API's CSRF defence, for every write whoever the caller
// is: the body must be declared JSON, which a browser sends to another
// site only after a CORS preflight that govhall never grants, and an
// Origin, when the browser sends one, must be this host.
func checkWrite(r *http.Request) error {
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host == "" || u.Host != r.Host {
			return errs.New(errs.Denied, "api.error.origin")
		}
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return errs.New(codeMediaType, "api.error.media_type")
	}
	return nil
}

// decode reads the JSON body into v: one object, no unknown fields, within
// the route's size limit. A body that is not that is a 400 saying why.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = errors.New("unexpected data after the JSON value")
		}
	} else if errors.Is(err, io.EOF) {
		err = errors.New("the body is empty")
	}
	if err != nil {
		return &errs.Error{Code: codeBadRequest, Key: "error.bad_request", Args: map[string]any{"detail": err.Error()}, Err: err}
	}
	return nil
}

// required refuses an empty field.
func required(field, value string) error {
	if strings.TrimSpace(value) == "" {
		return errs.Field(field, "error.required", nil)
	}
	return nil
}

func (a *API) openapi(*http.Request) (any, error) { return openAPI, nil }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// Problem is the error body.
type Problem struct {
	Error ProblemDetail `json:"error"`
}

// ProblemDetail says what went wrong in a way a person can act on. Code,
// Message and Field are the first mistake; Errors lists every mistake in a
// field, so an app can show each beside its input at once.
type ProblemDetail struct {
	Code      string       `json:"code"`
	Message   string       `json:"message"`
	Field     string       `json:"field,omitempty"`
	RequestID string       `json:"request_id"`
	Errors    []FieldError `json:"errors,omitempty"`
}

// FieldError is one mistake in one field of a request.
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// statusOf maps domain error codes to HTTP statuses, in one place.
var statusOf = map[string]int{
	errs.Invalid:         http.StatusUnprocessableEntity,
	errs.NotFound:        http.StatusNotFound,
	errs.Conflict:        http.StatusConflict,
	errs.Denied:          http.StatusForbidden,
	errs.Unauthenticated: http.StatusUnauthorized,
	errs.Throttled:       http.StatusTooManyRequests,
	errs.Unavailable:     http.StatusServiceUnavailable,
	errs.Internal:        http.StatusInternalServerError,
	codeBadRequest:       http.StatusBadRequest,
	codeMediaType:        http.StatusUnsupportedMediaType,
}

func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	e, ok := errs.As(err)
	switch {
	case ok:
	case errors.Is(err, db.ErrNotFound):
		e = errs.New(errs.NotFound, "error.not_found")
	default:
		a.c.Log.Error("api", "err", err, "route", r.Pattern, "request_id", actor.From(r.Context()).RequestID)
		e = errs.New(errs.Internal, "error.internal")
	}
	status, ok := statusOf[e.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	p := a.problem(r, e.Code, e.Field, e.Key, e.Args)
	seen := map[string]bool{}
	for _, f := range errs.Fields(err) {
		if f.Field != "" && !seen[f.Field] { // the first mistake of each field
			seen[f.Field] = true
			p.Errors = append(p.Errors, FieldError{Field: f.Field, Code: f.Code, Message: i18n.T(lang(r), f.Key, f.Args)})
		}
	}
	writeJSON(w, status, Problem{Error: p})
}

// Error writes an error body for the edge (unknown route, panic).
func (a *API) Error(w http.ResponseWriter, r *http.Request, status int, key string) {
	code := errs.Internal
	for c, s := range statusOf {
		if s == status {
			code = c
		}
	}
	writeJSON(w, status, Problem{Error: a.problem(r, code, "", key, nil)})
}

// problem is the error body of one mistake, its message in the caller's
// language.
func (a *API) problem(r *http.Request, code, field, key string, args map[string]any) ProblemDetail {
	rid := actor.From(r.Context()).RequestID
	all := map[string]any{"request_id": rid}
	for k, v := range args {
		all[k] = v
	}
	return ProblemDetail{Code: code, Field: field, RequestID: rid, Message: i18n.T(lang(r), key, all)}
}

// lang picks the message language from Accept-Language (programs say what
// they want); the default is Simplified Chinese.
func lang(r *http.Request) string {
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		if l := i18n.Supported(tag); l != "" {
			return l
		}
	}
	return i18n.ZH
}
