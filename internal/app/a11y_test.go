package app_test

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/govhall/govhall/internal/demo"
)

//go:embed testdata/axe/axe.min.js
var axeJS string

// axeViolation is one failed rule as axe-core reports it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// checkA11y runs axe-core's WCAG 2.1 A and AA rules on the open page and
// fails the test for every violation, naming the rule and the elements.
func checkA11y(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	for _, v := range axeViolations(t, ctx, page) {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprint(n.Target...))
		}
		t.Errorf("%s: WCAG violation %s (%s): %s at %s", page, v.ID, v.Impact, v.Help, strings.Join(where, ", "))
	}
}

func axeViolations(t *testing.T, ctx context.Context, page string) []axeViolation {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](axeJS+";true")); err != nil {
		t.Fatalf("inject axe-core into %s: %v", page, err)
	}
	sctx, cancel := context.WithTimeout(ctx, step)
	defer cancel()
	raw, err := chromedp.Run(sctx, chromedp.Evaluate[string](
		`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
		   .then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core on %s: %v", page, err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		t.Fatalf("axe-core result for %s: %v", page, err)
	}
	return vs
}

// The pages people reach first pass axe-core's WCAG 2.1 AA rules, in both
// languages; then the signed-in pages of each kind of user.
func TestBrowserAccessibility(t *testing.T) {
	ctx := browser(t)
	a, base := startHall(t)
	// The check itself can fail: a page with an unlabelled input and an
	// image without text is caught.
	navigate(t, ctx, base+"/")
	eval[bool](t, ctx, `(() => { document.querySelector("main").insertAdjacentHTML("beforeend",
		'<img src="/static/emblem.svg"><input type="text">'); return true })()`)
	if vs := axeViolations(t, ctx, "a broken page"); len(vs) < 2 {
		t.Fatalf("axe-core found %d violations on a page with two, the check is broken", len(vs))
	}
	for _, lang := range []string{"zh-CN", "en"} {
		navigate(t, ctx, base+"/lang?to="+lang+"&next=/")
		for _, page := range []string{"/", "/hall/341621", "/login", "/register/person", "/register/enterprise", "/no-such-page",
			"/catalog", "/catalog?q=%E5%A9%9A%E8%82%B2", "/catalog/lists/341602"} {
			navigate(t, ctx, base+page)
			checkA11y(t, ctx, lang+" "+page)
		}
	}
	signedIn := []struct {
		login string
		pages []string
	}{
		{"341602198807150036", []string{"/me", "/me/mandates", "/me/handlers", "/me/data"}},
		{"zhaozhuang-agent", []string{"/me", "/agent/mandates", "/agent/mandates/new"}},
		{"secadmin", []string{"/admin/accounts", "/admin/accounts/new"}},
		{"sysadmin", []string{"/admin/outbox", "/admin/hub", "/admin/hub/conflicts"}},
		{"auditadmin", []string{"/admin/audit"}},
		{"catalog-admin", []string{"/admin/catalog", "/catalog/audit"}},
	}
	for _, u := range signedIn {
		ctx := browser(t) // a browser of their own: nobody else's session
		if strings.HasPrefix(u.login, "3416") {
			navigate(t, ctx, base+"/login")
			signIn(t, ctx, u.login, demo.DemoPassword)
		} else {
			signInOfficial(t, ctx, a, base, u.login)
		}
		for _, page := range u.pages {
			navigate(t, ctx, base+page)
			waitPath(t, ctx, page) // the page itself, not the login page
			checkA11y(t, ctx, u.login+" "+page)
		}
	}
}
