package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
	"github.com/govhall/govhall/internal/notify"
)

// Five wrong passwords lock the account for 15 minutes; the next attempt,
// even with the right password, says until when (in Beijing time).
func testThrottle(t *testing.T, ah *accountHall) {
	form := testPerson(t, 6)
	register(t, ah, form)
	v := ah.visitor(t, "")
	for i := 1; i < identity.MaxFailures; i++ {
		res, body := login(t, v, form.Get("id_number"), "wrong-password-"+string(rune('a'+i)))
		wantStatus(t, "a wrong password", res, body, http.StatusUnprocessableEntity)
	}
	login(t, v, form.Get("id_number"), "wrong-password-z")
	res, body := login(t, v, form.Get("id_number"), form.Get("password"))
	wantStatus(t, "the attempt after five failures", res, body, http.StatusTooManyRequests)
	contains(t, "the locked login", body, `class="error-summary"`, `<p class="alert">登录失败次数过多，请于 09:15 后再试。</p>`,
		`value="`+form.Get("id_number")+`"`)
	lacks(t, "the locked login", body, form.Get("password"))
	if v.session() != "" {
		t.Fatal("a locked account got a session")
	}
	checkForm(t, "the locked login", body)
}

// Officials sign in in two steps: the password, then the code sent to
// their phone, on the same page.
func testSecondFactor(t *testing.T, ah *accountHall) {
	ctx := actor.With(context.Background(), actor.System("test"))
	village, err := ah.org.Jurisdiction(ctx, "341602108201")
	if err != nil {
		t.Fatal(err)
	}
	pts, err := ah.org.ServicePoints(ctx, village)
	if err != nil || len(pts) == 0 {
		t.Fatalf("no proxy point in Zhaozhuang: %v", err)
	}
	idn, _ := ids.MakeIDNumber("341602", time.Date(1979, 9, 1, 0, 0, 0, 0, time.UTC), 8)
	const phone, password = "13700002222", "zhaozhuang-proxy-2015"
	_, err = ah.id.CreateAccount(ctx, identity.StaffForm{Kind: identity.Agent, Login: "test-agent", Name: "赵红",
		IDNumber: idn, Phone: phone, Password: password, JurisdictionCode: village.Code, ServicePointID: pts[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	v := ah.visitor(t, "")
	res, body := login(t, v, "Test-Agent", password)
	wantStatus(t, "an agent's password", res, body, http.StatusOK)
	contains(t, "the code step", body, "输入短信验证码", "137****2222", `name="challenge"`, `autocomplete="one-time-code"`,
		`inputmode="numeric"`)
	checkForm(t, "the code step", body)
	if v.session() != "" {
		t.Fatal("a password alone gave an official a session")
	}
	challenge := regexpValue(t, body, "challenge")
	sms, err := notify.Latest(ctx, ah.d, phone, identity.LoginCodeSMS)
	if err != nil {
		t.Fatal(err)
	}
	send := func(code string) (*http.Response, string) {
		return v.do(http.MethodPost, "/login", url.Values{"csrf": {csrfRE.FindStringSubmatch(body)[1]},
			"challenge": {challenge}, "code": {code}, "next": {"/me"}})
	}
	wrong := "000000"
	if sms.Params["code"] == wrong {
		wrong = "111111"
	}
	res, again := send(wrong)
	wantStatus(t, "a wrong code", res, again, http.StatusUnprocessableEntity)
	contains(t, "a wrong code", again, `id="f-code-error"`, "验证码不正确", `name="challenge"`)
	res, _ = send(sms.Params["code"])
	wantRedirect(t, "the right code", res, "/me")
	_, me := v.get("/me")
	contains(t, "the agent's profile", me, "赵红", "村（社区）代办员", "test-agent", ids.MaskIDNumber(idn))
	lacks(t, "the agent's profile", me, idn, phone)
}

func regexpValue(t *testing.T, body, name string) string {
	t.Helper()
	m := regexp.MustCompile(`name="` + name + `" value="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s field", name)
	}
	return m[1]
}

// Every account page in English: no key shows through, no Chinese label.
func testAccountEnglish(t *testing.T, ah *accountHall) {
	v := ah.visitor(t, "en")
	pages := map[string]string{}
	for _, p := range []string{"/login", "/register/person", "/register/enterprise"} {
		res, body := v.get(p)
		wantStatus(t, p+" in English", res, body, http.StatusOK)
		pages[p] = body
	}
	_, pages["a person's mistakes"] = v.submit("/register/person", "/register/person",
		url.Values{"name": {""}, "id_number": {"1234"}, "phone": {"1"}, "password": {"password"}})
	_, pages["an enterprise's mistakes"] = v.submit("/register/enterprise", "/register/enterprise", url.Values{})
	_, pages["a wrong login"] = login(t, v, "nobody", "wrong-password")
	form := testPerson(t, 9)
	res, _ := v.submit("/register/person", "/register/person", form)
	wantRedirect(t, "an English registration", res, "/me")
	_, pages["/me"] = v.get("/me")
	for name, body := range pages {
		contains(t, name+" in English", body, `<html lang="en">`)
		lacks(t, name+" in English", body, "web.", "identity.", "error.", "ids.", "登录", "注册", "错误", "请")
	}
	contains(t, "the English profile", pages["/me"], "My account", "ID number (your login)", "Sign out everywhere")
	contains(t, "the English mistakes", pages["a person's mistakes"], "Error: Register as a person", "Please correct the following (4):")
	contains(t, "the English login", pages["a wrong login"], "The login or the password is wrong.")
}
