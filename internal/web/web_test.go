package web_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/demo"
	"github.com/govhall/govhall/internal/org"
	"github.com/govhall/govhall/internal/web"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

const requestID = "req-test-42"

// logBuf collects log lines for the tests to read.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) { l.mu.Lock(); defer l.mu.Unlock(); return l.b.Write(p) }
func (l *logBuf) String() string              { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// newServer builds the site on s the way the server wires it: a request ID
// in the context, and RenderError for every path no route claims.
func newServer(t *testing.T, s *org.Service) (http.Handler, *logBuf) {
	t.Helper()
	logs := &logBuf{}
	site, err := web.New(web.Config{Org: s, Log: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	site.Register(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		site.RenderError(w, r, http.StatusNotFound, "error.not_found")
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r.WithContext(actor.With(r.Context(), actor.Actor{Kind: "anonymous", RequestID: requestID})))
	}), logs
}

// seeded returns the site on the demo structure of Bozhou.
func seeded(t *testing.T, d *db.DB) (http.Handler, *logBuf) {
	t.Helper()
	l, err := audit.New("", nil)
	if err != nil {
		t.Fatal(err)
	}
	s := &org.Service{DB: d, Audit: l}
	if _, err := demo.SeedOrg(context.Background(), d, s); err != nil {
		t.Fatal(err)
	}
	return newServer(t, s)
}

// get requests path, with the lang cookie when lang is not empty.
func get(t *testing.T, h http.Handler, path, lang string) (*http.Response, string) {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	if lang != "" {
		r.AddCookie(&http.Cookie{Name: "lang", Value: lang})
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result(), w.Body.String()
}

func mustPage(t *testing.T, h http.Handler, path, lang string, status int) string {
	t.Helper()
	res, body := get(t, h, path, lang)
	if res.StatusCode != status {
		t.Fatalf("GET %s: status %d, want %d\n%s", path, res.StatusCode, status, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Fatalf("GET %s: content type %q", path, ct)
	}
	if !strings.HasPrefix(body, "<!DOCTYPE html>") || !strings.HasSuffix(strings.TrimSpace(body), "</html>") {
		t.Fatalf("GET %s: not a whole HTML page:\n%s", path, body)
	}
	return body
}

func contains(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s should contain %q", what, w)
		}
	}
}

func lacks(t *testing.T, what, body string, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(body, u) {
			t.Errorf("%s should not contain %q", what, u)
		}
	}
}

var subHalls = []string{"341602", "341621", "341622", "341623", "341671"}

func TestHalls(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h, logs := seeded(t, d)
		t.Run("city home", func(t *testing.T) { testHome(t, h) })
		t.Run("sub-hall is scoped and looks the same", func(t *testing.T) { testSubHall(t, h) })
		t.Run("village proxy point marked demo", func(t *testing.T) { testProxyPoint(t, h) })
		t.Run("not found", func(t *testing.T) { testNotFound(t, h) })
		t.Run("english", func(t *testing.T) { testEnglish(t, h) })
		t.Run("accessible skeleton", func(t *testing.T) { testSkeleton(t, h) })
		t.Run("static assets", func(t *testing.T) { testStatic(t, h) })
		t.Run("nothing leaves the server", func(t *testing.T) { testLocalOnly(t, h) })
		t.Run("store failure is a clean 500", func(t *testing.T) { testStoreDown(t, h, d, logs) })
	})
}

func testHome(t *testing.T, h http.Handler) {
	body := mustPage(t, h, "/", "", http.StatusOK)
	contains(t, "the city home", body, `<html lang="zh-CN">`, "亳州市网上办事大厅", "数据跑腿",
		"亳州市公安局", "亳州市民政局", "统一社会信用代码", "亳州市政务服务中心", `href="/" aria-current="page"`)
	for _, c := range subHalls {
		contains(t, "the city home", body, `href="/hall/`+c+`"`)
	}
	contains(t, "the city home's list of sub-halls", section(t, body, "halls"),
		"谯城区网上办事大厅", "涡阳县网上办事大厅", "亳州经济开发区网上办事大厅", "内部编码 341671")
}

func testSubHall(t *testing.T, h http.Handler) {
	home := mustPage(t, h, "/", "", http.StatusOK)
	body := mustPage(t, h, "/hall/341621", "", http.StatusOK)
	contains(t, "Guoyang's hall", body, `<html lang="zh-CN">`, "涡阳县网上办事大厅", "涡阳县公安局",
		"涡阳县政务服务中心", "西阳镇", `<a href="/">亳州市网上办事大厅</a>`, `href="/hall/341621" aria-current="page"`)
	lacks(t, "Guoyang's hall", body, "亳州市公安局", "亳州市政务服务中心", "谯城区公安局", "赵庄村代办点", `href="/" aria-current`)
	for _, c := range subHalls {
		contains(t, "Guoyang's hall (links to its siblings)", body, `href="/hall/`+c+`"`)
	}
	if a, b := sectionIDs(home), sectionIDs(body); a != b || a == "" {
		t.Errorf("the city home has sections %q, the sub-hall %q", a, b)
	}
	if a, b := navOf(t, home), navOf(t, body); a != b {
		t.Errorf("the navigation differs:\n%s\n%s", a, b)
	}
	if a, b := skeleton(home), skeleton(body); a != b {
		t.Errorf("the layouts differ:\n%s\n%s", a, b)
	}
}

