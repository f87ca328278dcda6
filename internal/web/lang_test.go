package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/govhall/govhall/internal/org"
)

// bare is the site without a store: enough for the switch and error pages.
func bare(t *testing.T) http.Handler {
	h, _ := newServer(t, &org.Service{})
	return h
}

func TestLanguageSwitch(t *testing.T) {
	h := bare(t)
	res, _ := get(t, h, "/lang?to=en&next=/hall/341621", "")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/hall/341621" {
		t.Fatalf("switch: %d, Location %q", res.StatusCode, res.Header.Get("Location"))
	}
	cs := res.Cookies()
	if len(cs) != 1 {
		t.Fatalf("switch should set one cookie, got %v", cs)
	}
	c := cs[0]
	if c.Name != "lang" || c.Value != "en" || c.Path != "/" || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.MaxAge != 365*24*3600 {
		t.Fatalf("cookie: %+v", c)
	}

	res, _ = get(t, h, "/lang?to=zh-CN&next="+url.QueryEscape("/hall/341621?x=1"), "en")
	if res.Header.Get("Location") != "/hall/341621?x=1" || len(res.Cookies()) != 1 || res.Cookies()[0].Value != "zh-CN" {
		t.Fatalf("switch back: %q %v", res.Header.Get("Location"), res.Cookies())
	}

	res, _ = get(t, h, "/lang?to=fr&next=/", "")
	if res.StatusCode != http.StatusSeeOther || len(res.Cookies()) != 0 {
		t.Fatalf("an unsupported language should set no cookie: %d %v", res.StatusCode, res.Cookies())
	}
}

func TestLanguageSwitchRefusesOpenRedirects(t *testing.T) {
	h := bare(t)
	for _, next := range []string{
		"", "//evil.com", "///evil.com", "https://evil.com/", "http:/evil.com", "evil.com", "javascript:alert(1)",
		`/\evil.com`, `\\evil.com`, `\/evil.com`, "/\tevil", "/\r\nSet-Cookie: x=1", " //evil.com", "//evil.com/%2e%2e",
		"data:text/html,hi", "mailto:a@b.c", "/.//evil.com", "/..//evil.com", "/%2e%2e//evil.com",
	} {
		res, _ := get(t, h, "/lang?to=en&next="+url.QueryEscape(next), "")
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
			t.Errorf("next=%q: %d, Location %q, want /", next, res.StatusCode, res.Header.Get("Location"))
		}
	}
}

func TestLanguageSwitchKeepsLocalPaths(t *testing.T) {
	h := bare(t)
	for next, want := range map[string]string{
		"/":                 "/",
		"/hall/341621":      "/hall/341621",
		"/hall/341621?a=b":  "/hall/341621?a=b",
		"/hall/":            "/hall/",
		"/%2F/evil.com":     "/%2F/evil.com", // one path segment "/evil.com", on this site
		"/hall/涡阳":          "/hall/%E6%B6%A1%E9%98%B3",
		"/static/site.css":  "/static/site.css",
		"/hall/341621#news": "/hall/341621",
	} {
		res, _ := get(t, h, "/lang?to=en&next="+url.QueryEscape(next), "")
		if got := res.Header.Get("Location"); got != want {
			t.Errorf("next=%q: Location %q, want %q", next, got, want)
		}
	}
}

func TestErrorPageWithoutStore(t *testing.T) {
	h := bare(t)
	body := mustPage(t, h, "/nowhere", "", http.StatusNotFound)
	contains(t, "the 404 page", body, `<html lang="zh-CN">`, "找不到页面", requestID, `href="/lang?to=en&amp;next=%2Fnowhere"`)
	body = mustPage(t, h, "/nowhere", "en", http.StatusNotFound)
	contains(t, "the English 404 page", body, `<html lang="en">`, "Page not found", "Request ID: "+requestID)
	lacks(t, "the English 404 page", body, "web.", "找不到")
}
