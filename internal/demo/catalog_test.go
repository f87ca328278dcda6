package demo_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/demo"
	"github.com/govhall/govhall/internal/org"
)

// findingKey is a finding in the ground truth's terms.
func findingKey(f catalog.Finding) string {
	var items, leaves []string
	for _, it := range f.Items {
		items = append(items, it.Code)
	}
	for _, l := range f.Leaves {
		leaves = append(leaves, l.Code)
	}
	return demo.TruthKey(f.Kind, f.Jurisdiction, f.List, items, leaves)
}

// truthKeys are the planted discrepancies of the item lists (not duties).
func truthKeys(plan *demo.CatalogPlan) map[string]bool {
	out := map[string]bool{}
	for _, p := range plan.Truth {
		if p.List != demo.DutyList {
			out[p.Key()] = true
		}
	}
	return out
}

// plannedLists are the county lists of a plan as the audit reads them.
func plannedLists(plan *demo.CatalogPlan) []catalog.AuditList {
	var out []catalog.AuditList
	for _, l := range plan.Lists[1:] {
		byList := map[string]*catalog.AuditList{}
		for _, it := range l.Items {
			if it.Node != catalog.Handling {
				continue
			}
			a := byList[it.List]
			if a == nil {
				a = &catalog.AuditList{Jurisdiction: l.Jurisdiction, List: it.List, Status: catalog.Reported}
				byList[it.List] = a
			}
			a.Items = append(a.Items, it)
		}
		for _, list := range []string{catalog.PowerList, catalog.PublicServiceList, catalog.FeeList} {
			out = append(out, *byList[list])
		}
	}
	return out
}

// checkAgainstTruth: the audit reports every planted discrepancy and
// nothing else; each county's count is explained finding by finding; the
// spread between the counties is the sum of the differences of the terms.
func checkAgainstTruth(t *testing.T, plan *demo.CatalogPlan, rep catalog.AuditReport) {
	t.Helper()
	want := truthKeys(plan)
	got := map[string]bool{}
	for _, f := range rep.Findings {
		k := findingKey(f)
		if got[k] {
			t.Errorf("reported twice: %s", k)
		}
		got[k] = true
		if !want[k] {
			t.Errorf("not planted but reported: %s", k)
		}
	}
	for k := range want {
		if !got[k] {
			t.Errorf("planted but not reported: %s", k)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	targets := demo.CountyPowerTargets(plan.Scale)
	for _, c := range rep.Counties {
		for _, la := range c.Lists {
			sum := 0
			for _, f := range rep.Findings {
				if f.Jurisdiction == c.Jurisdiction && f.List == la.List {
					sum += f.Delta
				}
			}
			if !la.Explained || la.Standard+sum != la.Reported {
				t.Errorf("%s %s: %d standard + %d from the findings != %d reported", c.Jurisdiction, la.List, la.Standard, sum, la.Reported)
			}
			if la.List == catalog.PowerList && la.Reported != targets[c.Jurisdiction] {
				t.Errorf("%s reports %d power items, want %d", c.Jurisdiction, la.Reported, targets[c.Jurisdiction])
			}
		}
	}
	for _, s := range rep.Spreads {
		if s.Difference != s.Missing+s.Absorbed+s.Extra+s.SplitAdded {
			t.Errorf("%s spread %d is not explained: %+v", s.List, s.Difference, s)
		}
	}
}

// At the seed's full scale: the standard has the seed's counts, the
// counties reported 2,955 / 2,739 / 2,874 / 3,254 power items, 515 apart,
// and the audit (in memory) finds exactly what was planted and explains
// the 515 item by item.
func TestAuditExplainsTheSeedsNumberGames(t *testing.T) {
	plan, err := demo.GenerateCatalog(1)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]map[int]int{}
	for _, b := range plan.Basic {
		if b.Node != catalog.Handling {
			continue
		}
		if counts[b.List] == nil {
			counts[b.List] = map[int]int{}
		}
		for _, l := range b.UseLevels {
			counts[b.List][l]++
		}
	}
	for list, want := range map[string][2]int{catalog.PowerList: {10305, 8673},
		catalog.PublicServiceList: {501, 357}, catalog.FeeList: {234, 89}} {
		if got := [2]int{counts[list][catalog.LevelCity], counts[list][catalog.LevelCounty]}; got != want {
			t.Errorf("standard %s leaves at city and county level: %v, want %v", list, got, want)
		}
	}
	if n := plan.Lists[0].Count(catalog.PowerList); n != 10305 {
		t.Errorf("the city's list has %d power items, want 10,305", n)
	}
	rep := catalog.Compare(plan.Basic, plannedLists(plan), "")
	checkAgainstTruth(t, plan, rep)
	if s := rep.Spreads[0]; s.List != catalog.PowerList || s.Difference != 515 || s.Most != "341623000000" || s.Fewest != "341621000000" {
		t.Errorf("power spread: %+v, want 利辛县 − 涡阳县 = 515", s)
	}
}

// The audit over the stored demo catalog, on both engines: every planted
// discrepancy and nothing else, the counts explained, the stray-dog duty
// and the ownerless straw-burning ban found; one county's report keeps
// only that county's findings. Seeding twice stores nothing twice.
func TestAuditFindsExactlyThePlanted(t *testing.T) {
	const scale = 0.05
	plan, err := demo.GenerateCatalog(scale)
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l, _ := audit.New("", nil)
		o := &org.Service{DB: d, Audit: l}
		c := &catalog.Service{DB: d, Audit: l}
		if _, err := demo.SeedOrg(ctx, d, o); err != nil {
			t.Fatal(err)
		}
		var lines []string
		last, lastTotal := 0, -1
		did, err := demo.SeedCatalog(ctx, d, o, c, scale, func(s string, done, total int) {
			lines = append(lines, s)
			last, lastTotal = done, total
			if done > total {
				t.Errorf("progress %d of %d", done, total)
			}
		})
		if err != nil || !did || len(lines) != 8 || last != lastTotal {
			t.Fatalf("seed: %v %v, progress %q", did, err, lines)
		}
		rep, err := c.AuditLists(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Counties) != 4 {
			t.Fatalf("audited %d county lists, want the four counties'", len(rep.Counties))
		}
		checkAgainstTruth(t, plan, rep)

		one, err := c.AuditLists(ctx, "341622000000")
		if err != nil {
			t.Fatal(err)
		}
		if len(one.Counties) != 1 || len(one.Findings) == 0 {
			t.Fatalf("蒙城县's report: %d counties, %d findings", len(one.Counties), len(one.Findings))
		}
		for _, f := range one.Findings {
			if f.Jurisdiction != "341622000000" {
				t.Fatalf("蒙城县's report has a finding about %s", f.Jurisdiction)
			}
		}
		checkDuties(t, c, plan)

		var items int
		d.QueryRow(ctx, "SELECT count(*) FROM catalog_items").Scan(&items)
		if did, err := demo.SeedCatalog(ctx, d, o, c, scale, nil); err != nil || did {
			t.Fatalf("second seed: %v %v", did, err)
		}
		var again int
		d.QueryRow(ctx, "SELECT count(*) FROM catalog_items").Scan(&again)
		if again != items {
			t.Fatalf("second seed changed the items: %d -> %d", items, again)
		}
	})
}

