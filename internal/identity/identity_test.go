package identity_test

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/notify"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// clock is a movable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func service(t *testing.T, d *db.DB) (*identity.Service, *clock) {
	c := &clock{t: time.Date(2015, 3, 2, 1, 0, 0, 0, time.UTC)} // 09:00 in Bozhou
	l, err := audit.New("", c.now)
	if err != nil {
		t.Fatal(err)
	}
	return &identity.Service{DB: d, Audit: l, Now: c.now}, c
}

// 李想 of 赵庄村: a valid ID number with a Qiaocheng District code.
const liXiang = "341602198807150036"

func fields(err error) string {
	var out []string
	for _, e := range errs.Fields(err) {
		out = append(out, e.Field+":"+e.Key)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

func count(t *testing.T, d *db.DB, table string) int {
	var n int
	if err := d.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRegisterPerson(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _ := service(t, d)
		ctx := context.Background()

		// Every mistake is named at once, and nothing is created.
		_, err := s.RegisterPerson(ctx, identity.PersonForm{Name: " ", IDNumber: "341602198807150037", Phone: "12345", Password: "short"})
		want := "id_number:ids.error.id_number.check_character name:error.required password:identity.error.password_short phone:identity.error.phone"
		if got := fields(err); got != want {
			t.Fatalf("field errors\n got %s\nwant %s", got, want)
		}
		if count(t, d, "accounts") != 0 {
			t.Fatal("a refused registration created an account")
		}
		for pw, key := range map[string]string{"password": "identity.error.password_common", "12345678": "identity.error.password_common",
			"aaaaaaaaaa": "identity.error.password_common", "x" + liXiang: "identity.error.password_personal"} {
			_, err := s.RegisterPerson(ctx, identity.PersonForm{Name: "李想", IDNumber: liXiang, Phone: "13800001234", Password: pw})
			if got := fields(err); got != "password:"+key {
				t.Errorf("password %q: %s, want %s", pw, got, key)
			}
		}

		// Full-width digits from an office document are normalised.
		a, err := s.RegisterPerson(ctx, identity.PersonForm{Name: "李想", IDNumber: "３４１６０２１９８８０７１５００３６",
			Phone: "13800001234", Password: "zhaozhuang-2015"})
		if err != nil {
			t.Fatal(err)
		}
		if a.Login != liXiang || a.Kind != identity.Person {
			t.Fatalf("account %+v", a)
		}
		_, err = s.RegisterPerson(ctx, identity.PersonForm{Name: "李想", IDNumber: liXiang, Phone: "13800001234", Password: "another-pass-1"})
		if e, ok := errs.As(err); !ok || e.Code != errs.Conflict || e.Field != "id_number" {
			t.Fatalf("second registration of the same ID number: %v", err)
		}
	})
}

func TestRegisterEnterprise(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _ := service(t, d)
		ctx := context.Background()
		_, err := s.RegisterEnterprise(ctx, identity.EnterpriseForm{CreditCode: "91110000600037341M", Name: "必胜客", LegalRepName: "",
			LegalRepIDNumber: "11010519491231002X", Phone: "13900001111", Password: "pizza-hut-bozhou"})
		if got := fields(err); got != "credit_code:ids.error.credit_code.check_character legal_rep_name:error.required" {
			t.Fatalf("field errors: %s", got)
		}
		a, err := s.RegisterEnterprise(ctx, identity.EnterpriseForm{CreditCode: "91110000600037341l", Name: "必胜客（亳州）餐饮有限公司",
			LegalRepName: "张三", LegalRepIDNumber: "11010519491231002x", Phone: "13900001111", Password: "pizza-hut-bozhou"})
		if err != nil {
			t.Fatal(err)
		}
		if a.Login != "91110000600037341L" || count(t, d, "enterprises") != 1 {
			t.Fatalf("enterprise %+v", a)
		}
	})
}

