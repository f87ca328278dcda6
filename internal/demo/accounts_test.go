package demo_test

import (
	"context"
	"errors"
	"testing"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/demo"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/notify"
	"github.com/govhall/govhall/internal/org"
)

// Every kind of account has a demo login that signs in with the demo
// password, and a second seed creates nothing.
func TestSeedAccounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l, _ := audit.New("", nil)
		o := &org.Service{DB: d, Audit: l}
		s := &identity.Service{DB: d, Audit: l}
		if _, err := demo.SeedOrg(ctx, d, o); err != nil {
			t.Fatal(err)
		}
		if did, err := demo.SeedAccounts(ctx, d, o, s); err != nil || !did {
			t.Fatalf("first seed: %v %v", did, err)
		}
		if did, err := demo.SeedAccounts(ctx, d, o, s); err != nil || did {
			t.Fatalf("second seed: %v %v", did, err)
		}
		kinds := map[string]bool{}
		for _, a := range demo.DemoAccounts() {
			_, acc, err := s.Login(ctx, a.Login, demo.DemoPassword, "127.0.0.1")
			var ch *identity.ChallengeError
			if errors.As(err, &ch) { // officials: the code from the SMS
				m, merr := notify.Latest(ctx, d, acc.Phone, identity.LoginCodeSMS)
				if merr != nil {
					t.Fatal(merr)
				}
				_, acc, err = s.VerifyCode(ctx, ch.Token, m.Params["code"], "127.0.0.1")
			}
			if err != nil || acc.Kind != a.Kind {
				t.Fatalf("demo %s %s: %+v %v", a.Kind, a.Login, acc, err)
			}
			kinds[acc.Kind] = true
		}
		for _, k := range identity.Kinds {
			if !kinds[k] {
				t.Errorf("no demo account of kind %s", k)
			}
		}
	})
}
