package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/govhall/govhall/internal/api"
	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/demo"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/org"
	"github.com/govhall/govhall/internal/server"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func newAPI(t *testing.T, d *db.DB) (*api.API, http.Handler) {
	a, mux, _ := newSeededAPI(t, d)
	return a, mux
}

// newSeededAPI serves the API of the demo hall (structure and accounts) on
// a bare mux, without the edge, and returns its identity service.
func newSeededAPI(t *testing.T, d *db.DB) (*api.API, *http.ServeMux, *identity.Service) {
	t.Helper()
	l, _ := audit.New("", nil)
	o := &org.Service{DB: d, Audit: l}
	s := &identity.Service{DB: d, Audit: l}
	if _, err := demo.Seed(context.Background(), d, o, s); err != nil {
		t.Fatal(err)
	}
	a := api.New(api.Config{Org: o, Identity: s, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	mux := http.NewServeMux()
	a.Register(mux)
	return a, mux, s
}

func get(t *testing.T, h http.Handler, path, lang string) (*http.Response, []byte) {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result(), rec.Body.Bytes()
}

// Every registered route is in the OpenAPI document, and every documented
// path is served: the document cannot drift from the code.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	a, h := newAPI(t, dbtest.SQLite(t))
	res, body := get(t, h, "/api/v1/openapi.json", "")
	if res.StatusCode != 200 {
		t.Fatalf("openapi.json: %d", res.StatusCode)
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("not an OpenAPI 3 document: %v %q", err, doc.OpenAPI)
	}
	var documented, registered []string
	for p, ops := range doc.Paths {
		for m := range ops {
			documented = append(documented, strings.ToUpper(m)+" "+p)
		}
	}
	registered = append(registered, a.Routes()...)
	sort.Strings(documented)
	sort.Strings(registered)
	if strings.Join(documented, "\n") != strings.Join(registered, "\n") {
		t.Fatalf("routes and OpenAPI paths differ:\nregistered:\n%s\ndocumented:\n%s",
			strings.Join(registered, "\n"), strings.Join(documented, "\n"))
	}
}

func TestReadStructure(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		_, h := newAPI(t, d)
		var js struct {
			Items []api.Jurisdiction `json:"items"`
		}
		res, body := get(t, h, "/api/v1/jurisdictions?level=county", "")
		if err := json.Unmarshal(body, &js); err != nil || res.StatusCode != 200 || len(js.Items) != 5 {
			t.Fatalf("county-level jurisdictions: %d %s", res.StatusCode, body)
		}
		if js.Items[4].Code != "341671000000" || !js.Items[4].Demo || js.Items[4].HallCode != "341671" {
			t.Fatalf("the development zone must be marked demo with hall 341671: %+v", js.Items[4])
		}
		res, body = get(t, h, "/api/v1/jurisdictions/341602108000/children", "")
		if res.StatusCode != 200 || !strings.Contains(string(body), "赵庄村") {
			t.Fatalf("children of 谯东镇: %d %s", res.StatusCode, body)
		}
		var deps struct {
			Items []api.Department `json:"items"`
		}
		_, body = get(t, h, "/api/v1/jurisdictions/341621000000/departments", "")
		if err := json.Unmarshal(body, &deps); err != nil || len(deps.Items) == 0 {
			t.Fatalf("departments of 涡阳县: %s", body)
		}
		for _, dep := range deps.Items {
			if dep.JurisdictionCode != "341621000000" {
				t.Fatalf("a department of another jurisdiction leaked in: %+v", dep)
			}
		}
		res, body = get(t, h, "/api/v1/departments/"+itoa(deps.Items[0].ID)+"/posts", "")
		if res.StatusCode != 200 || !strings.Contains(string(body), "受理岗") {
			t.Fatalf("posts: %d %s", res.StatusCode, body)
		}
		res, body = get(t, h, "/api/v1/jurisdictions/341602000000/service-points", "")
		if res.StatusCode != 200 || !strings.Contains(string(body), "赵庄村代办点") {
			t.Fatalf("service points of 谯城区: %d %s", res.StatusCode, body)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestErrors(t *testing.T) {
	cases := []struct {
		path, lang string
		status     int
		code       string
		field      string
		message    string
	}{
		{"/api/v1/jurisdictions/341699000000", "", 404, "not_found", "", "未找到"},
		{"/api/v1/jurisdictions/341699000000", "en-US,en;q=0.9", 404, "not_found", "", "could not find"},
		{"/api/v1/jurisdictions?level=province", "en", 422, "invalid", "level", "level parameter"},
		{"/api/v1/departments/abc", "", 422, "invalid", "id", "正整数"},
		{"/api/v1/departments/999999/posts", "", 404, "not_found", "", "未找到"},
	}
	_, h := newAPI(t, dbtest.SQLite(t))
	for _, c := range cases {
		res, body := get(t, h, c.path, c.lang)
		var p api.Problem
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatalf("%s: not a JSON error: %s", c.path, body)
		}
		if res.StatusCode != c.status || p.Error.Code != c.code || p.Error.Field != c.field || !strings.Contains(p.Error.Message, c.message) {
			t.Errorf("%s (%s): %d %+v, want %d %s field=%q message~%q", c.path, c.lang, res.StatusCode, p.Error, c.status, c.code, c.field, c.message)
		}
	}
}

// Behind the edge, an unknown API path is a JSON 404 carrying the request ID.
func TestUnknownRouteIsJSON(t *testing.T) {
	a, _ := newAPI(t, dbtest.SQLite(t))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := server.New(server.Config{Log: log, Ready: func(context.Context) error { return nil }, Metrics: prometheusRegistry(),
		APIError: a.Error, HTMLError: func(w http.ResponseWriter, r *http.Request, s int, k string) { w.WriteHeader(s) }}, a)
	res, body := get(t, h, "/api/v1/nothing-here", "")
	var p api.Problem
	if err := json.Unmarshal(body, &p); err != nil || res.StatusCode != 404 || p.Error.Code != "not_found" ||
		p.Error.RequestID == "" || p.Error.RequestID != res.Header.Get("X-Request-ID") {
		t.Fatalf("unknown route: %d %s (X-Request-ID %q)", res.StatusCode, body, res.Header.Get("X-Request-ID"))
	}
}

func prometheusRegistry() *prometheus.Registry { return prometheus.NewRegistry() }
