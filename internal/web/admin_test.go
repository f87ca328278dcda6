package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
	"github.com/govhall/govhall/internal/notify"
)

const adminPassword = "separated-duties-2015"

// adminOfficial creates an official account (an administrator, or staff
// holding a post of Qiaocheng District) and returns its phone.
func adminOfficial(t *testing.T, ah *accountHall, kind, loginName string, seq int) string {
	t.Helper()
	ctx := actor.With(context.Background(), actor.System("test"))
	idn, _ := ids.MakeIDNumber("341602", time.Date(1981, 6, 1, 0, 0, 0, 0, time.UTC), 40+seq)
	f := identity.StaffForm{Kind: kind, Login: loginName, Name: "官员" + loginName, IDNumber: idn,
		Phone: fmt.Sprintf("1370001%04d", seq), Password: adminPassword, JurisdictionCode: "341600000000"}
	if kind == identity.Staff {
		f.JurisdictionCode = "341602000000"
		f.PostIDs = []int64{adminPost(t, ah, f.JurisdictionCode)}
	}
	if _, err := ah.id.CreateAccount(ctx, f); err != nil {
		t.Fatal(err)
	}
	return f.Phone
}

// adminPost is the first post of the first department of a division.
func adminPost(t *testing.T, ah *accountHall, code string) int64 {
	t.Helper()
	deps, err := ah.org.Departments(context.Background(), code)
	if err != nil || len(deps) == 0 {
		t.Fatalf("no department in %s: %v", code, err)
	}
	posts, err := ah.org.Posts(context.Background(), deps[0].ID)
	if err != nil || len(posts) == 0 {
		t.Fatalf("no post in %s: %v", deps[0].Name, err)
	}
	return posts[0].ID
}

// adminSignIn signs an official in with the password and the SMS code.
func adminSignIn(t *testing.T, ah *accountHall, loginName, password, phone string) *visitor {
	t.Helper()
	v := ah.visitor(t, "")
	res, body := login(t, v, loginName, password)
	wantStatus(t, loginName+"'s password", res, body, http.StatusOK)
	sms, err := notify.Latest(context.Background(), ah.d, phone, identity.LoginCodeSMS)
	if err != nil {
		t.Fatal(err)
	}
	res, _ = v.do(http.MethodPost, "/login", url.Values{"csrf": {csrfRE.FindStringSubmatch(body)[1]},
		"challenge": {regexpValue(t, body, "challenge")}, "code": {sms.Params["code"]}, "next": {"/me"}})
	wantRedirect(t, loginName+"'s code", res, "/me")
	return v
}

// adminAct opens page and sends a form to action with the page's CSRF
// token.
func adminAct(v *visitor, page, action string, form url.Values) (*http.Response, string) {
	v.t.Helper()
	_, body := v.get(page)
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		v.t.Fatalf("%s has no csrf field", page)
	}
	form.Set("csrf", m[1])
	return v.do(http.MethodPost, action, form)
}

type adminHall struct {
	*accountHall
	sec, sys, aud *visitor
	secPhone      string
}

func TestAdminPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ah := &adminHall{accountHall: newAccountHall(t, d)}
		ah.secPhone = adminOfficial(t, ah.accountHall, identity.SecurityAdmin, "secadmin", 1)
		sysPhone := adminOfficial(t, ah.accountHall, identity.SystemAdmin, "sysadmin", 2)
		audPhone := adminOfficial(t, ah.accountHall, identity.AuditAdmin, "auditadmin", 3)
		ah.sec = adminSignIn(t, ah.accountHall, "secadmin", adminPassword, ah.secPhone)
		ah.sys = adminSignIn(t, ah.accountHall, "sysadmin", adminPassword, sysPhone)
		ah.aud = adminSignIn(t, ah.accountHall, "auditadmin", adminPassword, audPhone)
		t.Run("one role each", func(t *testing.T) { testAdminSeparation(t, ah) })
		t.Run("links on /me", func(t *testing.T) { testAdminLinks(t, ah) })
		t.Run("create staff", func(t *testing.T) { testAdminCreate(t, ah) })
		t.Run("disable and enable", func(t *testing.T) { testAdminDisable(t, ah) })
		t.Run("the list is masked", func(t *testing.T) { testAdminListMasked(t, ah) })
		t.Run("outbox", func(t *testing.T) { testAdminOutbox(t, ah) })
		t.Run("audit", func(t *testing.T) { testAdminAudit(t, ah) })
		t.Run("english", func(t *testing.T) { testAdminEnglish(t, ah) })
		t.Run("logs hold no personal data", func(t *testing.T) {
			logs := ah.logs.String()
			for _, secret := range adminSecrets(t, ah) {
				if strings.Contains(logs, secret) {
					t.Errorf("the log holds %s", ids.MaskText(secret))
				}
			}
		})
	})
}

