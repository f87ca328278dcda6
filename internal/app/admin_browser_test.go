package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/govhall/govhall/internal/app"
	"github.com/govhall/govhall/internal/demo"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
	"github.com/govhall/govhall/internal/notify"
)

// signInOfficial signs a demo official in on the login form: the demo
// password, then the code the hall sent to their phone (read from the
// outbox, as they would read their SMS).
func signInOfficial(t *testing.T, ctx context.Context, a *app.App, base, login string) {
	t.Helper()
	navigate(t, ctx, base+"/login")
	signIn(t, ctx, login, demo.DemoPassword)
	var phone string
	if err := a.DB.QueryRow(context.Background(), "SELECT phone FROM accounts WHERE login = ?", login).Scan(&phone); err != nil {
		t.Fatal(err)
	}
	wantText(t, ctx, login+"'s code step", "验证码", ids.MaskPhone(phone))
	sms, err := notify.Latest(context.Background(), a.DB, phone, identity.LoginCodeSMS)
	if err != nil {
		t.Fatal(err)
	}
	before := eval[string](t, ctx, `String(performance.timeOrigin)`)
	if err := do(ctx, chromedp.SendKeys(`input[name="code"]`, sms.Params["code"]+kb.Enter)); err != nil {
		t.Fatal(err)
	}
	waitNewPage(t, ctx, before)
	waitPath(t, ctx, "/me")
}

// choose picks an option of a select, as a person does with the list.
func choose(t *testing.T, ctx context.Context, name, value string) {
	t.Helper()
	js := `(() => { const s = document.querySelector('select[name="` + name + `"]'); s.value = "` + value +
		`"; s.dispatchEvent(new Event("change", {bubbles: true})); return s.value })()`
	if got := eval[string](t, ctx, js); got != value {
		t.Fatalf("select %s: %q has no option %q", name, got, value)
	}
}

// The demo security administrator opens a staff account through the form
// (first with a mistake); then the demo system administrator reads the
// outbox, where the demo's SMS codes are.
func TestBrowserAdministrators(t *testing.T) {
	ctx := browser(t)
	a, base := startHall(t)
	idn, err := ids.MakeIDNumber("341602", time.Date(1986, 10, 9, 0, 0, 0, 0, time.UTC), 57)
	if err != nil {
		t.Fatal(err)
	}

	signInOfficial(t, ctx, a, base, "secadmin")
	wantText(t, ctx, "the security administrator's profile", "安全管理员", "账号管理", "开设账号")
	clickAndWait(t, ctx, `#me-admin a[href="/admin/accounts/new"]`)
	waitPath(t, ctx, "/admin/accounts/new")
	choose(t, ctx, "jurisdiction", "341602000000")
	clickAndWait(t, ctx, `form[action="/admin/accounts/new"] button[type="submit"]`)
	wantText(t, ctx, "the form for Qiaocheng", "工作区划：谯城区", "受理岗")

	typeInto(t, ctx, [][2]string{{"login", "qc-mz-accept"}, {"name", "钱丽"}, {"id_number", idn},
		{"phone", "13766667777"}, {"password", "minzheng-accept-2015"}})
	clickAndWait(t, ctx, `form[action="/admin/accounts"] button[type="submit"]`)
	wantText(t, ctx, "the form without a post", "请修改以下 1 处", "所任岗位", "此项为必填项")
	if v := eval[string](t, ctx, `document.querySelector('input[name="login"]').value`); v != "qc-mz-accept" {
		t.Errorf("the login was not kept: %q", v)
	}
	shot(t, ctx, "admin-account-new-errors-zh-CN.png")

	typeInto(t, ctx, [][2]string{{"password", "minzheng-accept-2015"}})
	if err := do(ctx, chromedp.Click(`input[name="post_ids"]`)); err != nil {
		t.Fatalf("tick a post: %v", err)
	}
	clickAndWait(t, ctx, `form[action="/admin/accounts"] button[type="submit"]`)
	waitPath(t, ctx, "/admin/accounts")
	text := wantText(t, ctx, "the list", "账号已开通", "钱丽", "qc-mz-accept", "137****7777", ids.MaskIDNumber(idn))
	if strings.Contains(text, idn) || strings.Contains(text, "13766667777") {
		t.Fatalf("the list shows a full number:\n%s", text)
	}
	shot(t, ctx, "admin-accounts-zh-CN.png")
	clickAndWait(t, ctx, `header form[action="/logout"] button`)

	signInOfficial(t, ctx, a, base, "sysadmin")
	clickAndWait(t, ctx, `#me-admin a[href="/admin/outbox"]`)
	waitPath(t, ctx, "/admin/outbox")
	var phone string
	if err := a.DB.QueryRow(context.Background(), "SELECT phone FROM accounts WHERE login = 'sysadmin'").Scan(&phone); err != nil {
		t.Fatal(err)
	}
	sms, err := notify.Latest(context.Background(), a.DB, phone, identity.LoginCodeSMS)
	if err != nil {
		t.Fatal(err)
	}
	text = wantText(t, ctx, "the outbox", "演示环境：未接入短信网关", "登录验证码为 "+sms.Params["code"], ids.MaskPhone(phone))
	if strings.Contains(text, phone) {
		t.Fatal("the outbox shows a full phone number")
	}
	shot(t, ctx, "admin-outbox-zh-CN.png")
	navigate(t, ctx, base+"/admin/accounts")
	wantText(t, ctx, "the system administrator on the accounts page", "无权访问")
}
