package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/api"
	"github.com/govhall/govhall/internal/demo"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
	"github.com/govhall/govhall/internal/notify"
)

// The demo resident of story 1 and the demo enterprise.
const (
	liXiang      = "341602198807150036"
	liXiangPhone = "13800001234"
)

func demoEnterprise() string {
	for _, d := range demo.DemoAccounts() {
		if d.Kind == identity.Enterprise {
			return d.Login
		}
	}
	panic("no demo enterprise")
}

// A write must be declared JSON (a form posted from another site cannot
// be) and, when the browser names its origin, come from this host: a
// signed-in person's cookie alone changes nothing. Department systems'
// tokens are held to the same rules.
func TestWritesAreJSONFromThisSite(t *testing.T) {
	onBothEngines(t, func(t *testing.T, h *hall) {
		c := h.signIn(t, "zhaozhuang-agent")
		body := `{"resident_name":"李想","resident_id_number":"` + liXiang + `","resident_phone":"` + liXiangPhone +
			`","scope":"period","valid_until":"` + time.Now().AddDate(0, 1, 0).Format("2006-01-02") + `","consent":"sms_code"}`
		post := func(contentType, origin string) (*http.Response, api.Problem) {
			req := httptest.NewRequest("POST", "/api/v1/mandates", strings.NewReader(body))
			if contentType != "" {
				req.Header.Set("Content-Type", contentType)
			}
			if origin != "" {
				req.Header.Set("Origin", origin)
			}
			var p api.Problem
			return c.send(req, &p), p
		}
		for _, ct := range []string{"", "application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"} {
			if res, p := post(ct, ""); res.StatusCode != 415 || p.Error.Code != "unsupported_media_type" || p.Error.RequestID == "" {
				t.Errorf("Content-Type %q: %d %+v", ct, res.StatusCode, p.Error)
			}
		}
		for _, o := range []string{"https://evil.example", "null", "http://example.com.evil.example"} {
			if res, p := post("application/json", o); res.StatusCode != 403 || p.Error.Code != "denied" {
				t.Errorf("Origin %q: %d %+v", o, res.StatusCode, p.Error)
			}
		}
		if n := countMandates(t, h); n != 0 {
			t.Fatalf("refused writes created %d mandates", n)
		}
		if res, p := post("application/json; charset=utf-8", "http://example.com"); res.StatusCode != 201 {
			t.Fatalf("same-origin JSON: %d %+v", res.StatusCode, p.Error)
		}
		// A DELETE too; and a department system's token is no exemption.
		e := h.signIn(t, demoEnterprise())
		req := httptest.NewRequest("DELETE", "/api/v1/me/handlers/1", nil)
		if res := e.send(req, nil); res.StatusCode != 415 {
			t.Errorf("DELETE without JSON: %d", res.StatusCode)
		}
		secret, _, err := h.Identity.IssueToken(context.Background(), "test", 1, []string{"org.read"}, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		sys := h.client(t)
		sys.header.Set("Authorization", "Bearer "+secret)
		req = httptest.NewRequest("POST", "/api/v1/login", strings.NewReader("login=x&password=y"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if res := sys.send(req, nil); res.StatusCode != 415 {
			t.Errorf("bearer caller, form body: %d", res.StatusCode)
		}
	})
}

func countMandates(t *testing.T, h *hall) int {
	t.Helper()
	var n int
	if err := h.DB.QueryRow(context.Background(), "SELECT count(*) FROM mandates").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Story 1 through the API: the village agent asks for 李想's mandate, he
// reads out the code from his SMS, the agent confirms it; later 李想
// revokes it himself.
func TestMandateRequestConfirmRevoke(t *testing.T) {
	onBothEngines(t, func(t *testing.T, h *hall) {
		agent := h.signIn(t, "zhaozhuang-agent")
		var p api.Problem
		res := agent.do("POST", "/api/v1/mandates", api.MandateRequest{ResidentIDNumber: "1", Scope: "forever",
			Consent: "telepathy"}, &p)
		want := []string{"resident_id_number", "resident_name", "resident_phone", "scope", "valid_until", "consent"}
		if res.StatusCode != 422 || !slices.Equal(fields(p), want) {
			t.Fatalf("a form full of mistakes: %d %v, want %v", res.StatusCode, fields(p), want)
		}
		res = agent.do("POST", "/api/v1/mandates", api.MandateRequest{ResidentName: "李想", ResidentIDNumber: liXiang,
			ResidentPhone: liXiangPhone, Scope: identity.ScopePeriod, ValidUntil: "31/12/2099", Consent: identity.ConsentSMS}, &p)
		if res.StatusCode != 422 || !slices.Equal(fields(p), []string{"valid_until"}) || !strings.Contains(p.Error.Message, "2025-05-31") ||
			countMandates(t, h) != 0 {
			t.Fatalf("a date that is no date: %d %+v", res.StatusCode, p.Error)
		}
		var m api.Mandate
		res = agent.do("POST", "/api/v1/mandates", api.MandateRequest{ResidentName: "李想", ResidentIDNumber: liXiang,
			ResidentPhone: liXiangPhone, Scope: identity.ScopeApplication, Subject: "流动人口婚育证明",
			Consent: identity.ConsentSMS}, &m)
		if res.StatusCode != 201 || m.Status != "pending" || m.ResidentName != "李*" || time.Until(m.ValidUntil) < 89*24*time.Hour {
			t.Fatalf("request: %d %+v", res.StatusCode, m)
		}
		sms, err := notify.Latest(context.Background(), h.DB, liXiangPhone, identity.MandateCodeSMS)
		if err != nil {
			t.Fatal(err)
		}
		confirm := fmt.Sprintf("/api/v1/mandates/%d/confirm", m.ID)
		if res := agent.do("POST", confirm, api.MandateConfirmation{}, &p); res.StatusCode != 422 || p.Error.Field != "code" {
			t.Fatalf("no code: %d %+v", res.StatusCode, p.Error)
		}
		if res := agent.do("POST", confirm, api.MandateConfirmation{Code: sms.Params["code"]}, &m); res.StatusCode != 200 || m.Status != "active" {
			t.Fatalf("confirm: %d %+v", res.StatusCode, m)
		}
		if res := agent.do("POST", confirm, api.MandateConfirmation{Code: sms.Params["code"]}, &p); res.StatusCode != 409 {
			t.Fatalf("confirming twice: %d %+v", res.StatusCode, p.Error)
		}
		other := h.signIn(t, demo.DemoAccounts()[1].Login) // 崔曼曼
		revoke := fmt.Sprintf("/api/v1/mandates/%d/revoke", m.ID)
		if res := other.do("POST", revoke, nil, nil); res.StatusCode != 404 {
			t.Fatalf("another resident revokes: %d", res.StatusCode)
		}
		li := h.signIn(t, liXiang)
		if res := li.do("POST", revoke, nil, nil); res.StatusCode != 204 {
			t.Fatalf("the resident revokes: %d", res.StatusCode)
		}
		var list struct{ Items []api.Mandate }
		if li.do("GET", "/api/v1/mandates", nil, &list); len(list.Items) != 1 || list.Items[0].Status != "revoked" {
			t.Fatalf("after revoking: %+v", list.Items)
		}
	})
}

// An enterprise adds 李想 as its handler and removes him; he sees whom he
// acts for. Numbers are masked throughout.
func TestEnterpriseHandlers(t *testing.T) {
	onBothEngines(t, func(t *testing.T, h *hall) {
		firm, li := h.signIn(t, demoEnterprise()), h.signIn(t, liXiang)
		var p api.Problem
		stranger := newIDNumber(t, 1)
		if res := firm.do("POST", "/api/v1/me/handlers", api.HandlerRequest{IDNumber: stranger}, &p); res.StatusCode != 422 ||
			p.Error.Field != "id_number" {
			t.Fatalf("an unregistered person: %d %+v", res.StatusCode, p.Error)
		}
		var person api.Account
		if res := firm.do("POST", "/api/v1/me/handlers", api.HandlerRequest{IDNumber: liXiang}, &person); res.StatusCode != 201 ||
			person.Name != "李想" || person.IDNumber == liXiang {
			t.Fatalf("add: %d %+v", res.StatusCode, person)
		}
		var list struct{ Items []api.Account }
		if res := firm.do("GET", "/api/v1/me/handlers", nil, &list); res.StatusCode != 200 || len(list.Items) != 1 ||
			list.Items[0].ID != person.ID || list.Items[0].Phone != "138****1234" {
			t.Fatalf("the enterprise's handlers: %d %+v", res.StatusCode, list.Items)
		}
		var ents struct{ Items []api.HandledEnterprise }
		if res := li.do("GET", "/api/v1/me/handlers", nil, &ents); res.StatusCode != 200 || len(ents.Items) != 1 ||
			ents.Items[0].Login != demoEnterprise() || ents.Items[0].Status != identity.StatusActive {
			t.Fatalf("whom 李想 acts for: %d %+v", res.StatusCode, ents.Items)
		}
		// Disabled by the security administrator, the enterprise stays in
		// his list, marked; enabled again, it is active (and signs in anew).
		status := fmt.Sprintf("/api/v1/admin/accounts/%d/status", ents.Items[0].ID)
		sec := h.signIn(t, "secadmin")
		for _, st := range []string{identity.StatusDisabled, identity.StatusActive} {
			if res := sec.do("POST", status, api.StatusChange{Status: st}, nil); res.StatusCode != 200 {
				t.Fatalf("set the enterprise %s: %d", st, res.StatusCode)
			}
			if res := li.do("GET", "/api/v1/me/handlers", nil, &ents); res.StatusCode != 200 || len(ents.Items) != 1 ||
				ents.Items[0].Status != st {
				t.Fatalf("whom 李想 acts for, the enterprise %s: %d %+v", st, res.StatusCode, ents.Items)
			}
		}
		firm = h.signIn(t, demoEnterprise())
		if res := li.do("POST", "/api/v1/me/handlers", api.HandlerRequest{IDNumber: liXiang}, nil); res.StatusCode != 403 {
			t.Fatalf("a person adds handlers: %d", res.StatusCode)
		}
		remove := fmt.Sprintf("/api/v1/me/handlers/%d", person.ID)
		if res := firm.do("DELETE", remove, nil, nil); res.StatusCode != 204 {
			t.Fatalf("remove: %d", res.StatusCode)
		}
		if res := firm.do("DELETE", remove, nil, nil); res.StatusCode != 404 {
			t.Fatalf("remove again: %d", res.StatusCode)
		}
	})
}

// The security administrator lists accounts (masked), creates a staff
// account and disables it; nobody else may.
func TestSecurityAdminAccounts(t *testing.T) {
	onBothEngines(t, func(t *testing.T, h *hall) {
		if res := h.signIn(t, liXiang).do("GET", "/api/v1/admin/accounts", nil, nil); res.StatusCode != 403 {
			t.Fatalf("a person lists accounts: %d", res.StatusCode)
		}
		sec := h.signIn(t, "secadmin")
		var page api.AccountPage
		res := sec.do("GET", "/api/v1/admin/accounts?kind=person", nil, &page)
		if res.StatusCode != 200 || page.Total != 2 || len(page.Items) != 2 || page.Pages != 1 {
			t.Fatalf("persons: %d %+v", res.StatusCode, page)
		}
		for _, a := range page.Items {
			if len(a.IDNumber) != 18 || !strings.Contains(a.IDNumber, "*") || !strings.Contains(a.Phone, "*") || a.Status != "active" {
				t.Errorf("an account not masked: %+v", a)
			}
		}
		post := qiaochengPost(t, h)
		in := api.NewAccount{Kind: identity.Staff, Login: "qc-new-clerk", Name: "刘洋", IDNumber: newIDNumber(t, 2),
			Phone: "13712345678", Password: "Qiao-Cheng#2024", JurisdictionCode: "341602000000", PostIDs: []int64{999999}}
		var p api.Problem
		before := h.countAccounts(t)
		if res := sec.do("POST", "/api/v1/admin/accounts", in, &p); res.StatusCode != 422 || !slices.Equal(fields(p), []string{"post_ids"}) {
			t.Fatalf("a post of no department of the division: %d %v", res.StatusCode, fields(p))
		}
		if h.countAccounts(t) != before {
			t.Fatal("a refused account was created")
		}
		in.PostIDs = []int64{post}
		var acc api.AdminAccount
		if res := sec.do("POST", "/api/v1/admin/accounts", in, &acc); res.StatusCode != 201 || acc.Kind != identity.Staff ||
			acc.Status != "active" || acc.IDNumber == in.IDNumber {
			t.Fatalf("create: %d %+v", res.StatusCode, acc)
		}
		status := fmt.Sprintf("/api/v1/admin/accounts/%d/status", acc.ID)
		if res := sec.do("POST", status, api.StatusChange{Status: "gone"}, &p); res.StatusCode != 422 || p.Error.Field != "status" {
			t.Fatalf("an unknown status: %d %+v", res.StatusCode, p.Error)
		}
		if res := sec.do("POST", status, api.StatusChange{Status: identity.StatusDisabled}, &acc); res.StatusCode != 200 ||
			acc.Status != identity.StatusDisabled {
			t.Fatalf("disable: %d %+v", res.StatusCode, acc)
		}
		c := h.client(t)
		if res := c.do("POST", "/api/v1/login", api.LoginRequest{Login: "qc-new-clerk", Password: "Qiao-Cheng#2024"}, &p); res.StatusCode != 403 {
			t.Fatalf("the disabled account signs in: %d %+v", res.StatusCode, p.Error)
		}
	})
}

// newIDNumber is a valid ID number of nobody in the demo hall.
func newIDNumber(t *testing.T, seq int) string {
	t.Helper()
	idn, err := ids.MakeIDNumber("341602", time.Date(1992, 1, 1, 0, 0, 0, 0, time.UTC), seq)
	if err != nil {
		t.Fatal(err)
	}
	return idn
}

// qiaochengPost is a post of a department of 谯城区.
func qiaochengPost(t *testing.T, h *hall) int64 {
	t.Helper()
	deps, err := h.Org.Departments(context.Background(), "341602000000")
	if err != nil || len(deps) == 0 {
		t.Fatalf("departments: %v", err)
	}
	posts, err := h.Org.Posts(context.Background(), deps[0].ID)
	if err != nil || len(posts) == 0 {
		t.Fatalf("posts: %v", err)
	}
	return posts[0].ID
}
