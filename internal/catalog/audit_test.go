package catalog_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/demo"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/org"
)

// std is a small standard: five county-level power leaves (A1 with a
// 20-day statutory limit), one city-only leaf and a public service.
func auditStandard() []catalog.BasicItem {
	basis := []catalog.Basis{{Law: "《某法》"}}
	leaf := func(code string, levels []int, list string, days int) catalog.BasicItem {
		return catalog.BasicItem{Code: code, ParentCode: "A00000000000", Node: catalog.Handling, Name: "事项" + code, Type: "01", List: list,
			UseLevels: levels, DeptKind: "market_regulation", StatutoryDays: days, LegalBasis: basis}
	}
	county := []int{catalog.LevelCity, catalog.LevelCounty}
	return []catalog.BasicItem{
		{Code: "A00000000000", Node: catalog.Main, Name: "主项", Type: "01", List: catalog.PowerList, UseLevels: county, LegalBasis: basis},
		leaf("A10000000000", county, catalog.PowerList, 20), leaf("A20000000000", county, catalog.PowerList, 0),
		leaf("A30000000000", county, catalog.PowerList, 0), leaf("A40000000000", county, catalog.PowerList, 0),
		leaf("A50000000000", county, catalog.PowerList, 0), leaf("B10000000000", []int{catalog.LevelCity}, catalog.PowerList, 0),
		leaf("P10000000000", county, catalog.PublicServiceList, 0),
	}
}

// unit is an implementation item covering codes (first letter and digit of
// each), with a promised limit, fees and materials.
func unit(code string, covers string, statutory, promised int, fee string) catalog.Item {
	it := catalog.Item{Code: code, Name: "实施" + code, Node: catalog.Handling, Type: "01", List: catalog.PowerList,
		Doc: catalog.Doc{Statutory: catalog.Limit{Days: statutory}, Promised: catalog.Limit{Days: promised},
			Materials: []catalog.Material{{Name: "申请书", Necessity: "required"}}}}
	for _, c := range strings.Fields(covers) {
		it.Covers = append(it.Covers, c+"0000000000")
	}
	if fee != "" {
		it.Doc.Fees = []catalog.Fee{{Name: "工本费", Amount: fee}}
	}
	return it
}

func keys(fs []catalog.Finding) []string {
	var out []string
	for _, f := range fs {
		var items, leaves []string
		for _, it := range f.Items {
			items = append(items, it.Code)
		}
		for _, l := range f.Leaves {
			leaves = append(leaves, l.Code[:2])
		}
		out = append(out, fmt.Sprintf("%s %s %s %s %d", f.Jurisdiction, f.Kind, strings.Join(items, ","), strings.Join(leaves, ","), f.Delta))
	}
	return out
}