func checkDuties(t *testing.T, c *catalog.Service, plan *demo.CatalogPlan) {
	t.Helper()
	problems, err := c.DutyReport(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	var got, want []string
	for _, p := range problems {
		got = append(got, demo.TruthKey(p.Problem, p.Jurisdiction, demo.DutyList, []string{p.Code}, nil))
		if p.Name == "流浪犬管理" && len(p.Leads) != 4 {
			t.Errorf("the stray-dog duty of %s has %d leads, want the four claimants", p.Jurisdiction, len(p.Leads))
		}
	}
	for _, p := range plan.Truth {
		if p.List == demo.DutyList {
			want = append(want, p.Key())
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if fmt.Sprint(got) != fmt.Sprint(want) || len(want) != 2 {
		t.Errorf("duty problems %v, planted %v", got, want)
	}
}

// The same scale gives the same catalog, item for item.
func TestGeneratedCatalogIsDeterministic(t *testing.T) {
	a, err := demo.GenerateCatalog(0.05)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := demo.GenerateCatalog(0.05)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Fatal("two runs at the same scale differ")
	}
}

// Generated items say they are generated, and so do their legal bases;
// every reported item passes the catalog's check; the scale is bounded.
func TestGeneratedItemsAreMarkedAndValid(t *testing.T) {
	plan, err := demo.GenerateCatalog(0.05)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range plan.Basic {
		if b.Generated != (b.LegalBasis[0].Text == "演示数据：条款序号为生成，未经核对") {
			t.Fatalf("basic item %s %s: generated=%v but basis %+v", b.Code, b.Name, b.Generated, b.LegalBasis)
		}
	}
	for _, l := range plan.Lists {
		for _, it := range l.Items {
			it.Jurisdiction = l.Jurisdiction
			if err := catalog.Check(it, false); err != nil {
				t.Fatalf("%s %s: %v", it.Code, it.Name, err)
			}
		}
	}
	for _, bad := range []float64{0, -1, demo.MaxCatalogScale + 0.1} {
		if _, err := demo.GenerateCatalog(bad); err == nil {
			t.Errorf("scale %g accepted", bad)
		}
	}
}

// A seed stopped half-way (the operator pressed Ctrl-C after the city's
// list) is finished by the next run, which stores every item exactly
// once. Both engines.
func TestSeedCatalogFinishesAnInterruptedRun(t *testing.T) {
	const scale = demo.TestCatalogScale
	plan, err := demo.GenerateCatalog(scale)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, l := range plan.Lists {
		want += len(l.Items)
	}
	for _, s := range plan.Stories {
		want += len(s.Jurisdictions())
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		l, _ := audit.New("", nil)
		o := &org.Service{DB: d, Audit: l}
		c := &catalog.Service{DB: d, Audit: l}
		if _, err := demo.SeedOrg(context.Background(), d, o); err != nil {
			t.Fatal(err)
		}
		ctx, stop := context.WithCancel(context.Background())
		steps := 0
		_, err := demo.SeedCatalog(ctx, d, o, c, scale, func(string, int, int) {
			if steps++; steps == 2 {
				stop()
			}
		})
		if err == nil {
			t.Fatal("the interrupted seed reported success")
		}
		var half int
		d.QueryRow(context.Background(), "SELECT count(*) FROM catalog_items").Scan(&half)
		did, err := demo.SeedCatalog(context.Background(), d, o, c, scale, nil)
		if err != nil || !did {
			t.Fatalf("second run: %v %v", did, err)
		}
		var n int
		d.QueryRow(context.Background(), "SELECT count(*) FROM catalog_items").Scan(&n)
		if half == 0 || half >= want || n != want {
			t.Fatalf("items: %d after the interruption, %d after the second run, want %d", half, n, want)
		}
	})
}
