package app_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium finds Debian's Chromium; without it the browser tests skip,
// unless GOVHALL_REQUIRE_BROWSER=1 (set by CI) makes that a failure.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("GOVHALL_REQUIRE_BROWSER") == "1" {
		t.Fatal("Chromium required (GOVHALL_REQUIRE_BROWSER=1) but not installed: apt-get install chromium")
	}
	t.Skip("no Chromium installed (apt-get install chromium); skipping browser test")
	return ""
}

// browser starts a headless Chromium for the test. The flags keep it from
// reaching for the network this machine does not have.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := chromium(t)
	// Chromium now and then dies while starting on a loaded 2-core machine:
	// one more try tells a fluke from a broken browser.
	var err error
	for try := 0; try < 2; try++ {
		var ctx context.Context
		if ctx, err = startBrowser(t, path); err == nil {
			return ctx
		}
		t.Logf("start Chromium (try %d): %v", try+1, err)
	}
	t.Fatalf("start Chromium: %v", err)
	return nil
}

func startBrowser(t *testing.T, path string) (context.Context, error) {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(412, 915), // a phone first: the hall is mobile-first
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	// Start the browser on a context without a deadline (see chromedp.Run).
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		cancelB()
		cancelA()
		return nil, err
	}
	t.Cleanup(func() { cancelB(); cancelA() })
	return ctx, nil
}

// step bounds one browser action, so a page that never settles fails the
// test instead of hanging it.
const step = 20 * time.Second

func do(ctx context.Context, actions ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(ctx, step)
	defer cancel()
	return chromedp.Do(ctx, actions...)
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, step)
	defer cancel()
	v, err := chromedp.Run(sctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

func navigate(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	if err := do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
}

// artifacts is where browser tests leave screenshots (PNG: quality 100) for people to look at.
func artifacts(t *testing.T) string {
	dir := os.Getenv("GOVHALL_TEST_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "test-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// A first visit, as a person on a phone: the city hall in Chinese, every
// sub-hall and back, then English, with a screenshot of each language.
func TestBrowserPortal(t *testing.T) {
	ctx := browser(t)
	_, base := startHall(t)

	navigate(t, ctx, base+"/")
	if lang := eval[string](t, ctx, "document.documentElement.lang"); lang != "zh-CN" {
		t.Fatalf("home page language %q, want zh-CN", lang)
	}
	if text := eval[string](t, ctx, "document.body.innerText"); !strings.Contains(text, "亳州") {
		t.Fatalf("home page does not name 亳州:\n%s", text)
	}
	shot(t, ctx, "portal-zh-CN.png")

	halls := eval[[]string](t, ctx, `[...new Set([...document.querySelectorAll('a[href^="/hall/"]')].map(a => a.getAttribute('href')))]`)
	if len(halls) != 5 {
		t.Fatalf("home links to sub-halls %v, want the 3 counties, the district and the zone", halls)
	}
	for _, h := range halls {
		// Follow the link as a person would: by clicking it.
		if err := do(ctx, chromedp.Click(`a[href="`+h+`"]`), chromedp.WaitReady("body")); err != nil {
			t.Fatalf("click %s: %v", h, err)
		}
		waitPath(t, ctx, h)
		if n := eval[int](t, ctx, `document.querySelectorAll('a[href="/"]').length`); n == 0 {
			t.Fatalf("sub-hall %s has no link back to the city hall", h)
		}
		if lang := eval[string](t, ctx, "document.documentElement.lang"); lang != "zh-CN" {
			t.Fatalf("%s is in %q", h, lang)
		}
		// And back by the sub-hall's own link to the city hall: links run both ways.
		if err := do(ctx, chromedp.Click(`a[href="/"]`), chromedp.WaitReady("body")); err != nil {
			t.Fatalf("click back to the city hall from %s: %v", h, err)
		}
		waitPath(t, ctx, "/")
	}

	// Switch to English with the page's own switch.
	if err := do(ctx, chromedp.Click(`a[hreflang="en"]`), chromedp.WaitReady("body")); err != nil {
		t.Fatalf("click the English switch: %v", err)
	}
	waitLang(t, ctx, "en")
	if text := eval[string](t, ctx, "document.body.innerText"); !strings.Contains(text, "Bozhou") {
		t.Fatalf("English home page does not name Bozhou:\n%s", text)
	}
	shot(t, ctx, "portal-en.png")
}

func waitPath(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	waitFor(t, ctx, "location.pathname", path)
}

func waitLang(t *testing.T, ctx context.Context, lang string) {
	t.Helper()
	waitFor(t, ctx, "document.documentElement.lang", lang)
}

// waitFor polls a page value until it reads want (navigation is asynchronous).
func waitFor(t *testing.T, ctx context.Context, js, want string) {
	t.Helper()
	var got string
	for i := 0; i < 100; i++ {
		got = eval[string](t, ctx, js)
		if got == want {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s is %q, want %q", js, got, want)
}

func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, step)
	defer cancel()
	png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	p := filepath.Join(artifacts(t), name)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", p)
}
