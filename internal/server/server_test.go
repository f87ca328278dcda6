package server_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/server"
)

type part struct{}

func (part) Register(mux *http.ServeMux) {
	// Routes of the real policy table (the edge refuses any other).
	mux.HandleFunc("GET /hall/{code}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("code") == "boom" {
			panic("boom")
		}
		fmt.Fprint(w, actor.From(r.Context()).RequestID)
	})
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "me") })
	mux.HandleFunc("GET /api/v1/me", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "{}") })
}

func edge(t *testing.T, ready error) (http.Handler, *bytes.Buffer) {
	logs := &bytes.Buffer{}
	h := server.New(server.Config{
		Log:     slog.New(slog.NewTextHandler(logs, nil)),
		Ready:   func(context.Context) error { return ready },
		Metrics: prometheus.NewRegistry(),
		HTMLError: func(w http.ResponseWriter, r *http.Request, status int, key string) {
			w.WriteHeader(status)
			fmt.Fprintf(w, "<p>%s %s</p>", key, actor.From(r.Context()).RequestID)
		},
		APIError: func(w http.ResponseWriter, r *http.Request, status int, key string) {
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"error":{"code":%q}}`, key)
		},
	}, part{})
	return h, logs
}

func do(h http.Handler, path string, hdr ...string) *http.Response {
	req := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(r *http.Response) string { b, _ := io.ReadAll(r.Body); return string(b) }

func TestPanicBecomes500WithRequestID(t *testing.T) {
	h, logs := edge(t, nil)
	res := do(h, "/hall/boom")
	id := res.Header.Get("X-Request-ID")
	if res.StatusCode != 500 || id == "" || !strings.Contains(body(res), id) {
		t.Fatalf("panic gave %d, X-Request-ID %q", res.StatusCode, id)
	}
	if !strings.Contains(logs.String(), "panic in handler") || !strings.Contains(logs.String(), id) {
		t.Fatalf("the panic was not logged with its request ID:\n%s", logs)
	}
	// The server goes on serving.
	if res := do(h, "/healthz"); res.StatusCode != 200 {
		t.Fatalf("after a panic /healthz gave %d", res.StatusCode)
	}
}

func TestRequestIDs(t *testing.T) {
	h, _ := edge(t, nil)
	a, b := do(h, "/hall/341621"), do(h, "/hall/341621")
	if a.Header.Get("X-Request-ID") == b.Header.Get("X-Request-ID") || body(a) != a.Header.Get("X-Request-ID") {
		t.Fatal("each request needs its own ID, visible to handlers")
	}
	if got := do(h, "/hall/1", "X-Request-ID", "lb-123").Header.Get("X-Request-ID"); got != "lb-123" {
		t.Fatalf("an upstream request ID was replaced: %q", got)
	}
	if got := do(h, "/hall/1", "X-Request-ID", "bad id\n").Header.Get("X-Request-ID"); got == "bad id\n" {
		t.Fatal("an unsafe request ID was echoed")
	}
}

func TestProbes(t *testing.T) {
	h, _ := edge(t, nil)
	if res := do(h, "/readyz"); res.StatusCode != 200 {
		t.Fatalf("/readyz %d", res.StatusCode)
	}
	h, _ = edge(t, errors.New("db down"))
	if res := do(h, "/readyz"); res.StatusCode != 503 {
		t.Fatalf("/readyz with the store down: %d", res.StatusCode)
	}
	if res := do(h, "/healthz"); res.StatusCode != 200 {
		t.Fatalf("/healthz must not depend on the store: %d", res.StatusCode)
	}
}

func TestUnknownPaths(t *testing.T) {
	h, _ := edge(t, nil)
	if res := do(h, "/nowhere"); res.StatusCode != 404 || !strings.Contains(body(res), "<p>error.not_found") {
		t.Fatal("unknown page path should be the HTML 404")
	}
	if res := do(h, "/api/v1/nowhere"); res.StatusCode != 404 || !strings.Contains(body(res), `"error"`) {
		t.Fatal("unknown API path should be the JSON 404")
	}
}

func TestMetricsByRoute(t *testing.T) {
	h, _ := edge(t, nil)
	do(h, "/hall/341621")
	do(h, "/hall/341622")
	do(h, "/hall/boom")
	m := body(do(h, "/metrics"))
	for _, want := range []string{
		`govhall_http_requests_total{method="GET",route="GET /hall/{code}",status="200"} 2`,
		`govhall_http_requests_total{method="GET",route="GET /hall/{code}",status="500"} 1`,
		`govhall_http_request_duration_seconds_bucket{method="GET",route="GET /hall/{code}",le="+Inf"} 3`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// The edge asks the policy before any handler: a page that needs signing in
// sends an anonymous person to the login page and back; the API says 401.
func TestGuard(t *testing.T) {
	h, logs := edge(t, nil)
	res := do(h, "/me")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?next=%2Fme" {
		t.Fatalf("anonymous /me: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res := do(h, "/api/v1/me"); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous /api/v1/me: %d", res.StatusCode)
	}
	if !strings.Contains(logs.String(), "access refused") {
		t.Fatal("refusals are not logged")
	}
}

type unguarded struct{}

func (unguarded) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /secret", func(http.ResponseWriter, *http.Request) {})
}
func (unguarded) Routes() []string { return []string{"GET /secret"} }

// A route without a policy entry stops the program at start.
func TestRouteWithoutPolicyRefused(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("a route without a policy entry was served")
		}
	}()
	server.New(server.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Metrics: prometheus.NewRegistry()}, unguarded{})
}
