package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/demo"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
	"github.com/govhall/govhall/internal/org"
	"github.com/govhall/govhall/internal/server"
	"github.com/govhall/govhall/internal/web"
)

// testClock is a clock the tests move.
type testClock struct{ t time.Time }

func (c *testClock) now() time.Time { return c.t }

// accountHall is the site behind the real edge (identification, the
// policy, the redirect to /login) on the demo structure, with a fixed
// clock: 09:00 in Bozhou.
type accountHall struct {
	h     http.Handler
	d     *db.DB
	org   *org.Service
	id    *identity.Service
	clock *testClock
	logs  *logBuf
}

func newAccountHall(t *testing.T, d *db.DB) *accountHall {
	t.Helper()
	c := &testClock{t: time.Date(2015, 3, 2, 1, 0, 0, 0, time.UTC)}
	l, err := audit.New("", c.now)
	if err != nil {
		t.Fatal(err)
	}
	ah := &accountHall{d: d, clock: c, logs: &logBuf{}}
	ah.org = &org.Service{DB: d, Audit: l, Now: c.now}
	ah.id = &identity.Service{DB: d, Audit: l, Now: c.now}
	if _, err := demo.SeedOrg(context.Background(), d, ah.org); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(ah.logs, nil))
	site, err := web.New(web.Config{Org: ah.org, Identity: ah.id, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	ah.h = server.New(server.Config{Log: log, Ready: d.Ping, Metrics: prometheus.NewRegistry(),
		HTMLError: site.RenderError, Identify: site.Identify,
		APIError: func(w http.ResponseWriter, r *http.Request, status int, key string) { http.Error(w, key, status) },
	}, site)
	return ah
}

func (ah *accountHall) accounts(t *testing.T) int {
	t.Helper()
	var n int
	if err := ah.d.QueryRow(context.Background(), "SELECT count(*) FROM accounts").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// visitor is one browser: it keeps its cookies and its language.
type visitor struct {
	t       *testing.T
	h       http.Handler
	lang    string
	cookies map[string]*http.Cookie
}

func (ah *accountHall) visitor(t *testing.T, lang string) *visitor {
	return &visitor{t: t, h: ah.h, lang: lang, cookies: map[string]*http.Cookie{}}
}

// do sends a request with the visitor's cookies and keeps the ones set.
func (v *visitor) do(method, path string, form url.Values) (*http.Response, string) {
	v.t.Helper()
	var r *http.Request
	if form != nil {
		r = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		r = httptest.NewRequest(method, path, nil)
	}
	if v.lang != "" {
		r.AddCookie(&http.Cookie{Name: "lang", Value: v.lang})
	}
	for _, c := range v.cookies {
		r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	w := httptest.NewRecorder()
	v.h.ServeHTTP(w, r)
	res := w.Result()
	for _, c := range res.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(v.cookies, c.Name)
		} else {
			v.cookies[c.Name] = c
		}
	}
	return res, w.Body.String()
}

func (v *visitor) get(path string) (*http.Response, string) { return v.do(http.MethodGet, path, nil) }

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// submit opens the form page, then posts fields with the page's CSRF token.
func (v *visitor) submit(page, action string, fields url.Values) (*http.Response, string) {
	v.t.Helper()
	_, body := v.get(page)
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		v.t.Fatalf("%s has no csrf field", page)
	}
	fields.Set("csrf", m[1])
	return v.do(http.MethodPost, action, fields)
}

func (v *visitor) session() string {
	if c := v.cookies["govhall_session"]; c != nil {
		return c.Value
	}
	return ""
}

func wantStatus(t *testing.T, what string, res *http.Response, body string, status int) {
	t.Helper()
	if res.StatusCode != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, res.StatusCode, status, body)
	}
}

func wantRedirect(t *testing.T, what string, res *http.Response, to string) {
	t.Helper()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != to {
		t.Fatalf("%s: %d to %q, want 303 to %q", what, res.StatusCode, res.Header.Get("Location"), to)
	}
}

// A valid person: ID number of Qiaocheng District, born 1991.
func testPerson(t *testing.T, seq int) url.Values {
	idn, err := ids.MakeIDNumber("341602", time.Date(1991, 5, 20, 0, 0, 0, 0, time.UTC), seq)
	if err != nil {
		t.Fatal(err)
	}
	return url.Values{"name": {"王小明"}, "id_number": {idn}, "phone": {"13912345678"}, "password": {"qiaocheng-2015-spring"}}
}

func TestAccountPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ah := newAccountHall(t, d)
		t.Run("every mistake is shown", func(t *testing.T) { testEveryMistake(t, ah) })
		t.Run("csrf", func(t *testing.T) { testCSRF(t, ah) })
		t.Run("register and see the profile", func(t *testing.T) { testRegisterPerson(t, ah) })
		t.Run("register an enterprise", func(t *testing.T) { testRegisterEnterprise(t, ah) })
		t.Run("login rotates the session", func(t *testing.T) { testLoginRotates(t, ah) })
		t.Run("logout", func(t *testing.T) { testLogout(t, ah) })
		t.Run("logout everywhere", func(t *testing.T) { testLogoutEverywhere(t, ah) })
		t.Run("open redirects refused", func(t *testing.T) { testNext(t, ah) })
		t.Run("official's second step", func(t *testing.T) { testSecondFactor(t, ah) })
		t.Run("throttled", func(t *testing.T) { testThrottle(t, ah) })
		t.Run("english", func(t *testing.T) { testAccountEnglish(t, ah) })
		t.Run("logs hold no ID number", func(t *testing.T) {
			lacks(t, "the log", ah.logs.String(), testPerson(t, 1).Get("id_number"), "13912345678")
		})
	})
}

func testEveryMistake(t *testing.T, ah *accountHall) {
	v := ah.visitor(t, "")
	res, body := v.submit("/register/person", "/register/person", url.Values{"name": {" "},
		"id_number": {"341602198807150037"}, "phone": {"12345"}, "password": {"short"}})
	wantStatus(t, "a registration with four mistakes", res, body, http.StatusUnprocessableEntity)
	contains(t, "the re-rendered form", body, `<title>错误：个人注册`, `class="error-summary"`, "请修改以下 4 处",
		`<a href="#f-name">姓名：此项为必填项。</a>`, `href="#f-id_number"`, `href="#f-phone"`, `href="#f-password"`,
		"请输入11位手机号码。", "密码至少需要 8 个字符。",
		`value="341602198807150037"`, `value="12345"`, // what was typed is kept…
		`aria-describedby="f-phone-hint f-phone-error" aria-invalid="true"`, `id="f-name-error"`)
	lacks(t, "the re-rendered form", body, `value="short"`) // …except the password
	if n := strings.Count(body, `aria-invalid="true"`); n != 4 {
		t.Errorf("%d fields marked invalid, want 4", n)
	}
	checkForm(t, "the person form with mistakes", body)

	res, body = v.submit("/register/enterprise", "/register/enterprise", url.Values{"credit_code": {"91341602MA2N00010"},
		"name": {""}, "legal_rep_name": {""}, "legal_rep_id_number": {"123"}, "phone": {""}, "password": {""}})
	wantStatus(t, "an enterprise registration with six mistakes", res, body, http.StatusUnprocessableEntity)
	contains(t, "the enterprise form", body, "请修改以下 6 处", `value="91341602MA2N00010"`, `value="123"`)
	checkForm(t, "the enterprise form with mistakes", body)
	if n := ah.accounts(t); n != 0 {
		t.Fatalf("%d accounts after failed registrations, want 0", n)
	}
}

var (
	inputRE = regexp.MustCompile(`<input id="([^"]+)" name="[^"]+" type="([a-z]+)" autocomplete="([a-z-]+)"`)
	labelRE = regexp.MustCompile(`<label for="([^"]+)">`)
)

// checkForm checks what a keyboard or screen reader user relies on: every
// input has a label and an autocomplete purpose, every summary link and
// aria-describedby id exists, and headings do not skip a level.
func checkForm(t *testing.T, what, body string) {
	t.Helper()
	labels := map[string]bool{}
	for _, m := range labelRE.FindAllStringSubmatch(body, -1) {
		labels[m[1]] = true
	}
	inputs := inputRE.FindAllStringSubmatch(body, -1)
	if len(inputs) == 0 {
		t.Fatalf("%s: no inputs", what)
	}
	for _, m := range inputs {
		if !labels[m[1]] {
			t.Errorf("%s: input %s has no label", what, m[1])
		}
	}
	for _, m := range regexp.MustCompile(`(?:href="#|aria-describedby=")([^"]+)"`).FindAllStringSubmatch(body, -1) {
		for _, id := range strings.Fields(m[1]) {
			if !strings.Contains(body, `id="`+id+`"`) {
				t.Errorf("%s: refers to #%s, which does not exist", what, id)
			}
		}
	}
	last := 0
	for _, m := range headingRE.FindAllStringSubmatch(body, -1) {
		if lv := int(m[1][0] - '0'); lv > last+1 {
			t.Errorf("%s: heading h%d after h%d", what, lv, last)
		} else {
			last = lv
		}
	}
}