// Each administrator opens their own pages only; everyone else is refused.
func testAdminSeparation(t *testing.T, ah *adminHall) {
	staffPhone := adminOfficial(t, ah.accountHall, identity.Staff, "sep-staff", 4)
	staff := adminSignIn(t, ah.accountHall, "sep-staff", adminPassword, staffPhone)
	own := map[*visitor][]string{
		ah.sec: {"/admin/accounts", "/admin/accounts/new"},
		ah.sys: {"/admin/outbox"},
		ah.aud: {"/admin/audit"},
		staff:  nil,
	}
	all := []string{"/admin/accounts", "/admin/accounts/new", "/admin/outbox", "/admin/audit"}
	for v, mine := range own {
		for _, p := range all {
			res, body := v.get(p)
			want := http.StatusForbidden
			for _, m := range mine {
				if m == p {
					want = http.StatusOK
				}
			}
			wantStatus(t, p, res, body, want)
		}
	}
	res, body := adminAct(ah.sec, "/admin/accounts", "/admin/audit/verify", url.Values{})
	wantStatus(t, "the security administrator verifying the trail", res, body, http.StatusForbidden)
	res, _ = ah.visitor(t, "").get("/admin/accounts")
	wantRedirect(t, "an anonymous visitor", res, "/login?next=%2Fadmin%2Faccounts")
	// A form without the session's token is refused before anything happens.
	res, body = ah.sec.do(http.MethodPost, "/admin/accounts/1/disable", url.Values{"csrf": {"forged"}})
	wantStatus(t, "a forged disable", res, body, http.StatusForbidden)
}

func testAdminLinks(t *testing.T, ah *adminHall) {
	links := []string{`href="/admin/accounts"`, `href="/admin/accounts/new"`, `href="/admin/outbox"`, `href="/admin/audit"`}
	for name, c := range map[string]struct {
		v    *visitor
		mine []string
	}{"security": {ah.sec, links[:2]}, "system": {ah.sys, links[2:3]}, "audit": {ah.aud, links[3:]}} {
		_, me := c.v.get("/me")
		contains(t, name+"'s /me", me, c.mine...)
		for _, l := range links {
			if !strings.Contains(strings.Join(c.mine, " "), l) {
				lacks(t, name+"'s /me", me, l)
			}
		}
		checkHeadings(t, name+"'s /me", me)
	}
}

var postRE = regexp.MustCompile(`name="post_ids" value="(\d+)"`)

