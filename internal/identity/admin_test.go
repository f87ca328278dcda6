package identity_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
	"github.com/govhall/govhall/internal/notify"
)

// adminIDNumber is a valid Qiaocheng ID number, different for each seq.
func adminIDNumber(t *testing.T, seq int) string {
	t.Helper()
	n, err := ids.MakeIDNumber("341602", time.Date(1985, 4, 1, 0, 0, 0, 0, time.UTC), seq)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// adminStaffForm is a valid staff account holding post 1 (seedPost).
func adminStaffForm(t *testing.T, login string, seq int) identity.StaffForm {
	return identity.StaffForm{Kind: identity.Staff, Login: login, Name: "周敏", IDNumber: adminIDNumber(t, seq),
		Phone: fmt.Sprintf("137%08d", seq), Password: "acceptance-desk-1", JurisdictionCode: "341600000000", PostIDs: []int64{1}}
}

// The security administrator's list: one kind or all, newest first, a page
// at a time, with the total for the pager.
func TestListAccounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _ := service(t, d)
		ctx := context.Background()
		seedPost(t, d)
		for i := 1; i <= 3; i++ {
			if _, err := s.RegisterPerson(ctx, identity.PersonForm{Name: fmt.Sprintf("居民%d", i), IDNumber: adminIDNumber(t, 10+i),
				Phone: fmt.Sprintf("138%08d", i), Password: "zhaozhuang-2015"}); err != nil {
				t.Fatal(err)
			}
		}
		for i := 1; i <= 4; i++ {
			if _, err := s.CreateAccount(ctx, adminStaffForm(t, fmt.Sprintf("staff-%d", i), 20+i)); err != nil {
				t.Fatal(err)
			}
		}
		all, total, err := s.ListAccounts(ctx, "", 0, 0)
		if err != nil || total != 7 || len(all) != 7 {
			t.Fatalf("every account: %d of %d, %v", len(all), total, err)
		}
		if all[0].Login != "staff-4" || all[6].Name != "居民1" {
			t.Errorf("not newest first: %s … %s", all[0].Login, all[6].Name)
		}
		page, total, err := s.ListAccounts(ctx, identity.Staff, 1, 2)
		if err != nil || total != 4 || len(page) != 2 || page[0].Login != "staff-3" || page[1].Login != "staff-2" {
			t.Fatalf("second and third staff: %+v of %d, %v", page, total, err)
		}
		if page[0].IDNumber == "" || page[0].Status != identity.StatusActive || page[0].JurisdictionCode != "341600000000" {
			t.Errorf("a listed account lacks its fields: %+v", page[0])
		}
		if rest, _, _ := s.ListAccounts(ctx, identity.Person, 3, 50); len(rest) != 0 {
			t.Errorf("a page past the end has %d accounts", len(rest))
		}
		if _, _, err := s.ListAccounts(ctx, "root", 0, 50); fields(err) != "kind:identity.error.kind" {
			t.Errorf("an unknown kind: %v", err)
		}
	})
}

// The security administrator creates staff, agents, supervisors and catalog
// administrators, never another administrator.
func TestCreateManaged(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _ := service(t, d)
		ctx := context.Background()
		seedPost(t, d)
		for _, kind := range identity.AdminKinds {
			f := adminStaffForm(t, "new-"+kind, 30)
			f.Kind, f.Phone = kind, "12"
			_, err := s.CreateManaged(ctx, f)
			if got := fields(err); got != "kind:identity.error.kind phone:identity.error.phone" {
				t.Errorf("creating a %s: %s", kind, got)
			}
		}
		if n := count(t, d, "accounts"); n != 0 {
			t.Fatalf("%d accounts after refused creations", n)
		}
		if _, err := s.CreateManaged(ctx, adminStaffForm(t, "qc-accept", 31)); err != nil {
			t.Fatal(err)
		}
		_, err := s.CreateManaged(ctx, adminStaffForm(t, "QC-Accept", 32))
		if got := fields(err); got != "login:identity.error.login_taken" || errs.CodeOf(err) != errs.Conflict {
			t.Errorf("a taken login: %s (%s)", got, errs.CodeOf(err))
		}
	})
}

