package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/govhall/govhall/internal/api"
	"github.com/govhall/govhall/internal/app"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/demo"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
	"github.com/govhall/govhall/internal/notify"
)

// These tests go through the whole program (app.Open): the edge identifies
// the caller and asks the policy before any handler of the API runs.

// hall is a seeded hall and what it logged.
type hall struct {
	*app.App
	logs *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// onBothEngines runs fn on a freshly seeded hall on SQLite and on
// PostgreSQL (skipped, as dbtest does, when there is no server).
func onBothEngines(t *testing.T, fn func(t *testing.T, h *hall)) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			logs := &syncBuffer{}
			log, err := app.NewLogger(logs, "text")
			if err != nil {
				t.Fatal(err)
			}
			cfg := app.Config{DataDir: t.TempDir(), Log: log, DemoPersons: demo.TestPersons, DemoCatalogScale: demo.TestCatalogScale}
			if engine == "postgres" {
				cfg.DB = dbtest.PostgresURL(t)
			}
			a, err := app.Open(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { a.Close() })
			if _, err := a.Seed(context.Background()); err != nil {
				t.Fatal(err)
			}
			fn(t, &hall{App: a, logs: logs})
		})
	}
}

// client is one app talking to the hall: it keeps the cookies it is given.
type client struct {
	t       *testing.T
	h       *hall
	cookies map[string]*http.Cookie
	header  http.Header // sent with every request
}

func (h *hall) client(t *testing.T) *client {
	return &client{t: t, h: h, cookies: map[string]*http.Cookie{}, header: http.Header{}}
}

// do sends body as JSON (nil: no body, still declared JSON) and decodes
// the answer into out when it is not nil.
func (c *client) do(method, path string, body, out any) *http.Response {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, path, r)
	if method != http.MethodGet {
		req.Header.Set("Content-Type", "application/json")
	}
	return c.send(req, out)
}

// send sends req with the client's cookies and headers.
func (c *client) send(req *http.Request, out any) *http.Response {
	c.t.Helper()
	for k, v := range c.header {
		req.Header[k] = v
	}
	for _, ck := range c.cookies {
		req.AddCookie(ck)
	}
	rec := httptest.NewRecorder()
	c.h.Handler.ServeHTTP(rec, req)
	res := rec.Result()
	for _, ck := range res.Cookies() {
		if ck.MaxAge < 0 {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck
		}
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			c.t.Fatalf("%s %s: %d, not JSON: %q", req.Method, req.URL, res.StatusCode, rec.Body)
		}
	}
	return res
}

// signIn signs in through the API as the demo account with this login,
// with the SMS code for officials.
func (h *hall) signIn(t *testing.T, login string) *client {
	t.Helper()
	c := h.client(t)
	var ch api.Challenge
	res := c.do("POST", "/api/v1/login", api.LoginRequest{Login: login, Password: demo.DemoPassword}, &ch)
	if res.StatusCode == http.StatusAccepted {
		acc := accountByLogin(t, h.DB, h.Identity, login)
		m, err := notify.Latest(context.Background(), h.DB, acc.Phone, identity.LoginCodeSMS)
		if err != nil {
			t.Fatal(err)
		}
		res = c.do("POST", "/api/v1/login/code", api.CodeRequest{Challenge: ch.Challenge, Code: m.Params["code"]}, nil)
	}
	if res.StatusCode != http.StatusOK || c.cookies[api.SessionCookie] == nil {
		t.Fatalf("sign in %s: %d", login, res.StatusCode)
	}
	return c
}