// The security administrator opens a staff account: every mistake first,
// then a post from another division, then the right form.
func testAdminCreate(t *testing.T, ah *adminHall) {
	_, step1 := ah.sec.get("/admin/accounts/new")
	contains(t, "the first step", step1, `name="jurisdiction"`, `<option value="341602000000"`, "谯城区")
	lacks(t, "the first step", step1, `name="login"`)
	const page = "/admin/accounts/new?jurisdiction=341602000000"
	_, form := ah.sec.get(page)
	contains(t, "the form", form, "工作区划：谯城区", `name="post_ids"`, `<option value="staff" selected>`, `name="service_point_id"`)
	lacks(t, "the kinds offered", form, `value="security_admin"`, `value="system_admin"`, `value="audit_admin"`)
	checkForm(t, "the new account form", form)
	post := postRE.FindStringSubmatch(form)[1]
	before := ah.accounts(t)

	bad := url.Values{"jurisdiction": {"341602000000"}, "kind": {identity.Staff}, "login": {"x"}, "name": {""},
		"id_number": {"341602198807150037"}, "phone": {"123"}, "password": {"short"}}
	res, body := adminAct(ah.sec, page, "/admin/accounts", bad)
	wantStatus(t, "a form with six mistakes", res, body, http.StatusUnprocessableEntity)
	contains(t, "the form with mistakes", body, "请修改以下 6 处", `href="#f-login"`, `href="#f-name"`, `href="#f-id_number"`,
		`href="#f-phone"`, `href="#f-post_ids"`, `href="#f-password"`, "登录名应为 3 到 40 个字符", "此项为必填项", "请输入11位手机号码",
		`value="341602198807150037"`)
	if n := strings.Count(body, `aria-invalid="true"`); n != 5 { // the text inputs; the posts' fieldset says it in its error
		t.Errorf("%d inputs marked invalid, want 5", n)
	}
	checkForm(t, "the form with mistakes", body)

	good := url.Values{"jurisdiction": {"341602000000"}, "kind": {identity.Staff}, "login": {"qc-new-accept"}, "name": {"刘芳"},
		"id_number": {adminIDN(t, 60)}, "phone": {"13755550000"}, "password": {"new-acceptance-1"}}
	good["post_ids"] = []string{fmt.Sprint(adminPost(t, ah.accountHall, "341621000000"))} // Guoyang's, not offered here
	res, body = adminAct(ah.sec, page, "/admin/accounts", good)
	wantStatus(t, "a post of another division", res, body, http.StatusUnprocessableEntity)
	contains(t, "a post of another division", body, "请从列出的选项中选择", `value="qc-new-accept"`)
	if n := ah.accounts(t); n != before {
		t.Fatalf("%d accounts after refused forms, want %d", n, before)
	}

	good["post_ids"] = []string{post}
	res, _ = adminAct(ah.sec, page, "/admin/accounts", good)
	wantRedirect(t, "a good form", res, "/admin/accounts?done=created")
	_, list := ah.sec.get("/admin/accounts?done=created")
	contains(t, "the list after creating", list, "账号已开通", "刘芳", "qc-new-accept", "137****0000", ids.MaskIDNumber(good.Get("id_number")))
	var posts int
	if err := ah.d.QueryRow(context.Background(), `SELECT count(*) FROM staff_posts JOIN accounts ON accounts.id = staff_posts.account_id
		WHERE login = 'qc-new-accept' AND post_id = ?`, post).Scan(&posts); err != nil || posts != 1 {
		t.Fatalf("the new staff holds %d posts: %v", posts, err)
	}
	// The new official signs in with the first password.
	adminSignIn(t, ah.accountHall, "qc-new-accept", "new-acceptance-1", "13755550000")

	res, body = adminAct(ah.sec, page, "/admin/accounts", good)
	wantStatus(t, "the same login again", res, body, http.StatusUnprocessableEntity)
	contains(t, "the same login again", body, "该登录名已被使用")
	lacks(t, "the same login again", body, "去登录")
}

func adminIDN(t *testing.T, seq int) string {
	idn, err := ids.MakeIDNumber("341602", time.Date(1990, 2, 3, 0, 0, 0, 0, time.UTC), seq)
	if err != nil {
		t.Fatal(err)
	}
	return idn
}

