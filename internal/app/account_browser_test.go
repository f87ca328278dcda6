package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/govhall/govhall/internal/ids"
)

// typeInto empties each field and types its value, as a person does, key
// by key.
func typeInto(t *testing.T, ctx context.Context, fields [][2]string) {
	t.Helper()
	for _, f := range fields {
		sel := `input[name="` + f[0] + `"]`
		eval[bool](t, ctx, `(() => { const e = document.querySelector('`+sel+`'); e.value = ""; return true })()`)
		if err := do(ctx, chromedp.SendKeys(sel, f[1])); err != nil {
			t.Fatalf("type into %s: %v", f[0], err)
		}
	}
}

// clickAndWait clicks sel and waits for the next page to load.
func clickAndWait(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	before := eval[string](t, ctx, `String(performance.timeOrigin)`)
	if err := do(ctx, chromedp.Click(sel)); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
	waitNewPage(t, ctx, before)
}

// waitNewPage waits until a new document has loaded (a form that answers
// on the same address would fool a wait on the path).
func waitNewPage(t *testing.T, ctx context.Context, before string) {
	t.Helper()
	for i := 0; i < 200; i++ {
		now := eval[string](t, ctx, `document.readyState === "complete" ? String(performance.timeOrigin) : ""`)
		if now != "" && now != before {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("no new page loaded")
}

func pageText(t *testing.T, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, "document.body.innerText")
}

func wantText(t *testing.T, ctx context.Context, what string, wants ...string) string {
	t.Helper()
	text := pageText(t, ctx)
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Fatalf("%s should show %q:\n%s", what, w, text)
		}
	}
	return text
}

// A person on a phone registers (first with mistakes), sees their profile,
// signs out and signs in again with the keyboard.
func browserPersonRegisters(t *testing.T, engine string) {
	ctx := browser(t)
	a, base := startHallOn(t, engine)
	idn, name := unregisteredResident(t, a) // the real-name check admits residents of the population database
	const password = "zhaozhuang-spring-2015"

	navigate(t, ctx, base+"/")
	clickAndWait(t, ctx, `header a[href="/register/person"]`)
	waitPath(t, ctx, "/register/person")
	wrongCheck := idn[:17] + map[bool]string{true: "1", false: "2"}[idn[17] != '1']
	typeInto(t, ctx, [][2]string{{"id_number", wrongCheck}, {"phone", "1390000"}, {"password", "short"}})
	clickAndWait(t, ctx, `form[action="/register/person"] button[type="submit"]`)
	wantText(t, ctx, "the form with mistakes", "请修改以下 4 处", "此项为必填项", "校验码", "请输入11位手机号码", "密码至少需要")
	if focus := eval[string](t, ctx, "document.activeElement.className"); focus != "error-summary" {
		t.Errorf("the error summary should have the focus, %q has it", focus)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('[aria-invalid="true"]').length`); n != 4 {
		t.Errorf("%d fields marked invalid, want 4", n)
	}
	if v := eval[string](t, ctx, `document.querySelector('input[name="password"]').value`); v != "" {
		t.Errorf("the password came back: %q", v)
	}
	shot(t, ctx, "register-person-errors-zh-CN.png")

	typeInto(t, ctx, [][2]string{{"name", name}, {"id_number", idn}, {"phone", "13955556666"}, {"password", password}})
	clickAndWait(t, ctx, `form[action="/register/person"] button[type="submit"]`)
	waitPath(t, ctx, "/me")
	text := wantText(t, ctx, "the profile", "我的账号", name, "个人", ids.MaskIDNumber(idn), "139****6666")
	if strings.Contains(text, idn) || strings.Contains(text, "13955556666") {
		t.Fatalf("the profile shows a full number:\n%s", text)
	}
	shot(t, ctx, "me-person-zh-CN.png")

	clickAndWait(t, ctx, `#sessions form[action="/logout"] button`)
	waitPath(t, ctx, "/")
	clickAndWait(t, ctx, `header a[href="/login"]`)
	signIn(t, ctx, idn, password)
	waitPath(t, ctx, "/me")
	wantText(t, ctx, "the profile after signing in again", name)
}

// signIn fills the login form and submits it with the Enter key.
func signIn(t *testing.T, ctx context.Context, login, password string) {
	t.Helper()
	waitPath(t, ctx, "/login")
	typeInto(t, ctx, [][2]string{{"login", login}})
	before := eval[string](t, ctx, `String(performance.timeOrigin)`)
	if err := do(ctx, chromedp.SendKeys(`input[name="password"]`, password+kb.Enter)); err != nil {
		t.Fatalf("type the password: %v", err)
	}
	waitNewPage(t, ctx, before)
}

// An enterprise registers with its credit code, signs out on every device
// and signs in with the code.
func browserEnterpriseRegisters(t *testing.T, engine string) {
	ctx := browser(t)
	_, base := startHallOn(t, engine)
	code, err := ids.MakeCreditCode("91", "341602", "MA2N0002") // MA2N0001 is the demo enterprise
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ids.MakeIDNumber("341602", time.Date(1975, 2, 14, 0, 0, 0, 0, time.UTC), 33)
	if err != nil {
		t.Fatal(err)
	}
	const password = "bozhou-herbs-2015"
	navigate(t, ctx, base+"/register/person")
	clickAndWait(t, ctx, `main a[href="/register/enterprise"]`)
	waitPath(t, ctx, "/register/enterprise")
	typeInto(t, ctx, [][2]string{{"credit_code", code}, {"name", "亳州市谯城药材有限公司"}, {"legal_rep_name", "刘强"},
		{"legal_rep_id_number", rep}, {"phone", "13788889999"}, {"password", password}})
	clickAndWait(t, ctx, `form[action="/register/enterprise"] button[type="submit"]`)
	waitPath(t, ctx, "/me")
	text := wantText(t, ctx, "the enterprise profile", "亳州市谯城药材有限公司", "企业", code, "137****9999")
	if strings.Contains(text, rep) {
		t.Fatal("the enterprise profile shows the representative's ID number")
	}
	shot(t, ctx, "me-enterprise-zh-CN.png")

	clickAndWait(t, ctx, `form[action="/logout/everywhere"] button`)
	signIn(t, ctx, code, password)
	waitPath(t, ctx, "/me")
	wantText(t, ctx, "the enterprise signed in again", "亳州市谯城药材有限公司")
}

// Demo officials sign in on the same form; officials confirm with the code
// sent to their phone when the hall asks for one.
func browserOfficialsSignIn(t *testing.T, engine string) {
	ctx := browser(t)
	a, base := startHallOn(t, engine)
	for _, c := range []struct{ login, kindLabel string }{
		{"qc-wjw-accept", "部门工作人员"},
		{"zhaozhuang-agent", "村（社区）代办员"},
	} {
		t.Run(c.login, func(t *testing.T) {
			signInOfficial(t, ctx, a, base, c.login) // password, then the SMS code: always both
			waitPath(t, ctx, "/me")
			wantText(t, ctx, c.login+"'s profile", c.kindLabel, c.login)
			clickAndWait(t, ctx, `header form[action="/logout"] button`)
			waitPath(t, ctx, "/")
		})
	}
}

// Registration and sign-in run on both engines.
func TestBrowserPersonRegisters(t *testing.T) { onBothEngines(t, browserPersonRegisters) }

func TestBrowserEnterpriseRegisters(t *testing.T) { onBothEngines(t, browserEnterpriseRegisters) }

func TestBrowserOfficialsSignIn(t *testing.T) { onBothEngines(t, browserOfficialsSignIn) }