func TestLoginLockoutAndSessions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, clk := service(t, d)
		ctx := context.Background()
		if _, err := s.RegisterPerson(ctx, identity.PersonForm{Name: "李想", IDNumber: liXiang, Phone: "13800001234", Password: "zhaozhuang-2015"}); err != nil {
			t.Fatal(err)
		}
		// An unknown login and a wrong password read the same.
		_, _, errUnknown := s.Login(ctx, "11010519491231002X", "whatever-123", "10.0.0.1")
		_, _, errWrong := s.Login(ctx, liXiang, "wrong-password", "10.0.0.1")
		if errs.CodeOf(errUnknown) != errs.Unauthenticated || fields(errUnknown) != fields(errWrong) {
			t.Fatalf("unknown %v / wrong %v", errUnknown, errWrong)
		}
		for i := 0; i < identity.MaxFailures-2; i++ {
			s.Login(ctx, liXiang, "wrong-password", "10.0.0.1")
		}
		_, _, err := s.Login(ctx, liXiang, "wrong-password", "10.0.0.1")
		e, ok := errs.As(err)
		if !ok || e.Code != errs.Throttled || e.Args["until"] != "09:15" {
			t.Fatalf("fifth failure: %v, want locked until 09:15 Beijing time", err)
		}
		// Even the right password waits until then.
		if _, _, err := s.Login(ctx, liXiang, "zhaozhuang-2015", "10.0.0.2"); errs.CodeOf(err) != errs.Throttled {
			t.Fatalf("locked account let in: %v", err)
		}
		clk.advance(identity.LockFor + time.Second)
		sess, acc, err := s.Login(ctx, liXiang, "zhaozhuang-2015", "10.0.0.2")
		if err != nil || acc.Login != liXiang || sess.Token == "" {
			t.Fatalf("login after the lock: %v", err)
		}
		// The session lives while used, and ends when idle too long.
		clk.advance(identity.IdleTimeout - time.Minute)
		if _, a, err := s.Authenticate(ctx, sess.Token); err != nil || a.ID != acc.ID {
			t.Fatalf("active session refused: %v", err)
		}
		clk.advance(identity.IdleTimeout + time.Minute)
		if _, _, err := s.Authenticate(ctx, sess.Token); errs.CodeOf(err) != errs.Unauthenticated {
			t.Fatalf("idle session accepted: %v", err)
		}
		// Logout everywhere ends every session.
		s1, _, _ := s.Login(ctx, liXiang, "zhaozhuang-2015", "10.0.0.2")
		s2, _, _ := s.Login(ctx, liXiang, "zhaozhuang-2015", "10.0.0.3")
		if s1.Token == s2.Token {
			t.Fatal("two logins shared a token")
		}
		if n, err := s.LogoutEverywhere(ctx, acc.ID); err != nil || n != 2 {
			t.Fatalf("logout everywhere ended %d sessions (%v)", n, err)
		}
		if _, _, err := s.Authenticate(ctx, s2.Token); err == nil {
			t.Fatal("a session survived logout everywhere")
		}
		if r, err := audit.Verify(ctx, d, nil); err != nil || !r.OK() {
			t.Fatalf("audit chain %+v %v", r, err)
		}
	})
}

func TestSourceAddressThrottle(t *testing.T) {
	d := dbtest.SQLite(t)
	s, clk := service(t, d)
	ctx := context.Background()
	for i := 0; i < identity.MaxAddrFailures; i++ {
		s.Login(ctx, "nobody-"+string(rune('a'+i%26)), "whatever-123", "203.0.113.9")
	}
	if _, _, err := s.Login(ctx, "someone", "whatever-123", "203.0.113.9"); errs.CodeOf(err) != errs.Throttled {
		t.Fatalf("address not throttled: %v", err)
	}
	if _, _, err := s.Login(ctx, "someone", "whatever-123", "203.0.113.10"); errs.CodeOf(err) != errs.Unauthenticated {
		t.Fatalf("another address was throttled too: %v", err)
	}
	clk.advance(identity.AddrWindow + time.Second)
	if _, _, err := s.Login(ctx, "someone", "whatever-123", "203.0.113.9"); errs.CodeOf(err) != errs.Unauthenticated {
		t.Fatalf("throttle did not expire: %v", err)
	}
}

func TestPasswordHash(t *testing.T) {
	h, err := identity.HashPassword("zhaozhuang-2015")
	if err != nil || !strings.HasPrefix(h, "$argon2id$v=19$") {
		t.Fatalf("hash %q %v", h, err)
	}
	if !identity.VerifyPassword(h, "zhaozhuang-2015") || identity.VerifyPassword(h, "zhaozhuang-2016") {
		t.Fatal("verify")
	}
	for _, bad := range []string{"", "$argon2id$", "$argon2id$v=19$m=0,t=0,p=0$$", h[:len(h)-4]} {
		if identity.VerifyPassword(bad, "zhaozhuang-2015") {
			t.Errorf("malformed hash %q verified", bad)
		}
	}
	h2, _ := identity.HashPassword("zhaozhuang-2015")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
}

