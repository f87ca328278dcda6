package org_test

import (
	"context"
	"errors"
	"testing"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/org"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func service(t *testing.T, d *db.DB) *org.Service {
	l, err := audit.New(audit.SM3, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &org.Service{DB: d, Audit: l}
}

func TestStructure(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := service(t, d)
		must := func(_ any, err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(s.CreateJurisdiction(ctx, org.Jurisdiction{Code: "341600000000", GBT2260: "341600", Kind: "city", Name: "亳州市"}))
		must(s.CreateJurisdiction(ctx, org.Jurisdiction{Code: "341602000000", GBT2260: "341602", ParentCode: "341600000000", Kind: "district", Name: "谯城区"}))
		must(s.CreateJurisdiction(ctx, org.Jurisdiction{Code: "341602108000", ParentCode: "341602000000", Kind: "town", Name: "谯东镇"}))
		must(s.CreateJurisdiction(ctx, org.Jurisdiction{Code: "341602108201", ParentCode: "341602108000", Kind: "village", Name: "赵庄村"}))

		bad := []struct {
			name  string
			j     org.Jurisdiction
			field string
		}{
			{"code not 12 digits", org.Jurisdiction{Code: "34160", Kind: "city", Name: "x"}, "code"},
			{"unknown kind", org.Jurisdiction{Code: "341700000000", Kind: "province", Name: "x"}, "kind"},
			{"village under a county", org.Jurisdiction{Code: "341602000201", ParentCode: "341602000000", Kind: "village", Name: "x"}, "parent_code"},
			{"town outside its county", org.Jurisdiction{Code: "341621103000", ParentCode: "341602000000", Kind: "town", Name: "x"}, "code"},
			{"town with a village part", org.Jurisdiction{Code: "341602109201", ParentCode: "341602000000", Kind: "town", Name: "x"}, "code"},
			{"missing parent", org.Jurisdiction{Code: "341621000000", ParentCode: "341699000000", Kind: "county", Name: "x"}, "parent_code"},
			{"empty name", org.Jurisdiction{Code: "341621000000", ParentCode: "341600000000", Kind: "county"}, "name"},
			{"duplicate", org.Jurisdiction{Code: "341602000000", ParentCode: "341600000000", Kind: "district", Name: "x"}, "code"},
		}
		for _, c := range bad {
			_, err := s.CreateJurisdiction(ctx, c.j)
			e, ok := errs.As(err)
			if !ok || e.Field != c.field {
				t.Errorf("%s: got %v, want an error on field %s", c.name, err, c.field)
			}
		}

		_, err := s.CreateDepartment(ctx, org.Department{JurisdictionCode: "341600000000", Kind: "civil_affairs", Name: "亳州市民政局", CreditCode: "11341600003000011"})
		if e, ok := errs.As(err); !ok || e.Field != "credit_code" || e.Key != "ids.error.credit_code.length" {
			t.Fatalf("short credit code: %v", err)
		}
		dep, err := s.CreateDepartment(ctx, org.Department{JurisdictionCode: "341600000000", Kind: "civil_affairs", Name: "亳州市民政局", CreditCode: "91110000600037341l"})
		if err != nil {
			t.Fatal(err)
		}
		if dep.CreditCode != "91110000600037341L" {
			t.Fatalf("credit code not normalised: %s", dep.CreditCode)
		}
		p, err := s.CreatePost(ctx, org.Post{DepartmentID: dep.ID, Name: "受理岗", ReachesSubordinate: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateServicePoint(ctx, org.ServicePoint{JurisdictionCode: "341602108000", Kind: org.Proxy, Name: "x"}); err == nil {
			t.Fatal("a proxy point was accepted at town level")
		}
		must(s.CreateServicePoint(ctx, org.ServicePoint{JurisdictionCode: "341602108201", Kind: org.Proxy, Name: "赵庄村代办点"}))
		must(s.CreateServicePoint(ctx, org.ServicePoint{JurisdictionCode: "341602000000", Kind: org.Centre, Name: "谯城区政务服务中心"}))

		hall, err := s.Hall(ctx, "341602")
		if err != nil || hall.Name != "谯城区" {
			t.Fatalf("hall 341602: %v %v", hall, err)
		}
		if _, err := s.Hall(ctx, "341602108"); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("a town has no hall, got %v", err)
		}
		pts, err := s.ServicePoints(ctx, hall)
		if err != nil || len(pts) != 2 || pts[0].Kind != org.Centre || pts[1].Name != "赵庄村代办点" {
			t.Fatalf("service points under the district: %+v %v", pts, err)
		}
		posts, _ := s.Posts(ctx, dep.ID)
		if len(posts) != 1 || posts[0].ID != p.ID || posts[0].Name != "受理岗" || !posts[0].ReachesSubordinate {
			t.Fatalf("posts %+v", posts)
		}

		// Every change, and every refused one, is in the trail, which verifies.
		var created, failed int
		d.QueryRow(ctx, "SELECT count(*) FROM audit_log WHERE outcome = 'ok'").Scan(&created)
		d.QueryRow(ctx, "SELECT count(*) FROM audit_log WHERE outcome = 'failed'").Scan(&failed)
		if created != 8 || failed != 1 { // 4 divisions, 1 department, 1 post, 2 points; the duplicate division
			t.Fatalf("trail has %d ok and %d failed entries, want 8 and 1", created, failed)
		}
		if r, err := audit.Verify(ctx, d, nil); err != nil || !r.OK() {
			t.Fatalf("chain: %+v %v", r, err)
		}
	})
}