// countAccounts is how many accounts the hall has.
func (h *hall) countAccounts(t *testing.T) int {
	t.Helper()
	var n int
	if err := h.DB.QueryRow(context.Background(), "SELECT count(*) FROM accounts").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// fields lists the fields of an error's errors, in order.
func fields(p api.Problem) []string {
	var out []string
	for _, f := range p.Error.Errors {
		out = append(out, f.Field)
	}
	return out
}

// A registration with several mistakes is refused with all of them, the
// first in the usual place, and creates nothing.
func TestRegisterReportsEveryMistake(t *testing.T) {
	onBothEngines(t, func(t *testing.T, h *hall) {
		c, before := h.client(t), h.countAccounts(t)
		c.header.Set("Accept-Language", "en")
		var p api.Problem
		res := c.do("POST", "/api/v1/register/person", api.PersonRegistration{Name: "", IDNumber: "34160219880715003X",
			Phone: "12345", Password: "123"}, &p)
		want := []string{"name", "id_number", "phone", "password"}
		if res.StatusCode != 422 || p.Error.Code != "invalid" || p.Error.Field != "name" ||
			strings.Join(fields(p), ",") != strings.Join(want, ",") {
			t.Fatalf("person: %d %+v, want 422 with fields %v", res.StatusCode, p.Error, want)
		}
		for _, f := range p.Error.Errors {
			if f.Code != "invalid" || f.Message == "" || strings.HasPrefix(f.Message, "identity.") {
				t.Errorf("field error without a message: %+v", f)
			}
		}
		res = c.do("POST", "/api/v1/register/enterprise", api.EnterpriseRegistration{CreditCode: "91341602MA2N0001XX",
			Name: "x", LegalRepIDNumber: "1", Phone: "13900001111", Password: "Huatuo-Herbs#2024"}, &p)
		want = []string{"credit_code", "legal_rep_name", "legal_rep_id_number"}
		if res.StatusCode != 422 || p.Error.Field != "credit_code" || strings.Join(fields(p), ",") != strings.Join(want, ",") {
			t.Fatalf("enterprise: %d %+v, want 422 with fields %v", res.StatusCode, p.Error, want)
		}
		if after := h.countAccounts(t); after != before {
			t.Fatalf("refused registrations created %d accounts", after-before)
		}
		// A field the form does not have is a malformed request.
		req := httptest.NewRequest("POST", "/api/v1/register/person", strings.NewReader(`{"name":"x","admin":true}`))
		req.Header.Set("Content-Type", "application/json")
		if res := c.send(req, &p); res.StatusCode != 400 || p.Error.Code != "bad_request" || !strings.Contains(p.Error.Message, `"admin"`) {
			t.Fatalf("unknown field: %d %+v", res.StatusCode, p.Error)
		}
	})
}

// A person registers through the API, signs in, and the session cookie
// (the portal's) works for the API; signing out ends it.
func TestRegisterSignInAndOut(t *testing.T) {
	onBothEngines(t, func(t *testing.T, h *hall) {
		idn, name := unregisteredResident(t, h.App) // the real-name check wants a resident of the population database
		c := h.client(t)
		var acc api.Account
		res := c.do("POST", "/api/v1/register/person", api.PersonRegistration{Name: name, IDNumber: idn,
			Phone: "13812345678", Password: "Qiao-Cheng#2024"}, &acc)
		if res.StatusCode != 201 || acc.Kind != "person" || acc.IDNumber != ids.MaskIDNumber(idn) || acc.Login != acc.IDNumber {
			t.Fatalf("register: %d %+v", res.StatusCode, acc)
		}
		var p api.Problem
		if res := c.do("POST", "/api/v1/register/person", api.PersonRegistration{Name: name, IDNumber: idn,
			Phone: "13812345678", Password: "Qiao-Cheng#2024"}, &p); res.StatusCode != 409 || p.Error.Field != "id_number" {
			t.Fatalf("registering twice: %d %+v", res.StatusCode, p.Error)
		}
		var in api.SignedIn
		res = c.do("POST", "/api/v1/login", api.LoginRequest{Login: idn, Password: "Qiao-Cheng#2024"}, &in)
		ck := c.cookies[api.SessionCookie]
		if res.StatusCode != 200 || in.Account.ID != acc.ID || ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode ||
			ck.Path != "/" || ck.Secure {
			t.Fatalf("login: %d %+v cookie %+v", res.StatusCode, in, ck)
		}
		var me api.Account
		if res := c.do("GET", "/api/v1/me", nil, &me); res.StatusCode != 200 || me.ID != acc.ID {
			t.Fatalf("me with the cookie: %d %+v", res.StatusCode, me)
		}
		if res := c.do("POST", "/api/v1/logout", nil, nil); res.StatusCode != 204 || c.cookies[api.SessionCookie] != nil {
			t.Fatalf("logout: %d, cookie %v", res.StatusCode, c.cookies[api.SessionCookie])
		}
		c.cookies[api.SessionCookie] = ck // the old cookie, replayed
		if res := c.do("GET", "/api/v1/me", nil, nil); res.StatusCode != 401 {
			t.Fatalf("me after logout: %d", res.StatusCode)
		}
		if logs := h.logs.String(); strings.Contains(logs, idn) || strings.Contains(logs, "13812345678") {
			t.Fatal("the hall logged the person's ID number or phone")
		}
	})
}

// An official signs in in two steps: the password, then the code sent by
// SMS. A wrong code is refused.
func TestOfficialSignsInWithCode(t *testing.T) {
	onBothEngines(t, func(t *testing.T, h *hall) {
		c := h.client(t)
		var ch api.Challenge
		res := c.do("POST", "/api/v1/login", api.LoginRequest{Login: "secadmin", Password: demo.DemoPassword}, &ch)
		if res.StatusCode != 202 || ch.Challenge == "" || !strings.Contains(ch.MaskedPhone, "****") || c.cookies[api.SessionCookie] != nil {
			t.Fatalf("password step: %d %+v", res.StatusCode, ch)
		}
		acc := accountByLogin(t, h.DB, h.Identity, "secadmin")
		m, err := notify.Latest(context.Background(), h.DB, acc.Phone, identity.LoginCodeSMS)
		if err != nil {
			t.Fatal(err)
		}
		var p api.Problem
		wrong := map[bool]string{true: "000001", false: "000000"}[m.Params["code"] == "000000"]
		if res := c.do("POST", "/api/v1/login/code", api.CodeRequest{Challenge: ch.Challenge, Code: wrong}, &p); res.StatusCode != 401 ||
			p.Error.Field != "code" {
			t.Fatalf("wrong code: %d %+v", res.StatusCode, p.Error)
		}
		var in api.SignedIn
		res = c.do("POST", "/api/v1/login/code", api.CodeRequest{Challenge: ch.Challenge, Code: m.Params["code"]}, &in)
		if res.StatusCode != 200 || in.Account.Kind != identity.SecurityAdmin || c.cookies[api.SessionCookie] == nil {
			t.Fatalf("code step: %d %+v", res.StatusCode, in)
		}
		if res := c.do("GET", "/api/v1/admin/accounts", nil, nil); res.StatusCode != 200 {
			t.Fatalf("the official's session: %d", res.StatusCode)
		}
	})
}

// Wrong passwords lock the account; the answer is 429 saying until when.
func TestLoginThrottled(t *testing.T) {
	onBothEngines(t, func(t *testing.T, h *hall) {
		c := h.client(t)
		c.header.Set("Accept-Language", "en")
		var p api.Problem
		for i := 1; i <= identity.MaxFailures; i++ {
			res := c.do("POST", "/api/v1/login", api.LoginRequest{Login: "341602198807150036", Password: "wrong-password"}, &p)
			want := map[bool]int{true: 429, false: 401}[i == identity.MaxFailures]
			if res.StatusCode != want {
				t.Fatalf("attempt %d: %d %+v, want %d", i, res.StatusCode, p.Error, want)
			}
		}
		if p.Error.Code != "throttled" || !strings.Contains(p.Error.Message, "try again at") {
			t.Fatalf("locked: %+v", p.Error)
		}
	})
}