func TestPolicyCoversKinds(t *testing.T) {
	for route, rule := range identity.Routes {
		if len(rule.Kinds) == 0 {
			t.Errorf("%s allows nobody", route)
		}
	}
	if ok, _ := identity.Allow(identity.Principal{}, "GET /not-a-route"); ok {
		t.Fatal("a route without a policy entry was allowed")
	}
	if ok, why := identity.Allow(identity.Principal{}, "GET /me"); ok || why != "unauthenticated" {
		t.Fatal("anonymous /me")
	}
}

// Officials confirm their password with a code sent by SMS through the
// outbox; the code works once, within its time, and not after wrong tries.
func TestSecondFactorForOfficials(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, clk := service(t, d)
		ctx := context.Background()
		seedPost(t, d)
		staff, err := s.CreateAccount(ctx, identity.StaffForm{Kind: identity.Staff, Login: "qc-wjw-accept", Name: "周敏",
			IDNumber: "341602198807150036", Phone: "13700000001", Password: "window-clerk-1", PostIDs: []int64{1}})
		if err != nil {
			t.Fatal(err)
		}
		code := func() (string, string) {
			_, _, err := s.Login(ctx, "QC-WJW-ACCEPT", "window-clerk-1", "10.0.0.5")
			var ch *identity.ChallengeError
			if !errors.As(err, &ch) || ch.MaskedPhone != "137****0001" {
				t.Fatalf("password login of staff: %v, want a code challenge", err)
			}
			m, err := notify.Latest(ctx, d, "13700000001", identity.LoginCodeSMS)
			if err != nil {
				t.Fatal(err)
			}
			return ch.Token, m.Params["code"]
		}
		token, sms := code()
		if len(sms) != 6 {
			t.Fatalf("SMS code %q", sms)
		}
		wrong := "000000"
		if sms == wrong {
			wrong = "111111"
		}
		if _, _, err := s.VerifyCode(ctx, token, wrong, "10.0.0.5"); fields(err) != "code:identity.error.code" {
			t.Fatalf("wrong code: %v", err)
		}
		sess, acc, err := s.VerifyCode(ctx, token, sms, "10.0.0.5")
		if err != nil || acc.ID != staff.ID || sess.Token == "" {
			t.Fatalf("right code: %v", err)
		}
		if _, _, err := s.VerifyCode(ctx, token, sms, "10.0.0.5"); fields(err) != "code:identity.error.code_expired" {
			t.Fatalf("a code worked twice: %v", err)
		}
		token, sms = code()
		clk.advance(identity.CodeTTL + time.Second)
		if _, _, err := s.VerifyCode(ctx, token, sms, "10.0.0.5"); fields(err) != "code:identity.error.code_expired" {
			t.Fatalf("an expired code worked: %v", err)
		}
		token, sms = code()
		for i := 0; i < identity.MaxCodeTries; i++ {
			s.VerifyCode(ctx, token, wrong, "10.0.0.5")
		}
		if _, _, err := s.VerifyCode(ctx, token, sms, "10.0.0.5"); err == nil {
			t.Fatal("the right code worked after too many wrong tries")
		}
	})
}

// seedPost creates the one jurisdiction, department and post a staff
// account needs.
func seedPost(t *testing.T, d *db.DB) {
	ctx := context.Background()
	now := time.Now().UTC()
	for _, q := range []string{
		"INSERT INTO jurisdictions (code, level, kind, name, created_at, updated_at) VALUES ('341600000000', 'city', 'city', '亳州市', ?, ?)",
		"INSERT INTO departments (id, jurisdiction_code, kind, name, credit_code, created_at, updated_at) VALUES (1, '341600000000', 'health', '卫计委', '91110000600037341L', ?, ?)",
		"INSERT INTO posts (id, department_id, name, created_at, updated_at) VALUES (1, 1, '受理岗', ?, ?)",
	} {
		if _, err := d.Exec(ctx, q, now, now); err != nil {
			t.Fatal(err)
		}
	}
}

