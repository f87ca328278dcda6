package catalog_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/ids"
	"github.com/govhall/govhall/internal/org"
)

// The responsibility-list report names the duties without exactly one
// lead: the stray dogs four departments claim in 涡阳县, the straw burning
// no one leads in 蒙城县; a duty with one lead is not a problem. Both
// engines.
func TestDutyReportFindsNoLeadAndSeveralLeads(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l, _ := audit.New("", nil)
		o := &org.Service{DB: d, Audit: l}
		c := &catalog.Service{DB: d, Audit: l}
		for _, j := range []org.Jurisdiction{
			{Code: "341600000000", GBT2260: "341600", Kind: "city", Name: "亳州市"},
			{Code: "341621000000", GBT2260: "341621", ParentCode: "341600000000", Kind: "county", Name: "涡阳县"},
			{Code: "341622000000", GBT2260: "341622", ParentCode: "341600000000", Kind: "county", Name: "蒙城县"},
		} {
			if _, err := o.CreateJurisdiction(ctx, j); err != nil {
				t.Fatal(err)
			}
		}
		dept := map[string]int64{}
		for i, k := range []string{"public_security", "livestock_veterinary", "health_family_planning", "city_management",
			"environmental_protection", "agriculture"} {
			for _, j := range []string{"341621000000", "341622000000"} {
				code, err := ids.MakeCreditCode("11", j[:6], fmt.Sprintf("%08d", 30000100+i))
				if err != nil {
					t.Fatal(err)
				}
				dep, err := o.CreateDepartment(ctx, org.Department{JurisdictionCode: j, Kind: k, Name: j[:6] + k, CreditCode: code})
				if err != nil {
					t.Fatal(err)
				}
				dept[j+k] = dep.ID
			}
		}
		basis := []catalog.Basis{{Law: "《中华人民共和国动物防疫法》"}}
		for _, du := range []catalog.Duty{
			{Jurisdiction: "341621000000", Code: "GY-001", Name: "流浪犬管理", LegalBasis: basis,
				Lead: []int64{dept["341621000000livestock_veterinary"], dept["341621000000health_family_planning"],
					dept["341621000000public_security"], dept["341621000000city_management"]}},
			{Jurisdiction: "341621000000", Code: "GY-002", Name: "秸秆禁烧监督管理", LegalBasis: basis,
				Lead: []int64{dept["341621000000environmental_protection"]}, Cooperate: []int64{dept["341621000000agriculture"]}},
			{Jurisdiction: "341622000000", Code: "MC-001", Name: "流浪犬管理", LegalBasis: basis,
				Lead: []int64{dept["341622000000public_security"]}, Cooperate: []int64{dept["341622000000city_management"]}},
			{Jurisdiction: "341622000000", Code: "MC-002", Name: "秸秆禁烧监督管理", LegalBasis: basis,
				Cooperate: []int64{dept["341622000000environmental_protection"], dept["341622000000agriculture"]}},
		} {
			if _, err := c.PutDuty(ctx, du); err != nil {
				t.Fatal(err)
			}
		}
		all, err := c.DutyReport(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, p := range all {
			got += fmt.Sprintf("%s %s %d/%d;", p.Code, p.Problem, len(p.Leads), len(p.Cooperate))
		}
		if want := "GY-001 several_leads 4/0;MC-002 no_lead 0/2;"; got != want {
			t.Fatalf("report %q, want %q", got, want)
		}
		if k := all[0].Leads[0].Kind; k != "public_security" && k != "livestock_veterinary" {
			t.Fatalf("leads should be named with their function: %+v", all[0].Leads)
		}
		one, err := c.DutyReport(ctx, "341622000000")
		if err != nil || len(one) != 1 || one[0].Code != "MC-002" || one[0].Cooperate[0].Name == "" {
			t.Fatalf("蒙城县 alone: %+v %v", one, err)
		}
		none, err := c.DutyReport(ctx, "341600000000")
		if err != nil || none == nil || len(none) != 0 {
			t.Fatalf("a list without problems should be empty, not nil: %#v %v", none, err)
		}
	})
}