// Disabling an account ends its sessions and pending login codes at once;
// it cannot sign in until enabled again.
func TestSetStatus(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _ := service(t, d)
		seedPost(t, d)
		ctx, _ := adminSecurity(t, s)
		person, err := s.RegisterPerson(ctx, identity.PersonForm{Name: "李想", IDNumber: liXiang, Phone: "13800001234", Password: "zhaozhuang-2015"})
		if err != nil {
			t.Fatal(err)
		}
		sess, _, err := s.Login(ctx, liXiang, "zhaozhuang-2015", "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		staff, err := s.CreateAccount(ctx, adminStaffForm(t, "qc-accept", 41))
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = s.Login(ctx, "qc-accept", "acceptance-desk-1", "10.0.0.2")
		var ch *identity.ChallengeError
		if !errors.As(err, &ch) {
			t.Fatalf("staff login: %v", err)
		}
		for _, a := range []identity.Account{person, staff} {
			if err := s.SetStatus(ctx, a.ID, identity.StatusDisabled); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := s.Authenticate(ctx, sess.Token); errs.CodeOf(err) != errs.Unauthenticated {
			t.Errorf("the disabled person's session still works: %v", err)
		}
		if n := adminCount(t, d, "sessions", "account_id", person.ID); n != 0 {
			t.Errorf("%d sessions left after disabling", n)
		}
		sms, err := notify.Latest(ctx, d, staff.Phone, identity.LoginCodeSMS)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.VerifyCode(ctx, ch.Token, sms.Params["code"], "10.0.0.2"); fields(err) != "code:identity.error.code_expired" {
			t.Errorf("a code sent before disabling still signs in: %v", err)
		}
		if _, _, err := s.Login(ctx, liXiang, "zhaozhuang-2015", "10.0.0.1"); !adminHasKey(err, "identity.error.disabled") {
			t.Errorf("a disabled person signed in: %v", err)
		}
		if err := s.SetStatus(ctx, person.ID, identity.StatusActive); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Login(ctx, liXiang, "zhaozhuang-2015", "10.0.0.1"); err != nil {
			t.Errorf("an enabled person cannot sign in: %v", err)
		}
		adminWantTrail(t, d, "identity.account.disable account "+fmt.Sprint(person.ID)+" ok",
			"identity.account.enable account "+fmt.Sprint(person.ID)+" ok")
	})
}

// Nobody disables themselves or an administrator; every refusal is in the
// audit trail.
func TestSetStatusRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _ := service(t, d)
		ctx, sec := adminSecurity(t, s)
		person, err := s.RegisterPerson(ctx, identity.PersonForm{Name: "李想", IDNumber: liXiang, Phone: "13800001234", Password: "zhaozhuang-2015"})
		if err != nil {
			t.Fatal(err)
		}
		refusals := []struct {
			id     int64
			status string
			code   string
		}{
			{sec.ID, identity.StatusDisabled, errs.Denied}, // oneself
			{sec.ID + 1000, identity.StatusDisabled, errs.NotFound},
			{person.ID, "deleted", errs.Invalid},
		}
		for _, r := range refusals {
			if err := s.SetStatus(ctx, r.id, r.status); errs.CodeOf(err) != r.code {
				t.Errorf("set %d %s: %v, want %s", r.id, r.status, err, r.code)
			}
		}
		other := actor.With(context.Background(), actor.Actor{Kind: identity.SecurityAdmin, ID: "999"})
		if err := s.SetStatus(other, sec.ID, identity.StatusDisabled); !adminHasKey(err, "identity.error.status_admin") {
			t.Errorf("an administrator account was disabled: %v", err)
		}
		if a, _ := s.Account(ctx, sec.ID); a.Status != identity.StatusActive {
			t.Fatal("the security administrator was disabled")
		}
		adminWantTrail(t, d, "identity.account.disable account "+fmt.Sprint(sec.ID)+" denied")
	})
}

// adminSecurity creates a security administrator and returns a context in
// which they act.
func adminSecurity(t *testing.T, s *identity.Service) (context.Context, identity.Account) {
	t.Helper()
	sec, err := s.CreateAccount(context.Background(), identity.StaffForm{Kind: identity.SecurityAdmin, Login: "secadmin",
		Name: "韩雪", IDNumber: adminIDNumber(t, 40), Phone: "13700000008", Password: "security-admin-1"})
	if err != nil {
		t.Fatal(err)
	}
	return actor.With(context.Background(), actor.Actor{Kind: identity.SecurityAdmin, ID: fmt.Sprint(sec.ID)}), sec
}

// adminWantTrail checks that the audit trail holds lines of "action object
// id outcome".
func adminWantTrail(t *testing.T, d *db.DB, wants ...string) {
	t.Helper()
	trail := adminTrail(t, d)
	for _, want := range wants {
		if !strings.Contains(trail, want) {
			t.Errorf("the audit trail lacks %q:\n%s", want, trail)
		}
	}
}

func adminHasKey(err error, key string) bool {
	e, ok := errs.As(err)
	return ok && e.Key == key
}

func adminCount(t *testing.T, d *db.DB, table, col string, v any) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), "SELECT count(*) FROM "+table+" WHERE "+col+" = ?", v).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// adminTrail is the trail as lines of "action object id outcome".
func adminTrail(t *testing.T, d *db.DB) string {
	t.Helper()
	rows, err := d.Query(context.Background(), "SELECT action, object_type, object_id, outcome FROM audit_log ORDER BY seq")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var action, typ, id, outcome string
		if err := rows.Scan(&action, &typ, &id, &outcome); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %s %s %s\n", action, typ, id, outcome)
	}
	return b.String()
}