// A resident authorises the village agent by SMS code or signature; the
// agent may then act for them, within scope and time, until revoked.
func TestMandates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, clk := service(t, d)
		ctx := context.Background()
		seedPost(t, d)
		now := clk.now()
		if _, err := d.Exec(ctx, `INSERT INTO service_points (id, jurisdiction_code, kind, name, created_at, updated_at)
			VALUES (1, '341600000000', 'centre', 'x', ?, ?)`, now, now); err != nil {
			t.Fatal(err)
		}
		agent, err := s.CreateAccount(ctx, identity.StaffForm{Kind: identity.Agent, Login: "zhaozhuang-agent", Name: "赵红",
			IDNumber: "341602199003080049", Phone: "13700000002", Password: "village-agent-1", ServicePointID: 1})
		if err != nil {
			t.Fatal(err)
		}
		resident, err := s.RegisterPerson(ctx, identity.PersonForm{Name: "李想", IDNumber: liXiang, Phone: "13800001234", Password: "zhaozhuang-2015"})
		if err != nil {
			t.Fatal(err)
		}
		req := identity.MandateRequest{ResidentIDNumber: liXiang, ResidentName: "李想", ResidentPhone: "13800001234",
			Scope: identity.ScopeApplication, Subject: "流动人口婚育证明", ValidUntil: now.Add(30 * 24 * time.Hour), Consent: identity.ConsentSMS}
		bad := req
		bad.Scope, bad.ValidUntil, bad.Consent = "forever", now.Add(-time.Hour), "handshake"
		if _, err := s.RequestMandate(ctx, agent, bad); fields(err) != "consent:identity.error.mandate_consent scope:identity.error.mandate_scope valid_until:identity.error.mandate_period" {
			t.Fatalf("bad mandate: %s", fields(err))
		}
		m, err := s.RequestMandate(ctx, agent, req)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ActingFor(ctx, agent, liXiang, "流动人口婚育证明"); errs.CodeOf(err) != errs.Denied {
			t.Fatalf("a pending mandate let the agent act: %v", err)
		}
		sms, err := notify.Latest(ctx, d, "13800001234", identity.MandateCodeSMS)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ConfirmMandate(ctx, agent, m.ID, sms.Params["code"], nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ActingFor(ctx, agent, liXiang, "流动人口婚育证明"); err != nil {
			t.Fatalf("active mandate refused: %v", err)
		}
		if _, err := s.ActingFor(ctx, agent, liXiang, "生育服务登记"); errs.CodeOf(err) != errs.Denied {
			t.Fatalf("a one-application mandate covered another item: %v", err)
		}
		// Signature consent: a PNG captured on the agent's phone.
		req.Scope, req.Consent = identity.ScopePeriod, identity.ConsentSignature
		m2, err := s.RequestMandate(ctx, agent, req)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ConfirmMandate(ctx, agent, m2.ID, "", []byte("not a png")); fields(err) != "signature:identity.error.signature" {
			t.Fatalf("bad signature: %v", err)
		}
		png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 200)...)
		if _, err := s.ConfirmMandate(ctx, agent, m2.ID, "", png); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ActingFor(ctx, agent, liXiang, "生育服务登记"); err != nil {
			t.Fatalf("period mandate refused: %v", err)
		}
		// The resident sees both and revokes the period one.
		p := identity.Principal{Account: resident}
		ms, err := s.Mandates(ctx, p)
		if err != nil || len(ms) != 2 {
			t.Fatalf("resident's mandates: %d %v", len(ms), err)
		}
		if err := s.RevokeMandate(ctx, identity.Principal{Account: identity.Account{ID: 999, Kind: identity.Person, IDNumber: "11010519491231002X"}}, m2.ID); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("someone else revoked the mandate: %v", err)
		}
		if err := s.RevokeMandate(ctx, p, m2.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ActingFor(ctx, agent, liXiang, "生育服务登记"); errs.CodeOf(err) != errs.Denied {
			t.Fatalf("a revoked mandate still works: %v", err)
		}
		clk.advance(31 * 24 * time.Hour)
		if _, err := s.ActingFor(ctx, agent, liXiang, "流动人口婚育证明"); errs.CodeOf(err) != errs.Denied {
			t.Fatalf("an expired mandate still works: %v", err)
		}
	})
}