// Three counties: X omits A5, merges A2+A3, splits A4, adds an item of its
// own and exercises the city-only B1; Y quotes 30 days for A1's 20; Z
// promises 5 days where X and Y promise 10, and charges a fee they do not.
func TestCompareNamesEveryDifference(t *testing.T) {
	lists := []catalog.AuditList{
		{Jurisdiction: "X", List: catalog.PowerList, Items: []catalog.Item{unit("x1", "A1", 20, 10, ""),
			unit("x2", "A2 A3", 0, 5, ""), unit("x3", "A4", 0, 5, ""), unit("x4", "A4", 0, 5, ""),
			unit("x5", "", 0, 5, ""), unit("x6", "B1", 0, 5, "")}},
		{Jurisdiction: "Y", List: catalog.PowerList, Items: []catalog.Item{unit("y1", "A1", 30, 10, ""),
			unit("y2", "A2", 0, 5, ""), unit("y3", "A3", 0, 5, ""), unit("y4", "A4", 0, 5, ""), unit("y5", "A5", 0, 5, "")}},
		{Jurisdiction: "Z", List: catalog.PowerList, Items: []catalog.Item{unit("z1", "A1", 20, 5, "10.00"),
			unit("z2", "A2", 0, 5, ""), unit("z3", "A3", 0, 5, ""), unit("z4", "A4", 0, 5, ""), unit("z5", "A5", 0, 5, "")}},
	}
	rep := catalog.Compare(auditStandard(), lists, "")
	want := []string{
		"X missing  A5 -1", "X extra x5  1", "X extra x6  1", "X merged x2 A2,A3 -1", "X split x3,x4 A4 1",
		"Y statutory y1 A1 0",
		"Z promised z1 A1 0",
		"Z fees z1 A1 0",
	}
	if got := keys(rep.Findings); !slices.Equal(got, want) {
		t.Fatalf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	x := rep.Counties[0].Lists[0]
	if x.Standard != 5 || x.Reported != 6 || x.Missing != 1 || x.Absorbed != 1 || x.Extra != 2 || x.SplitAdded != 1 || !x.Explained {
		t.Fatalf("X's count: %+v", x)
	}
	if f := rep.Findings[2]; len(f.Outside) != 1 || f.Outside[0] != "B10000000000" {
		t.Fatalf("the extra item covering a city-only leaf should name it: %+v", f)
	}
	if f := rep.Findings[6]; f.Value != "5" || f.Standard != "10" || len(f.Peers) != 2 {
		t.Fatalf("Z's promise: %+v", f)
	}
	if s := rep.Spreads[0]; s.Most != "X" || s.Difference != 1 || s.Missing+s.Absorbed+s.Extra+s.SplitAdded != 1 {
		t.Fatalf("spread: %+v", s)
	}
	if rep.Totals[catalog.FindExtra] != 2 {
		t.Fatalf("totals: %v", rep.Totals)
	}
	only := catalog.Compare(auditStandard(), lists, "Z")
	if got := keys(only.Findings); len(only.Counties) != 1 || !slices.Equal(got, want[6:]) {
		t.Fatalf("Z alone: %v", got)
	}
}

// With two counties that differ, neither is the norm: both are reported.
func TestCompareReportsBothSidesOfATie(t *testing.T) {
	lists := []catalog.AuditList{
		{Jurisdiction: "X", List: catalog.PowerList, Items: []catalog.Item{unit("x1", "A1", 20, 10, "")}},
		{Jurisdiction: "Y", List: catalog.PowerList, Items: []catalog.Item{unit("y1", "A1", 20, 10, "5.00")}},
	}
	var fees []catalog.Finding
	for _, f := range catalog.Compare(auditStandard(), lists, "").Findings {
		if f.Kind == catalog.FindFees {
			fees = append(fees, f)
		}
	}
	if len(fees) != 2 || fees[0].Standard != "" || fees[1].Value != "工本费=5.00" {
		t.Fatalf("fee findings: %+v", fees)
	}
}

// auditHall stores the small standard and lists for two counties: 谯城区
// reported a list and has since published one item (the reported list is
// audited); 涡阳县 only published; a town's item is no county list.
func auditHall(t *testing.T, d *db.DB) *catalog.Service {
	t.Helper()
	ctx := context.Background()
	l, _ := audit.New("", nil)
	o := &org.Service{DB: d, Audit: l}
	for _, j := range []org.Jurisdiction{
		{Code: "341600000000", GBT2260: "341600", Kind: "city", Name: "亳州市"},
		{Code: "341602000000", GBT2260: "341602", ParentCode: "341600000000", Kind: "district", Name: "谯城区"},
		{Code: "341621000000", GBT2260: "341621", ParentCode: "341600000000", Kind: "county", Name: "涡阳县"},
		{Code: "341602108000", ParentCode: "341602000000", Kind: "town", Name: "谯东镇"},
	} {
		if _, err := o.CreateJurisdiction(ctx, j); err != nil {
			t.Fatal(err)
		}
	}
	c := &catalog.Service{DB: d, Audit: l}
	if err := c.PutBasic(ctx, auditStandard()); err != nil {
		t.Fatal(err)
	}
	put := func(jur, status string, its ...catalog.Item) {
		for i := range its {
			its[i].Jurisdiction, its[i].Status = jur, status
			its[i].Doc.LegalBasis, its[i].Doc.CaseType, its[i].Doc.Objects = []catalog.Basis{{Law: "《某法》"}}, catalog.Promised, []int{1}
			its[i].Doc.Flow = []catalog.Step{{Key: "do", Name: "办理", DeptKind: "market_regulation", Share: 100}}
			its[i].Doc.Materials[0].Kind, its[i].Doc.Materials[0].Source = "form", catalog.FromApplicant
		}
		if err := c.CreateMany(ctx, its); err != nil {
			t.Fatal(err)
		}
	}
	put("341602000000", catalog.Reported, unit("Q-1", "A1", 20, 10, ""), unit("Q-2", "A2 A3", 0, 5, ""), unit("Q-3", "", 0, 5, ""))
	put("341602000000", catalog.Published, unit("Q-P1", "A4", 0, 5, ""))
	put("341621000000", catalog.Published, unit("G-1", "A1", 25, 10, ""), unit("G-2", "A2", 0, 5, ""),
		unit("G-3", "A3", 0, 5, ""), unit("G-4", "A4", 0, 5, ""), unit("G-5", "A5", 0, 5, ""))
	put("341602108000", catalog.Published, unit("T-1", "A5", 0, 5, ""))
	return c
}

// The stored lists are read with their covers, the reported list in
// preference to the published one, towns left out; both engines.
func TestAuditListsReadsTheStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := auditHall(t, d)
		rep, err := c.AuditLists(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			"341602000000 missing  A4 -1", "341602000000 missing  A5 -1", "341602000000 extra Q-3  1",
			"341602000000 merged Q-2 A2,A3 -1",
			"341621000000 statutory G-1 A1 0",
		}
		if got := keys(rep.Findings); !slices.Equal(got, want) {
			t.Fatalf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		q := rep.Counties[0]
		if q.Name != "谯城区" || q.Lists[0].Status != catalog.Reported || q.Lists[0].Reported != 3 {
			t.Fatalf("谯城区: %+v", q)
		}
		if g := rep.Counties[1].Lists[0]; g.Status != catalog.Published || g.Reported != 5 {
			t.Fatalf("涡阳县: %+v", g)
		}
		if rep.Findings[0].Leaves[0].Name != "事项A40000000000" || rep.Findings[2].Items[0].ID == 0 {
			t.Fatalf("findings should name the leaves and items: %+v", rep.Findings[:3])
		}
		_, err = c.AuditLists(context.Background(), "341622000000")
		if e, ok := errs.As(err); !ok || e.Code != errs.NotFound || e.Field != "jurisdiction" {
			t.Fatalf("a county without a list: %v", err)
		}
	})
}