func testProxyPoint(t *testing.T, h http.Handler) {
	body := mustPage(t, h, "/hall/341602", "", http.StatusOK)
	pts := section(t, body, "service-points")
	contains(t, "Qiaocheng's service points", pts, "谯城区政务服务中心", "谯东镇便民服务中心", "办公时间",
		`<p class="card-title">赵庄村代办点 <span class="badge badge-demo">演示数据</span></p>`)
	lacks(t, "Qiaocheng's service points", pts, "西阳村代办点", "亳州市政务服务中心")
	contains(t, "the city's service points", section(t, mustPage(t, h, "/", "", http.StatusOK), "service-points"), "赵庄村代办点")
	zone := mustPage(t, h, "/hall/341671", "", http.StatusOK)
	contains(t, "the development zone's hall", zone, `亳州经济开发区网上办事大厅 <span class="badge badge-demo">演示数据</span></h1>`)
}

func testNotFound(t *testing.T, h http.Handler) {
	for _, c := range []struct{ path, lang, want string }{
		{"/hall/341602108", "", "找不到页面"},
		{"/hall/999999", "", "没有这个办事大厅"},
		{"/hall/34162x", "", "找不到页面"},
		{"/no/such/page", "", "找不到页面"},
		{"/hall/999999", "en", "There is no such hall"},
		{"/no/such/page", "en", "Page not found"},
	} {
		body := mustPage(t, h, c.path, c.lang, http.StatusNotFound)
		lang := c.lang
		if lang == "" {
			lang = "zh-CN"
		}
		contains(t, c.path+" in "+lang, body, `<html lang="`+lang+`">`, c.want, requestID, `<a href="/">`)
		lacks(t, c.path+" in "+lang, body, "web.", "error.")
	}
	res, _ := get(t, h, "/hall/341600", "")
	if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/" {
		t.Errorf("/hall/341600 should redirect to the city home /: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
}

func testEnglish(t *testing.T, h http.Handler) {
	for _, p := range []string{"/", "/hall/341621", "/hall/341602"} {
		body := mustPage(t, h, p, "en", http.StatusOK)
		contains(t, p+" in English", body, `<html lang="en">`, "Online Government Service Hall", "Departments",
			"Service points", "Data runs instead of people", "Unified social credit code", "Skip to main content",
			`lang="zh-CN" hreflang="zh-CN">中文</a>`)
		lacks(t, p+" in English", body, "web.", "演示数据", "网上办事大厅", "统一社会信用代码")
	}
	contains(t, "Guoyang in English", mustPage(t, h, "/hall/341621", "en", http.StatusOK),
		"Guoyang County Online Government Service Hall", "Guoyang County Public Security Bureau",
		`<a href="/">Bozhou City Online Government Service Hall</a>`)
	contains(t, "Qiaocheng in English", mustPage(t, h, "/hall/341602", "en", http.StatusOK),
		"Zhaozhuang Village proxy point <span", "demo data", "Village")
	// Accept-Language is not followed: the hall is Chinese first.
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Accept-Language", "en-US,en;q=0.9")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	contains(t, "the home with Accept-Language: en", w.Body.String(), `<html lang="zh-CN">`)
	contains(t, "the home with an unknown cookie", mustPage(t, h, "/", "fr", http.StatusOK), `<html lang="zh-CN">`)
}

func testStoreDown(t *testing.T, h http.Handler, d *db.DB, logs *logBuf) {
	d.Close()
	for _, lang := range []string{"", "en"} {
		body := mustPage(t, h, "/hall/341621", lang, http.StatusInternalServerError)
		contains(t, "the 500 page", body, requestID, `<a href="/">`)
		lacks(t, "the 500 page", body, "web.", "error.", "sql")
	}
	contains(t, "the log", logs.String(), "request_id="+requestID, "level=ERROR")
}

// section returns the HTML of <section id="id">.
func section(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `<section id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no section %q", id)
	}
	j := strings.Index(body[i:], "</section>")
	return body[i : i+j]
}

var sectionRE = regexp.MustCompile(`<section id="([^"]+)"`)

func sectionIDs(body string) string {
	var ids []string
	for _, m := range sectionRE.FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	return strings.Join(ids, ",")
}

// navOf is the navigation with the current-page marker taken out.
func navOf(t *testing.T, body string) string {
	t.Helper()
	i, j := strings.Index(body, "<nav"), strings.Index(body, "</nav>")
	if i < 0 || j < i {
		t.Fatal("no nav element")
	}
	return strings.ReplaceAll(body[i:j], ` aria-current="page"`, "")
}

var skeletonRE = regexp.MustCompile(`<(header|nav|main|footer|section|h[1-6])[\s>]`)

// skeleton is the sequence of landmarks, sections and heading levels.
func skeleton(body string) string {
	var s []string
	for _, m := range skeletonRE.FindAllStringSubmatch(body, -1) {
		if !strings.HasPrefix(m[1], "h") || m[1] == "h1" || m[1] == "h2" || m[1] == "header" {
			s = append(s, m[1])
		}
	}
	return strings.Join(s, " ")
}

func TestHomeBeforeTheStructureExists(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		l, err := audit.New("", nil)
		if err != nil {
			t.Fatal(err)
		}
		h, _ := newServer(t, &org.Service{DB: d, Audit: l})
		body := mustPage(t, h, "/", "", http.StatusServiceUnavailable)
		contains(t, "the home of an empty store", body, "服务暂时不可用", requestID)
		mustPage(t, h, "/hall/341621", "", http.StatusNotFound)
	})
}