func testCSRF(t *testing.T, ah *accountHall) {
	v := ah.visitor(t, "")
	v.get("/register/person") // the CSRF cookie is set
	for _, token := range []string{"", "forged-token-forged-token-forged-token"} {
		form := testPerson(t, 1)
		if token != "" {
			form.Set("csrf", token)
		}
		res, body := v.do(http.MethodPost, "/register/person", form)
		wantStatus(t, "a registration with csrf "+token, res, body, http.StatusForbidden)
		res, body = v.do(http.MethodPost, "/login", url.Values{"csrf": {token}, "login": {"x"}, "password": {"y"}})
		wantStatus(t, "a login with csrf "+token, res, body, http.StatusForbidden)
	}
	if n := ah.accounts(t); n != 0 {
		t.Fatalf("%d accounts after forged posts, want 0", n)
	}
}

// register signs a new person up and returns their browser.
func register(t *testing.T, ah *accountHall, form url.Values) *visitor {
	t.Helper()
	v := ah.visitor(t, "")
	res, body := v.submit("/register/person", "/register/person", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("register: %d\n%s", res.StatusCode, body)
	}
	wantRedirect(t, "a registration", res, "/me")
	return v
}

func testRegisterPerson(t *testing.T, ah *accountHall) {
	form := testPerson(t, 1)
	v := register(t, ah, form)
	c := v.cookies["govhall_session"]
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
		t.Fatalf("session cookie: %+v", c)
	}
	res, body := v.get("/me")
	wantStatus(t, "/me", res, body, http.StatusOK)
	idn := form.Get("id_number")
	contains(t, "the profile", body, "我的账号", "王小明", "个人", ids.MaskIDNumber(idn), "139****5678",
		`<a class="account-link" href="/me">`, `action="/logout"`, `action="/logout/everywhere"`, "2015-03-02 09:00")
	lacks(t, "the profile", body, idn, "13912345678", `href="/register/person"`)
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("a signed-in page is cached as %q", cc)
	}
	// The home page names who is signed in, too.
	_, home := v.get("/")
	contains(t, "the home page signed in", home, "王小明", `action="/logout"`)

	// The same ID number again: under its field, with the way to sign in.
	res, body = ah.visitor(t, "").submit("/register/person", "/register/person", form)
	wantStatus(t, "a second registration", res, body, http.StatusUnprocessableEntity)
	contains(t, "a second registration", body, "该证件已注册，请直接登录。 <a href=\"/login\">去登录</a>")
}

func testRegisterEnterprise(t *testing.T, ah *accountHall) {
	code, err := ids.MakeCreditCode("91", "341602", "MA2N0009")
	if err != nil {
		t.Fatal(err)
	}
	rep := testPerson(t, 7).Get("id_number")
	v := ah.visitor(t, "")
	res, _ := v.submit("/register/enterprise", "/register/enterprise", url.Values{"credit_code": {code},
		"name": {"亳州市测试药业有限公司"}, "legal_rep_name": {"刘强"}, "legal_rep_id_number": {rep},
		"phone": {"13700001111"}, "password": {"huatuo-herbs-2015"}})
	wantRedirect(t, "an enterprise registration", res, "/me")
	_, body := v.get("/me")
	contains(t, "the enterprise profile", body, "亳州市测试药业有限公司", "企业名称", "企业", code, "137****1111")
	lacks(t, "the enterprise profile", body, rep, "13700001111")
}

func login(t *testing.T, v *visitor, login, password string) (*http.Response, string) {
	t.Helper()
	return v.submit("/login", "/login", url.Values{"login": {login}, "password": {password}})
}