// adminAccountID is the number of the account with a login.
func adminAccountID(t *testing.T, ah *adminHall, loginName string) int64 {
	var id int64
	if err := ah.d.QueryRow(context.Background(), "SELECT id FROM accounts WHERE login = ?", loginName).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// A disabled account loses its sessions at once and cannot sign in; enabled
// again, it can. Nobody disables themselves.
func testAdminDisable(t *testing.T, ah *adminHall) {
	phone := adminOfficial(t, ah.accountHall, identity.Staff, "dis-staff", 5)
	staff := adminSignIn(t, ah.accountHall, "dis-staff", adminPassword, phone)
	id := adminAccountID(t, ah, "dis-staff")
	path := fmt.Sprintf("/admin/accounts/%d/", id)
	res, _ := adminAct(ah.sec, "/admin/accounts", path+"disable", url.Values{})
	wantRedirect(t, "disable", res, "/admin/accounts?done=disabled")
	_, list := ah.sec.get("/admin/accounts?kind=staff")
	contains(t, "the list after disabling", list, "已停用", `action="`+path+`enable"`)
	res, _ = staff.get("/me")
	wantRedirect(t, "the disabled official's /me", res, "/login?next=%2Fme")
	res, body := login(t, ah.visitor(t, ""), "dis-staff", adminPassword)
	wantStatus(t, "the disabled official signing in", res, body, http.StatusUnprocessableEntity)
	contains(t, "the disabled official signing in", body, "该账号已停用")

	res, _ = adminAct(ah.sec, "/admin/accounts", path+"enable", url.Values{})
	wantRedirect(t, "enable", res, "/admin/accounts?done=enabled")
	staff = adminSignIn(t, ah.accountHall, "dis-staff", adminPassword, phone)
	res, _ = adminAct(ah.sec, "/admin/accounts", path+"logout-everywhere", url.Values{})
	wantRedirect(t, "logout everywhere", res, "/admin/accounts?done=logged_out")
	res, _ = staff.get("/me")
	wantRedirect(t, "the signed-out official's /me", res, "/login?next=%2Fme")

	self := adminAccountID(t, ah, "secadmin")
	res, body = adminAct(ah.sec, "/admin/accounts", fmt.Sprintf("/admin/accounts/%d/disable", self), url.Values{})
	wantStatus(t, "disabling oneself", res, body, http.StatusForbidden)
	contains(t, "disabling oneself", body, "不能停用或启用自己的账号")
	sys := adminAccountID(t, ah, "sysadmin")
	res, body = adminAct(ah.sec, "/admin/accounts", fmt.Sprintf("/admin/accounts/%d/disable", sys), url.Values{})
	wantStatus(t, "disabling the system administrator", res, body, http.StatusForbidden)
	contains(t, "disabling the system administrator", body, "管理员账号在安装时由运维人员管理")
	res, body = adminAct(ah.sec, "/admin/accounts", "/admin/accounts/987654321/disable", url.Values{})
	wantStatus(t, "disabling no one", res, body, http.StatusNotFound)
	_, list = ah.sec.get("/admin/accounts")
	lacks(t, "the list", list, fmt.Sprintf(`action="/admin/accounts/%d/`, self), fmt.Sprintf(`action="/admin/accounts/%d/`, sys))
	contains(t, "the list", list, "本人账号", "由运维人员管理")
}

// adminSecrets are every ID number and phone number of the hall's accounts.
func adminSecrets(t *testing.T, ah *adminHall) []string {
	t.Helper()
	rows, err := ah.d.Query(context.Background(), "SELECT COALESCE(id_number, ''), phone FROM accounts")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var idn, phone string
		if err := rows.Scan(&idn, &phone); err != nil {
			t.Fatal(err)
		}
		for _, v := range []string{idn, phone} {
			if v != "" {
				out = append(out, v)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// Names are shown; ID numbers, phones and a person's login never in full.
func testAdminListMasked(t *testing.T, ah *adminHall) {
	person := testPerson(t, 31)
	register(t, ah.accountHall, person)
	_, list := ah.sec.get("/admin/accounts")
	contains(t, "the list", list, "王小明", ids.MaskIDNumber(person.Get("id_number")), ids.MaskPhone(person.Get("phone")))
	secrets := adminSecrets(t, ah)
	for _, secret := range secrets {
		if strings.Contains(list, secret) {
			t.Errorf("the list shows %s in full", ids.MaskText(secret))
		}
	}
	if len(secrets) < 10 {
		t.Fatalf("only %d numbers to check", len(secrets))
	}
	_, persons := ah.sec.get("/admin/accounts?kind=person")
	contains(t, "persons only", persons, "王小明", `<option value="person" selected>`)
	lacks(t, "persons only", persons, `<td class="code">secadmin</td>`)
	res, body := ah.sec.get("/admin/accounts?kind=root")
	wantStatus(t, "an unknown kind", res, body, http.StatusUnprocessableEntity)
	checkHeadings(t, "the list", list)
}

// The system administrator reads the login codes no phone receives in the
// demo, under a warning that says so.
func testAdminOutbox(t *testing.T, ah *adminHall) {
	v := ah.visitor(t, "")
	login(t, v, "secadmin", adminPassword) // a fresh code to secadmin's phone
	sms, err := notify.Latest(context.Background(), ah.d, ah.secPhone, identity.LoginCodeSMS)
	if err != nil {
		t.Fatal(err)
	}
	res, body := ah.sys.get("/admin/outbox")
	wantStatus(t, "the outbox", res, body, http.StatusOK)
	contains(t, "the outbox", body, "演示环境：未接入短信网关", "登录验证码为 "+sms.Params["code"], ids.MaskPhone(ah.secPhone),
		identity.LoginCodeSMS, "待发送")
	lacks(t, "the outbox", body, ah.secPhone)
	checkHeadings(t, "the outbox", body)
	_, sent := ah.sys.get("/admin/outbox?status=sent")
	contains(t, "sent messages", sent, "没有消息", `<option value="sent" selected>`)
	res, body = ah.sys.get("/admin/outbox?status=lost")
	wantStatus(t, "an unknown status", res, body, http.StatusUnprocessableEntity)
	contains(t, "an unknown status", body, "发送状态无效")
}

// The audit administrator reads the trail in Beijing time and checks the
// chain.
func testAdminAudit(t *testing.T, ah *adminHall) {
	res, body := ah.aud.get("/admin/audit")
	wantStatus(t, "the trail", res, body, http.StatusOK)
	contains(t, "the trail", body, "identity.account.disable", "identity.account.create", "notify.outbox.read",
		"security_admin:", "2015-03-02 09:00:00", "被拒绝", "成功")
	checkHeadings(t, "the trail", body)
	res, body = adminAct(ah.aud, "/admin/audit", "/admin/audit/verify", url.Values{})
	wantStatus(t, "verifying", res, body, http.StatusOK)
	var n int
	if err := ah.d.QueryRow(context.Background(), "SELECT count(*) FROM audit_log").Scan(&n); err != nil {
		t.Fatal(err)
	}
	contains(t, "the verification", body, fmt.Sprintf("审计链完整：共 %d 条记录", n-1), "audit.verify")
	if n < 60 {
		t.Fatalf("only %d entries", n)
	}
	contains(t, "the newest page", body, fmt.Sprintf(`href="/admin/audit?before=%d"`, n-49))
	_, older := ah.aud.get("/admin/audit?before=51")
	contains(t, "the oldest page", older, `id="entry-1"`, `id="entry-50"`, `href="/admin/audit"`)
	lacks(t, "the oldest page", older, `id="entry-51"`, "?before=")
}

func testAdminEnglish(t *testing.T, ah *adminHall) {
	for v, pages := range map[*visitor][]string{ah.sec: {"/admin/accounts", "/admin/accounts/new",
		"/admin/accounts/new?jurisdiction=341602000000", "/me"}, ah.sys: {"/admin/outbox"}, ah.aud: {"/admin/audit"}} {
		v.lang = "en"
		for _, p := range pages {
			res, body := v.get(p)
			wantStatus(t, p+" in English", res, body, http.StatusOK)
			contains(t, p+" in English", body, `<html lang="en">`)
			lacks(t, p+" in English", body, "web.", "identity.error", "error.")
			if p != "/admin/outbox" { // the messages themselves are in Chinese
				lacks(t, p+" in English", body, "请", "账号", "登录")
			}
		}
		v.lang = ""
	}
	ah.sys.lang = "en"
	_, outbox := ah.sys.get("/admin/outbox")
	contains(t, "the English outbox", outbox, "Demo: no SMS gateway connected")
	ah.sys.lang = ""
}

// A changed entry is named on the page, with why, in the reader's language.
func TestAdminAuditBroken(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ah := newAccountHall(t, d)
		phone := adminOfficial(t, ah, identity.AuditAdmin, "auditadmin", 1)
		v := adminSignIn(t, ah, "auditadmin", adminPassword, phone)
		ctx := context.Background()
		stmts := []string{"DROP TRIGGER audit_log_no_update", "UPDATE audit_log SET actor = 'system:x' WHERE seq = 3"}
		if d.Engine == db.Postgres {
			stmts = []string{"ALTER TABLE audit_log DISABLE TRIGGER USER", stmts[1], "ALTER TABLE audit_log ENABLE TRIGGER USER"}
		}
		for _, s := range stmts {
			if _, err := d.Exec(ctx, s); err != nil {
				t.Fatalf("%s: %v", s, err)
			}
		}
		res, body := adminAct(v, "/admin/audit", "/admin/audit/verify", url.Values{})
		wantStatus(t, "verifying a changed trail", res, body, http.StatusOK)
		contains(t, "the broken chain", body, "审计链已断开", "第 3 条记录核验不通过（此前 2 条无误）：它的内容与哈希值不符，记录被改动过。")
		v.lang = "en"
		_, body = adminAct(v, "/admin/audit", "/admin/audit/verify", url.Values{})
		contains(t, "the broken chain in English", body, "Entry 3 does not verify (2 entries before it did): its content does not match its hash")
	})
}
