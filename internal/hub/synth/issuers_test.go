package synth_test

import (
	"context"
	"testing"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/demo"
	"github.com/govhall/govhall/internal/hub/synth"
	"github.com/govhall/govhall/internal/org"
)

// Licences name the city bureaus of the demo hall as issuers, by the
// credit codes the demo seed gives them.
func TestIssuersAreTheDemoHallsBureaus(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l, _ := audit.New("", nil)
		s := &org.Service{DB: d, Audit: l}
		if _, err := demo.SeedOrg(ctx, d, s); err != nil {
			t.Fatal(err)
		}
		deps, err := s.Departments(ctx, "341600000000")
		if err != nil {
			t.Fatal(err)
		}
		for _, lt := range synth.LicenceTypes() {
			iss, ok := synth.IssuerOf(lt.Department)
			found := false
			for _, dep := range deps {
				if dep.Kind == lt.Department {
					found = dep.CreditCode == iss.Code && dep.Name == iss.Name
				}
			}
			if !ok || !found {
				t.Fatalf("%s: issuer %+v is not the city's %s bureau", lt.Name, iss, lt.Department)
			}
		}
	})
}