func testLoginRotates(t *testing.T, ah *accountHall) {
	form := testPerson(t, 2)
	v := register(t, ah, form)
	before := v.session()
	res, _ := login(t, v, form.Get("id_number"), form.Get("password"))
	wantRedirect(t, "a login", res, "/me")
	if after := v.session(); after == "" || after == before {
		t.Fatal("the login kept the session it found")
	}
	old := ah.visitor(t, "")
	old.cookies["govhall_session"] = &http.Cookie{Name: "govhall_session", Value: before}
	res, _ = old.get("/me")
	wantRedirect(t, "/me with the cookie from before the login", res, "/login?next=%2Fme")
	res, body := v.get("/me")
	wantStatus(t, "/me with the new cookie", res, body, http.StatusOK)

	// A wrong password: the message under the password field; the login kept.
	res, body = login(t, ah.visitor(t, ""), form.Get("id_number"), "not-the-password")
	wantStatus(t, "a wrong password", res, body, http.StatusUnprocessableEntity)
	contains(t, "a wrong password", body, `id="f-password-error"`, "账号或密码不正确。", `value="`+form.Get("id_number")+`"`)
	lacks(t, "a wrong password", body, "not-the-password")
	checkForm(t, "the login form with a mistake", body)
}

func testLogout(t *testing.T, ah *accountHall) {
	v := register(t, ah, testPerson(t, 3))
	token := v.session()
	_, me := v.get("/me")
	m := csrfRE.FindStringSubmatch(me)
	res, _ := v.do(http.MethodPost, "/logout", url.Values{"csrf": {m[1]}})
	wantRedirect(t, "logout", res, "/")
	if v.session() != "" {
		t.Fatal("the session cookie was not cleared")
	}
	v.cookies["govhall_session"] = &http.Cookie{Name: "govhall_session", Value: token}
	res, _ = v.get("/me")
	wantRedirect(t, "/me with the cookie after logout", res, "/login?next=%2Fme")
	_, home := v.get("/")
	contains(t, "the home page signed out", home, `href="/login"`, `href="/register/person"`)
}

func testLogoutEverywhere(t *testing.T, ah *accountHall) {
	form := testPerson(t, 4)
	phone := register(t, ah, form)
	pc := ah.visitor(t, "")
	login(t, pc, form.Get("id_number"), form.Get("password"))
	_, me := pc.get("/me")
	pcToken := pc.session()
	res, _ := pc.do(http.MethodPost, "/logout/everywhere", url.Values{"csrf": {csrfRE.FindStringSubmatch(me)[1]}})
	wantRedirect(t, "logout everywhere", res, "/login")
	pc.cookies["govhall_session"] = &http.Cookie{Name: "govhall_session", Value: pcToken}
	for name, v := range map[string]*visitor{"the phone": phone, "the computer": pc} {
		res, _ := v.get("/me")
		wantRedirect(t, name+" after logout everywhere", res, "/login?next=%2Fme")
	}
}

func testNext(t *testing.T, ah *accountHall) {
	form := testPerson(t, 5)
	register(t, ah, form)
	for _, next := range []string{"//evil.example", "https://evil.example/", "/\\evil.example", "javascript:alert(1)",
		"/.//evil.example", "http:/evil.example", ""} {
		v := ah.visitor(t, "")
		_, page := v.get("/login?next=" + url.QueryEscape(next))
		// (The language switch quotes the page's own address, escaped; the form must not carry it.)
		contains(t, "the login page for next="+next, page, `<input type="hidden" name="next" value="/me">`)
		res, _ := v.do(http.MethodPost, "/login", url.Values{"csrf": {csrfRE.FindStringSubmatch(page)[1]},
			"login": {form.Get("id_number")}, "password": {form.Get("password")}, "next": {next}})
		wantRedirect(t, "login with next="+next, res, "/me")
	}
	v := ah.visitor(t, "")
	res, _ := v.get("/me")
	wantRedirect(t, "/me anonymous", res, "/login?next=%2Fme")
	_, page := v.get(res.Header.Get("Location"))
	contains(t, "the login page from /me", page, `name="next" value="/me"`)
	_, page = v.get("/login?next=" + url.QueryEscape("/hall/341621?x=1"))
	res, _ = v.do(http.MethodPost, "/login", url.Values{"csrf": {csrfRE.FindStringSubmatch(page)[1]},
		"login": {form.Get("id_number")}, "password": {form.Get("password")}, "next": {"/hall/341621?x=1"}})
	wantRedirect(t, "login back to a hall", res, "/hall/341621?x=1")
}
