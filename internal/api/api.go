// Package api is the JSON API under /api/v1 for department systems and
// apps, with its OpenAPI 3 document at /api/v1/openapi.json. Handlers parse,
// call a service and render; errors are {"error": {"code", "message",
// "field", "request_id"}} with the status their code maps to.
package api

import (
	_ "embed"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
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
	Log      *slog.Logger
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
}

// Routes lists the registered patterns ("METHOD /path"), for the test that
// keeps the OpenAPI document complete.
func (a *API) Routes() []string { return a.routes }

// handlerFunc returns the value to render or an error.
type handlerFunc func(r *http.Request) (any, error)

func (a *API) handle(mux *http.ServeMux, pattern string, h handlerFunc) {
	a.routes = append(a.routes, pattern)
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		v, err := h(r)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if raw, ok := v.([]byte); ok {
			w.Header().Set("Content-Type", "application/json")
			w.Write(raw)
			return
		}
		writeJSON(w, http.StatusOK, v)
	})
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

// ProblemDetail says what went wrong in a way a person can act on.
type ProblemDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Field     string `json:"field,omitempty"`
	RequestID string `json:"request_id"`
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
	a.write(w, r, status, e.Code, e.Field, e.Key, e.Args)
}

// Error writes an error body for the edge (unknown route, panic).
func (a *API) Error(w http.ResponseWriter, r *http.Request, status int, key string) {
	code := errs.Internal
	for c, s := range statusOf {
		if s == status {
			code = c
		}
	}
	a.write(w, r, status, code, "", key, nil)
}

func (a *API) write(w http.ResponseWriter, r *http.Request, status int, code, field, key string, args map[string]any) {
	rid := actor.From(r.Context()).RequestID
	if args == nil {
		args = map[string]any{}
	}
	args["request_id"] = rid
	writeJSON(w, status, Problem{Error: ProblemDetail{
		Code: code, Field: field, RequestID: rid,
		Message: i18n.T(lang(r), key, args),
	}})
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
