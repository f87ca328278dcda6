package web_test

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

var pagePaths = []string{"/", "/hall/341602", "/hall/341621", "/hall/341622", "/hall/341623", "/hall/341671"}

// pagesToCheck are every hall in both languages and an error page.
func pagesToCheck(t *testing.T, h http.Handler) map[string]string {
	out := map[string]string{}
	for _, lang := range []string{"zh-CN", "en"} {
		for _, p := range pagePaths {
			out[lang+" "+p] = mustPage(t, h, p, lang, http.StatusOK)
		}
		out[lang+" 404"] = mustPage(t, h, "/hall/999999", lang, http.StatusNotFound)
	}
	return out
}

var assetRE = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)

func testStatic(t *testing.T, h http.Handler) {
	wantType := map[string]string{".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
	seen := map[string]bool{}
	for name, body := range pagesToCheck(t, h) {
		refs := assetRE.FindAllStringSubmatch(body, -1)
		if len(refs) < 2 {
			t.Errorf("%s references %d static files, want the style sheet and the emblem", name, len(refs))
		}
		for _, m := range refs {
			seen[html.UnescapeString(m[1])] = true
		}
	}
	for ref := range seen {
		res, body := get(t, h, ref, "")
		path, _, _ := strings.Cut(ref, "?")
		ext := path[strings.LastIndex(path, "."):]
		if res.StatusCode != http.StatusOK || len(body) == 0 {
			t.Errorf("GET %s: %d, %d bytes", ref, res.StatusCode, len(body))
		}
		if ct := res.Header.Get("Content-Type"); ct != wantType[ext] {
			t.Errorf("GET %s: content type %q, want %q", ref, ct, wantType[ext])
		}
		if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("GET %s: a versioned asset should be cached for long, Cache-Control %q", ref, cc)
		}
		if res.Header.Get("ETag") == "" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: headers %v", ref, res.Header)
		}
		res, _ = get(t, h, path, "")
		if res.StatusCode != http.StatusOK || strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("GET %s without version: %d %q", path, res.StatusCode, res.Header.Get("Cache-Control"))
		}
	}
	for _, missing := range []string{"/static/", "/static/nope.css", "/static/../web.go"} {
		if res, _ := get(t, h, missing, ""); res.StatusCode != http.StatusNotFound && res.StatusCode/100 != 3 {
			t.Errorf("GET %s: %d, want 404 (or the mux's redirect to the clean path)", missing, res.StatusCode)
		}
	}
}

var absoluteURL = regexp.MustCompile(`(?i)(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}|@import|url\(`)

func testLocalOnly(t *testing.T, h http.Handler) {
	for name, body := range pagesToCheck(t, h) {
		if m := absoluteURL.FindString(body); m != "" {
			t.Errorf("%s refers to %q: nothing may load from outside the server", name, m)
		}
	}
	_, css := get(t, h, "/static/site.css", "")
	if m := absoluteURL.FindString(css); m != "" {
		t.Errorf("site.css refers to %q", m)
	}
}

var headingRE = regexp.MustCompile(`<h([1-6])[\s>]`)

func testSkeleton(t *testing.T, h http.Handler) {
	for name, body := range pagesToCheck(t, h) {
		contains(t, name, body, `<a class="skip-link" href="#main">`, `<main id="main"`,
			"<header", "<nav", "</main>", "<footer", `<meta name="viewport"`)
		last := 0
		for _, m := range headingRE.FindAllStringSubmatch(body, -1) {
			lv := int(m[1][0] - '0')
			if (last == 0 && lv != 1) || lv > last+1 {
				t.Errorf("%s: heading h%d after h%d", name, lv, last)
			}
			last = lv
		}
		if strings.Count(body, "<h1") != 1 {
			t.Errorf("%s: want exactly one h1", name)
		}
		if strings.Count(body, `aria-current="page"`) > 1 {
			t.Errorf("%s: too many current markers", name)
		}
	}
}
