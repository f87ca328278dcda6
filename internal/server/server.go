// Package server is the HTTP edge every request passes through: request IDs,
// the actor in the context, panic recovery, structured request logs,
// Prometheus metrics, and the health and readiness probes. Pages (web) and
// the JSON API (api) register their routes on the mux it builds.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/identity"
)

// Registrar is a part of the program that serves routes.
type Registrar interface {
	Register(mux *http.ServeMux)
}

// Config is what the edge needs.
type Config struct {
	Log *slog.Logger
	// Ready reports whether the store answers (for /readyz).
	Ready func(ctx context.Context) error
	// Metrics is the registry /metrics exposes; request metrics are added to it.
	Metrics *prometheus.Registry
	// HTMLError renders an error page for people; APIError a JSON error for
	// programs. The edge picks by path (/api/ is for programs).
	HTMLError func(w http.ResponseWriter, r *http.Request, status int, key string)
	APIError  func(w http.ResponseWriter, r *http.Request, status int, key string)
	// Identify finds who is asking (a session cookie, say) and returns the
	// request with the principal and actor in its context; nil leaves
	// every caller anonymous.
	Identify func(w http.ResponseWriter, r *http.Request) *http.Request
}

// Routes are the edge's own routes: the probes, the metrics and the
// catch-all 404.
var Routes = []string{"GET /healthz", "GET /readyz", "GET /metrics", "/"}

// router is a part that can list its routes, so each is checked against
// the policy at start.
type router interface {
	Routes() []string
}

// New builds the handler: the parts' routes plus /healthz, /readyz and
// /metrics, wrapped in the edge middleware.
func New(c Config, parts ...Registrar) http.Handler {
	mux := http.NewServeMux()
	for _, p := range parts {
		p.Register(mux)
		if rt, ok := p.(router); ok { // after Register: a part may list routes as it registers them
			for _, route := range rt.Routes() {
				identity.MustHaveRule(route)
			}
		}
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := c.Ready(ctx); err != nil {
			c.Log.Warn("not ready", "err", err, "request_id", actor.From(r.Context()).RequestID)
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "store unreachable")
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(c.Metrics, promhttp.HandlerOpts{Registry: c.Metrics}))
	// Anything no part claims is a 404 in the caller's kind of page.
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		c.errorPage(w, r, http.StatusNotFound, "error.not_found")
	})

	for _, route := range Routes {
		identity.MustHaveRule(route)
	}
	m := newMetrics(c.Metrics)
	return c.withRequest(c.recover(m.observe(c.logRequests(c.guard(mux)))))
}

// guard identifies the caller and asks the policy about the route the mux
// will pick, before any handler runs. A page that needs signing in sends
// the person to the login page and back; everything else gets 401 or 403.
// Every refusal is logged (failed authorisation is a security event).
func (c Config) guard(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c.Identify != nil {
			r = c.Identify(w, r)
		}
		_, route := mux.Handler(r)
		p := identity.PrincipalFrom(r.Context())
		ok, reason := identity.Allow(p, route)
		if ok {
			mux.ServeHTTP(w, r)
			return
		}
		c.Log.Warn("access refused", "route", route, "kind", p.Kind(), "account", p.Account.ID, "reason", reason,
			"request_id", actor.From(r.Context()).RequestID)
		api := strings.HasPrefix(r.URL.Path, "/api/")
		switch {
		case reason == "unauthenticated" && !api && r.Method == http.MethodGet:
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		case reason == "unauthenticated":
			c.errorPage(w, r, http.StatusUnauthorized, "error.unauthenticated")
		default:
			c.errorPage(w, r, http.StatusForbidden, "error.denied")
		}
	})
}

func (c Config) errorPage(w http.ResponseWriter, r *http.Request, status int, key string) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		c.APIError(w, r, status, key)
		return
	}
	c.HTMLError(w, r, status, key)
}

// withRequest gives every request an ID (echoed in X-Request-ID) and puts
// an anonymous actor with the client address into the context; identity
// replaces the actor once it knows who is asking.
func (c Config) withRequest(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if !validRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-ID", id)
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		ctx := actor.With(r.Context(), actor.Actor{Kind: "anonymous", Addr: host, RequestID: id})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// validRequestID accepts an upstream proxy's ID when it is short and plain.
func validRequestID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// recover turns a panic in a handler into a 500 carrying the request ID,
// logged once with its stack; the process keeps serving.
func (c Config) recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler { // the server's own way to abort a response
				panic(p)
			}
			c.Log.Error("panic in handler", "panic", fmt.Sprint(p), "request_id", actor.From(r.Context()).RequestID,
				"method", r.Method, "route", r.Pattern, "stack", string(debug.Stack()))
			if !rec.wrote {
				c.errorPage(rec, r, http.StatusInternalServerError, "error.internal")
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// logRequests writes one line per request. It logs the route pattern and
// path, never the query string or body, which may carry personal data.
func (c Config) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		a := actor.From(r.Context())
		c.Log.Info("request", "method", r.Method, "route", r.Pattern, "path", r.URL.Path, "status", rec.Status(),
			"ms", float64(time.Since(start).Microseconds())/1000, "request_id", a.RequestID, "remote", a.Addr)
	})
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if !s.wrote {
		s.status, s.wrote = http.StatusOK, true
	}
	return s.ResponseWriter.Write(b)
}

// Status is the status written, 200 when the handler wrote nothing.
func (s *statusRecorder) Status() int {
	if s.status == 0 {
		return http.StatusOK
	}
	return s.status
}

// Unwrap lets http.ResponseController reach the real writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
