package demo_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/demo"
	"github.com/govhall/govhall/internal/org"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func counts(t *testing.T, d *db.DB) map[string]int {
	out := map[string]int{}
	for _, tbl := range []string{"jurisdictions", "departments", "posts", "service_points", "audit_log"} {
		var n int
		if err := d.QueryRow(context.Background(), "SELECT count(*) FROM "+tbl).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[tbl] = n
	}
	return out
}

func TestSeedOrg(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l, _ := audit.New("", nil)
		s := &org.Service{DB: d, Audit: l}
		did, err := demo.SeedOrg(ctx, d, s)
		if err != nil || !did {
			t.Fatalf("first seed: %v %v", did, err)
		}
		first := counts(t, d)
		did, err = demo.SeedOrg(ctx, d, s)
		if err != nil || did {
			t.Fatalf("second seed: %v %v", did, err)
		}
		if again := counts(t, d); fmt.Sprint(again) != fmt.Sprint(first) {
			t.Fatalf("second seed changed counts: %v -> %v", first, again)
		}
		// One city, four counties and the zone, 25 Qiaocheng towns plus 6 elsewhere, 7 villages.
		if first["jurisdictions"] != 1+5+31+7 {
			t.Fatalf("jurisdictions: %d", first["jurisdictions"])
		}
		city, err := s.City(ctx)
		if err != nil || city.Name != "亳州市" {
			t.Fatalf("city: %v %v", city, err)
		}
		zz, err := s.Jurisdiction(ctx, "341602108201")
		if err != nil || zz.Name != "赵庄村" || zz.Confirmed {
			t.Fatalf("Zhaozhuang village must exist and be marked demo: %+v %v", zz, err)
		}
		halls, _ := s.Jurisdictions(ctx, org.County)
		if len(halls) != 5 {
			t.Fatalf("county-level halls: %d", len(halls))
		}
		for _, h := range append(halls, city) {
			deps, err := s.Departments(ctx, h.Code)
			if err != nil || len(deps) < 5 {
				t.Fatalf("%s has %d departments (%v)", h.Name, len(deps), err)
			}
			pts, _ := s.ServicePoints(ctx, h)
			if len(pts) == 0 || pts[0].JurisdictionCode != h.Code || pts[0].Kind != org.Centre {
				t.Fatalf("%s: first service point should be its own centre: %+v", h.Name, pts)
			}
		}
		r, err := audit.Verify(ctx, d, nil)
		if err != nil || !r.OK() || int(r.Entries) != first["audit_log"] {
			t.Fatalf("audit chain after seed: %+v %v", r, err)
		}
	})
}
