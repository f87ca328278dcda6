package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
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

// Story 1: 李想 of Zhaozhuang village works far away; the village agent
// applies for him, with his consent.
const residentPhone = "13800001234"

func residentIDNumber(t *testing.T) string {
	idn, err := ids.MakeIDNumber("341602", time.Date(1988, 7, 15, 0, 0, 0, 0, time.UTC), 3)
	if err != nil {
		t.Fatal(err)
	}
	return idn
}

func TestMandatePages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ah := newAccountHall(t, d)
		agent := newAgent(t, ah, "agent-zhao", "赵红", "13700002001", 41)
		other := newAgent(t, ah, "agent-qian", "钱亮", "13700002002", 43)
		resident := register(t, ah, url.Values{"name": {"李想"}, "id_number": {residentIDNumber(t)},
			"phone": {residentPhone}, "password": {"zhaozhuang-li-2015"}})
		t.Run("every mistake is shown", func(t *testing.T) { testMandateMistakes(t, ah, agent) })
		var id string
		t.Run("sms consent", func(t *testing.T) { id = testMandateSMS(t, ah, agent) })
		t.Run("the resident sees it", func(t *testing.T) { testResidentSees(t, resident, id) })
		t.Run("others are refused", func(t *testing.T) { testMandateRefusals(t, ah, resident, other, id) })
		t.Run("the resident revokes it", func(t *testing.T) { testResidentRevokes(t, resident, agent, id) })
		t.Run("signature consent", func(t *testing.T) { testMandateSignature(t, ah, agent) })
		t.Run("english", func(t *testing.T) { testMandateEnglish(t, ah, agent, resident) })
		t.Run("logs hold no ID number", func(t *testing.T) {
			lacks(t, "the log", ah.logs.String(), residentIDNumber(t), residentPhone)
		})
	})
}