// A department system's token is stored hashed, carries its scopes, and
// stops working when revoked or expired.
func TestAPITokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, clk := service(t, d)
		ctx := context.Background()
		seedPost(t, d)
		if _, _, err := s.IssueToken(ctx, "", 1, []string{"hub.fly"}, 0); fields(err) != "name:error.required scopes:identity.error.scope ttl:identity.error.token_ttl" {
			t.Fatalf("bad token request: %s", fields(err))
		}
		if _, _, err := s.IssueToken(ctx, "x", 99, []string{"hub.push"}, time.Hour); fields(err) != "department:org.error.department_missing" {
			t.Fatalf("unknown department: %v", err)
		}
		secret, tok, err := s.IssueToken(ctx, "公安局人口系统", 1, []string{"hub.push", "hub.verify"}, 24*time.Hour)
		if err != nil || !strings.HasPrefix(secret, identity.TokenPrefix) {
			t.Fatalf("issue: %q %v", secret, err)
		}
		var stored int
		d.QueryRow(ctx, "SELECT count(*) FROM api_tokens WHERE token_hash = ?", secret).Scan(&stored)
		if stored != 0 {
			t.Fatal("the secret is stored in clear")
		}
		got, err := s.AuthenticateToken(ctx, secret)
		if err != nil || got.ID != tok.ID || !got.HasScope("hub.push") || got.HasScope("cases.read") {
			t.Fatalf("authenticate: %+v %v", got, err)
		}
		p := identity.Principal{System: &got}
		if ok, _ := identity.Allow(p, "GET /api/v1/token"); !ok {
			t.Fatal("a system may read its own token")
		}
		if ok, _ := identity.Allow(p, "GET /me"); ok {
			t.Fatal("a department system passed for a signed-in person")
		}
		// A route that needs a scope admits only tokens that carry it.
		identity.Routes["GET /test/scoped"] = identity.Rule{Kinds: []string{identity.DepartmentSystem}, Scope: "cases.read"}
		defer delete(identity.Routes, "GET /test/scoped")
		if ok, why := identity.Allow(p, "GET /test/scoped"); ok || why != "denied" {
			t.Fatal("a token without the scope passed")
		}
		withScope := got
		withScope.Scopes = append(withScope.Scopes, "cases.read")
		if ok, _ := identity.Allow(identity.Principal{System: &withScope}, "GET /test/scoped"); !ok {
			t.Fatal("a token with the scope was refused")
		}
		if _, err := s.AuthenticateToken(ctx, secret+"x"); errs.CodeOf(err) != errs.Unauthenticated {
			t.Fatalf("a wrong secret: %v", err)
		}
		if err := s.RevokeToken(ctx, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AuthenticateToken(ctx, secret); errs.CodeOf(err) != errs.Unauthenticated {
			t.Fatalf("a revoked token works: %v", err)
		}
		secret2, _, _ := s.IssueToken(ctx, "民政局婚姻系统", 1, []string{"hub.push"}, time.Hour)
		clk.advance(time.Hour + time.Second)
		if _, err := s.AuthenticateToken(ctx, secret2); errs.CodeOf(err) != errs.Unauthenticated {
			t.Fatalf("an expired token works: %v", err)
		}
	})
}

// An enterprise authorises registered persons to act for it, and withdraws
// that authority; a person sees the enterprises they act for.
func TestEnterpriseHandlers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _ := service(t, d)
		ctx := context.Background()
		ent, err := s.RegisterEnterprise(ctx, identity.EnterpriseForm{CreditCode: "91110000600037341L", Name: "必胜客（亳州）餐饮有限公司",
			LegalRepName: "张三", LegalRepIDNumber: "11010519491231002X", Phone: "13900001111", Password: "pizza-hut-bozhou"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddHandler(ctx, ent, liXiang); fields(err) != "id_number:identity.error.handler_unregistered" {
			t.Fatalf("unregistered handler: %v", err)
		}
		li, err := s.RegisterPerson(ctx, identity.PersonForm{Name: "李想", IDNumber: liXiang, Phone: "13800001234", Password: "zhaozhuang-2015"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddHandler(ctx, li, liXiang); errs.CodeOf(err) != errs.Denied {
			t.Fatalf("a person added handlers: %v", err)
		}
		if _, err := s.AddHandler(ctx, ent, liXiang); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddHandler(ctx, ent, liXiang); errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("added twice: %v", err)
		}
		hs, _ := s.Handlers(ctx, ent.ID)
		es, _ := s.EnterprisesOf(ctx, li.ID)
		entRecord := identity.Record{OwnerAccountID: ent.ID}
		sc, _ := s.ScopeOf(ctx, identity.Principal{Account: li})
		if len(hs) != 1 || hs[0].ID != li.ID || len(es) != 1 || es[0].ID != ent.ID || !sc.CanSee(entRecord) {
			t.Fatalf("handlers %v, enterprises %v, scope %+v", hs, es, sc)
		}
		if err := s.RemoveHandler(ctx, ent, li.ID); err != nil {
			t.Fatal(err)
		}
		if sc, _ := s.ScopeOf(ctx, identity.Principal{Account: li}); sc.CanSee(entRecord) {
			t.Fatal("a removed handler still sees the enterprise's records")
		}
	})
}