// BenchmarkAuditListsAtSeedScale audits the demo catalog at the seed's
// scale (GOVHALL_BENCH_CATALOG_SCALE, default 1) on SQLite. The catalog is
// built once, before the timed loop.
func BenchmarkAuditListsAtSeedScale(b *testing.B) {
	scale := 1.0
	if s := os.Getenv("GOVHALL_BENCH_CATALOG_SCALE"); s != "" {
		var err error
		if scale, err = strconv.ParseFloat(s, 64); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	d := dbtest.SQLite(b)
	l, _ := audit.New("", nil)
	o := &org.Service{DB: d, Audit: l}
	c := &catalog.Service{DB: d, Audit: l}
	if _, err := demo.SeedOrg(ctx, d, o); err != nil {
		b.Fatal(err)
	}
	if _, err := demo.SeedCatalog(ctx, d, o, c, scale, nil); err != nil {
		b.Fatal(err)
	}
	// The machine is shared: CPU time per audit is reported beside the
	// wall time, which waits for other work.
	cpu0, n := cpuTime(), 0
	for b.Loop() {
		rep, err := c.AuditLists(ctx, "")
		if err != nil || len(rep.Counties) != 4 {
			b.Fatal(errors.Join(err, fmt.Errorf("%d counties", len(rep.Counties))))
		}
		n++
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(n), "cpu-ms/op")
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// With no county lists the report is empty, not null, in JSON.
func TestCompareWithoutListsIsEmpty(t *testing.T) {
	rep := catalog.Compare(auditStandard(), nil, "")
	b, _ := json.Marshal(rep)
	if !strings.Contains(string(b), `"counties":[]`) || !strings.Contains(string(b), `"findings":[]`) ||
		!strings.Contains(string(b), `"spreads":[]`) {
		t.Fatalf("empty report: %s", b)
	}
}