// newAgent creates a village agent of Zhaozhuang and signs them in (the
// password, then the code sent to their phone).
func newAgent(t *testing.T, ah *accountHall, loginName, name, phone string, seq int) *visitor {
	t.Helper()
	ctx := actor.With(context.Background(), actor.System("test"))
	village, err := ah.org.Jurisdiction(ctx, "341602108201")
	if err != nil {
		t.Fatal(err)
	}
	pts, err := ah.org.ServicePoints(ctx, village)
	if err != nil || len(pts) == 0 {
		t.Fatalf("no proxy point in Zhaozhuang: %v", err)
	}
	idn, _ := ids.MakeIDNumber("341602", time.Date(1979, 9, 1, 0, 0, 0, 0, time.UTC), seq)
	const password = "zhaozhuang-proxy-2015"
	_, err = ah.id.CreateAccount(ctx, identity.StaffForm{Kind: identity.Agent, Login: loginName, Name: name,
		IDNumber: idn, Phone: phone, Password: password, JurisdictionCode: village.Code, ServicePointID: pts[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	v := ah.visitor(t, "")
	_, body := login(t, v, loginName, password)
	sms, err := notify.Latest(ctx, ah.d, phone, identity.LoginCodeSMS)
	if err != nil {
		t.Fatal(err)
	}
	res, _ := v.do(http.MethodPost, "/login", url.Values{"csrf": {csrfRE.FindStringSubmatch(body)[1]},
		"challenge": {regexpValue(t, body, "challenge")}, "code": {sms.Params["code"]}, "next": {"/agent/mandates"}})
	wantRedirect(t, "the agent's login", res, "/agent/mandates")
	return v
}

func mandates(t *testing.T, ah *accountHall) int {
	t.Helper()
	var n int
	if err := ah.d.QueryRow(context.Background(), "SELECT count(*) FROM mandates").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// lisMandate is the form for a one-application mandate for 李想.
func lisMandate(t *testing.T, consent string) url.Values {
	return url.Values{"resident_name": {"李想"}, "resident_id_number": {residentIDNumber(t)},
		"resident_phone": {residentPhone}, "scope": {identity.ScopeApplication}, "subject": {"流动人口婚育证明"},
		"valid_until": {""}, "consent": {consent}}
}

func testMandateMistakes(t *testing.T, ah *accountHall, agent *visitor) {
	res, body := agent.get("/agent/mandates")
	wantStatus(t, "the agent's empty list", res, body, http.StatusOK)
	contains(t, "the agent's empty list", body, "您还没有代办委托", `href="/agent/mandates/new"`)
	res, body = agent.submit("/agent/mandates/new", "/agent/mandates", url.Values{"resident_name": {" "},
		"resident_id_number": {"341602198807150037"}, "resident_phone": {"12345"}, "scope": {identity.ScopeApplication},
		"subject": {""}, "valid_until": {"2015-13-45"}, "consent": {"fax"}})
	wantStatus(t, "a mandate with six mistakes", res, body, http.StatusUnprocessableEntity)
	contains(t, "the re-rendered form", body, `<title>错误：新建委托`, "请修改以下 6 处",
		`<a href="#f-resident_name">委托人姓名：此项为必填项。</a>`, `href="#f-resident_id_number"`,
		`href="#f-resident_phone"`, `<a href="#f-subject">代办事项名称：此项为必填项。</a>`,
		`<a href="#f-valid_until">有效期至：请按 2015-06-30 的格式填写日期。</a>`, `href="#f-consent"`,
		"请输入11位手机号码。", "请选择确认方式", `value="341602198807150037"`, `value="2015-13-45"`)
	if n := strings.Count(body, `aria-invalid="true"`); n != 6 {
		t.Errorf("%d fields marked invalid, want 6", n)
	}
	checkForm(t, "the mandate form with mistakes", body)

	res, body = agent.submit("/agent/mandates/new", "/agent/mandates", url.Values{"resident_name": {"李想"},
		"resident_id_number": {residentIDNumber(t)}, "resident_phone": {residentPhone}, "scope": {"forever"},
		"consent": {identity.ConsentSMS}})
	wantStatus(t, "a mandate with no scope", res, body, http.StatusUnprocessableEntity)
	contains(t, "a mandate with no scope", body, "请修改以下 2 处", `<a href="#f-scope">委托范围：请选择委托范围`,
		`<a href="#f-valid_until">有效期至：此项为必填项。</a>`)
	if n := mandates(t, ah); n != 0 {
		t.Fatalf("%d mandates after forms with mistakes, want 0", n)
	}
	res, body = agent.do(http.MethodPost, "/agent/mandates", lisMandate(t, identity.ConsentSMS))
	wantStatus(t, "a mandate without the CSRF token", res, body, http.StatusForbidden)
}

var confirmRE = regexp.MustCompile(`^/agent/mandates/([0-9]+)/confirm$`)

// testMandateSMS creates a mandate with SMS consent and confirms it with
// the code the resident reads out; it returns the mandate's id.
func testMandateSMS(t *testing.T, ah *accountHall, agent *visitor) string {
	res, body := agent.submit("/agent/mandates/new", "/agent/mandates", lisMandate(t, identity.ConsentSMS))
	m := confirmRE.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("create a mandate: %d to %q\n%s", res.StatusCode, res.Header.Get("Location"), body)
	}
	page := m[0]
	res, body = agent.get(page)
	wantStatus(t, "the confirmation page", res, body, http.StatusOK)
	idn := residentIDNumber(t)
	contains(t, "the confirmation page", body, "确认委托", "李*", ids.MaskIDNumber(idn), "代办事项：流动人口婚育证明",
		"2015-03-02 至 2015-05-31", "138****1234", "10 分钟内有效", `autocomplete="one-time-code"`)
	lacks(t, "the confirmation page", body, idn, residentPhone, "<script")
	checkForm(t, "the confirmation page", body)

	sms, err := notify.Latest(context.Background(), ah.d, residentPhone, identity.MandateCodeSMS)
	if err != nil {
		t.Fatal(err)
	}
	wrong := map[bool]string{true: "111111", false: "000000"}[sms.Params["code"] == "000000"]
	res, body = agent.submit(page, page, url.Values{"code": {wrong}})
	wantStatus(t, "a wrong code", res, body, http.StatusUnprocessableEntity)
	contains(t, "a wrong code", body, `id="f-code-error"`, "验证码不正确")
	res, _ = agent.submit(page, page, url.Values{"code": {sms.Params["code"]}})
	wantRedirect(t, "the right code", res, "/agent/mandates")

	_, list := agent.get("/agent/mandates")
	contains(t, "the agent's list", list, "李*", ids.MaskIDNumber(idn), "代办事项：流动人口婚育证明", "有效", "短信验证码",
		`action="/agent/mandates/`+m[1]+`/revoke"`)
	lacks(t, "the agent's list", list, idn, "李想", `href="/agent/mandates/`+m[1]+`/confirm"`)
	res, body = agent.get(page)
	wantStatus(t, "the confirmation page of a confirmed mandate", res, body, http.StatusConflict)
	return m[1]
}

func testResidentSees(t *testing.T, resident *visitor, id string) {
	_, me := resident.get("/me")
	contains(t, "the resident's profile", me, `href="/me/mandates"`, "我的委托")
	res, body := resident.get("/me/mandates")
	wantStatus(t, "the resident's mandates", res, body, http.StatusOK)
	contains(t, "the resident's mandates", body, "我的委托", "赵红", "代办事项：流动人口婚育证明", "2015-03-02 至 2015-05-31",
		"短信验证码", "有效", `action="/me/mandates/`+id+`/revoke"`, "撤销委托")
	checkHeadings(t, "the resident's mandates", body)
}

func testMandateRefusals(t *testing.T, ah *accountHall, resident, other *visitor, id string) {
	for _, p := range []string{"/agent/mandates", "/agent/mandates/new", "/agent/mandates/" + id + "/confirm"} {
		res, body := resident.get(p)
		wantStatus(t, "a person opening "+p, res, body, http.StatusForbidden)
	}
	_, me := resident.get("/me")
	res, body := resident.do(http.MethodPost, "/agent/mandates/"+id+"/revoke", url.Values{"csrf": {csrfRE.FindStringSubmatch(me)[1]}})
	wantStatus(t, "a person revoking as an agent", res, body, http.StatusForbidden)

	res, body = other.submit("/agent/mandates", "/agent/mandates/"+id+"/revoke", url.Values{})
	wantStatus(t, "another agent revoking it", res, body, http.StatusNotFound)
	res, body = other.get("/agent/mandates/" + id + "/confirm")
	wantStatus(t, "another agent confirming it", res, body, http.StatusNotFound)
	res, body = other.get("/me/mandates")
	wantStatus(t, "an agent opening a person's list", res, body, http.StatusForbidden)
	_, list := other.get("/agent/mandates")
	lacks(t, "another agent's list", list, "流动人口婚育证明")
	res, _ = ah.visitor(t, "").get("/me/mandates")
	wantRedirect(t, "an anonymous visitor", res, "/login?next=%2Fme%2Fmandates")
}

func testResidentRevokes(t *testing.T, resident, agent *visitor, id string) {
	res, _ := resident.submit("/me/mandates", "/me/mandates/"+id+"/revoke", url.Values{})
	wantRedirect(t, "the resident's revocation", res, "/me/mandates")
	_, body := resident.get("/me/mandates")
	contains(t, "the resident's mandates after revoking", body, "已撤销")
	lacks(t, "the resident's mandates after revoking", body, `action="/me/mandates/`+id+`/revoke"`)
	res, body = resident.submit("/me/mandates", "/me/mandates/"+id+"/revoke", url.Values{})
	wantStatus(t, "revoking twice", res, body, http.StatusNotFound)
	_, list := agent.get("/agent/mandates")
	contains(t, "the agent's list after the revocation", list, "已撤销")
}

// onePNG is a small signature: a line across a white box.
func onePNG(t *testing.T) string {
	img := image.NewRGBA(image.Rect(0, 0, 120, 40))
	for x := 0; x < 120; x++ {
		for y := 0; y < 40; y++ {
			img.Set(x, y, color.White)
		}
		img.Set(x, 20+x%7, color.Black)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
}

func testMandateSignature(t *testing.T, ah *accountHall, agent *visitor) {
	form := lisMandate(t, identity.ConsentSignature)
	form.Set("scope", identity.ScopePeriod)
	form.Set("valid_until", "2015-12-31")
	res, body := agent.submit("/agent/mandates/new", "/agent/mandates", form)
	page := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !confirmRE.MatchString(page) {
		t.Fatalf("create a signed mandate: %d %q\n%s", res.StatusCode, page, body)
	}
	res, body = agent.get(page)
	wantStatus(t, "the signature page", res, body, http.StatusOK)
	contains(t, "the signature page", body, `<canvas id="f-signature"`, `name="signature"`, "/static/signature.js",
		"签名需要浏览器启用 JavaScript", "有效期内的所有事项", "2015-03-02 至 2015-12-31")
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("the signature page cannot run its script: %q", csp)
	}
	if _, js := agent.get("/static/signature.js"); !strings.Contains(js, "toDataURL") {
		t.Error("signature.js is not served")
	}
	res, body = agent.submit(page, page, url.Values{"signature": {""}})
	wantStatus(t, "no signature", res, body, http.StatusUnprocessableEntity)
	contains(t, "no signature", body, `<a href="#f-signature">委托人签名：请委托人先在框内签名。</a>`)
	res, body = agent.submit(page, page, url.Values{"signature": {"data:image/png;base64,aGVsbG8="}})
	wantStatus(t, "a signature that is no PNG", res, body, http.StatusUnprocessableEntity)
	contains(t, "a signature that is no PNG", body, "签名图片无效")
	res, _ = agent.submit(page, page, url.Values{"signature": {onePNG(t)}})
	wantRedirect(t, "a signature", res, "/agent/mandates")
	_, list := agent.get("/agent/mandates")
	contains(t, "the agent's list", list, "现场签名", "有效期内的所有事项")
	var n int
	if err := ah.d.QueryRow(context.Background(), "SELECT count(*) FROM mandates WHERE status = 'active' AND signature IS NOT NULL").Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d signed active mandates (%v), want 1", n, err)
	}
}

func testMandateEnglish(t *testing.T, ah *accountHall, agent, resident *visitor) {
	agent.lang, resident.lang = "en", "en"
	defer func() { agent.lang, resident.lang = "", "" }()
	pages := map[string]string{}
	for _, p := range []string{"/agent/mandates", "/agent/mandates/new", "/me"} {
		_, pages["agent "+p] = agent.get(p)
	}
	_, pages["mistakes"] = agent.submit("/agent/mandates/new", "/agent/mandates", url.Values{})
	_, pages["resident /me/mandates"] = resident.get("/me/mandates")
	_, pages["resident /me"] = resident.get("/me")
	for name, body := range pages {
		contains(t, name+" in English", body, `<html lang="en">`)
		lacks(t, name+" in English", body, "web.", "identity.", "error.", "委托", "请", "错误")
	}
	contains(t, "the English lists", pages["agent /agent/mandates"], "Mandates", "Every application in the period", "Signature")
	contains(t, "the English profile", pages["resident /me"], `href="/me/mandates"`, "My mandates")
	contains(t, "the English agent profile", pages["agent /me"], `href="/agent/mandates"`)
}

// checkHeadings checks that headings do not skip a level.
func checkHeadings(t *testing.T, what, body string) {
	t.Helper()
	last := 0
	for _, m := range headingRE.FindAllStringSubmatch(body, -1) {
		if lv := int(m[1][0] - '0'); lv > last+1 {
			t.Errorf("%s: heading h%d after h%d", what, lv, last)
		} else {
			last = lv
		}
	}
}
