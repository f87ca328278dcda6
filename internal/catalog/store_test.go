package catalog_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/ids"
	"github.com/govhall/govhall/internal/org"
)

const (
	city   = "341600000000"
	county = "341602000000"
)

// clock is a test clock the service reads.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// newCatalog builds a store with the city, one county and its
// environmental-protection bureau, and a catalog service on a test clock.
func newCatalog(t *testing.T, d *db.DB) (*catalog.Service, *clock, int64) {
	t.Helper()
	ctx := context.Background()
	l, err := audit.New(audit.SM3, nil)
	if err != nil {
		t.Fatal(err)
	}
	o := &org.Service{DB: d, Audit: l}
	for _, j := range []org.Jurisdiction{
		{Code: city, GBT2260: "341600", Kind: "city", Name: "亳州市"},
		{Code: county, GBT2260: "341602", ParentCode: city, Kind: "district", Name: "谯城区"},
	} {
		if _, err := o.CreateJurisdiction(ctx, j); err != nil {
			t.Fatal(err)
		}
	}
	code, err := ids.MakeCreditCode("11", "341602", "00300001")
	if err != nil {
		t.Fatal(err)
	}
	dep, err := o.CreateDepartment(ctx, org.Department{JurisdictionCode: county, Kind: "environmental_protection",
		Name: "谯城区环境保护局", CreditCode: code})
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{time.Date(2014, 12, 1, 2, 0, 0, 0, time.UTC)}
	return &catalog.Service{DB: d, Audit: l, Now: c.now}, c, dep.ID
}

func asCatalogAdmin() context.Context {
	return actor.With(context.Background(), actor.Actor{Kind: "catalog_admin", ID: "catalog-admin"})
}

// eiaForm is the report-form leaf of EIA approval, complete.
func eiaForm(dept int64) catalog.Item {
	return catalog.Item{
		Jurisdiction: county, Code: "EIA-FORM", ParentCode: "EIA", Node: catalog.Handling, DepartmentID: dept,
		Name: "建设项目环境影响报告表审批", Type: "01", List: catalog.PowerList, Covers: []string{"000201001002"},
		Events: []string{"building", "business"},
		Doc: catalog.Doc{
			LegalBasis: []catalog.Basis{{Law: "《中华人民共和国环境影响评价法》", Article: "第二十二条",
				Text: "审批部门应当自收到环境影响报告表之日起三十日内……作出审批决定"}},
			PowerSource: 1, BodyNature: 1, UseLevels: []int{catalog.LevelCounty},
			Statutory: catalog.Limit{Days: 30}, Promised: catalog.Limit{Days: 10}, CaseType: catalog.Promised,
			Objects: []int{catalog.ObjectEnterprise}, Online: true, OnlineDepth: 3,
			Channels: catalog.Channels{Express: true},
			Materials: []catalog.Material{
				{Name: "建设项目环境影响报告表", Necessity: "required", Kind: "original", Source: catalog.FromApplicant},
				{Name: "营业执照", Necessity: "required", Kind: "licence", Source: catalog.FromLicence, LicenceType: "demo-business-licence"},
			},
			Form: []catalog.Field{
				{Key: "project_name", Label: "项目名称", Type: "text", Required: true},
				{Key: "area", Label: "建筑面积（平方米）", Type: "number"},
				{Key: "builder", Label: "建设单位", Type: "text", HubElement: "entity.name"},
			},
			Flow: []catalog.Step{
				{Key: "accept", Name: "受理", DeptKind: "environmental_protection", Post: "受理岗", Share: 10},
				{Key: "review", Name: "技术审查", DeptKind: "environmental_protection", Post: "审查岗", Share: 40, After: []string{"accept"}},
				{Key: "site", Name: "现场踏勘", DeptKind: "environmental_protection", Post: "审查岗", Share: 30, After: []string{"accept"},
					Risks: []catalog.Risk{{Point: "踏勘中接受宴请", Grade: "high", Measure: "两人以上同行，全程记录", Post: "审查岗"}}},
				{Key: "decide", Name: "审批决定", DeptKind: "environmental_protection", Post: "决定岗", Share: 20, After: []string{"review", "site"}},
			},
			Results: []catalog.Result{{Name: "环境影响报告表批复", Kind: "approval"}},
		},
	}
}

func eiaMain(dept int64) catalog.Item {
	return catalog.Item{Jurisdiction: county, Code: "EIA", Node: catalog.Main, DepartmentID: dept,
		Name: "建设项目环境影响评价文件审批", Type: "01", List: catalog.PowerList,
		Doc: catalog.Doc{LegalBasis: []catalog.Basis{{Law: "《中华人民共和国环境影响评价法》"}}, CaseType: catalog.Promised}}
}

func TestCreateAndReadKeepEveryField(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _, dept := newCatalog(t, d)
		ctx := asCatalogAdmin()
		want := eiaForm(dept)
		if err := s.CreateMany(ctx, []catalog.Item{eiaMain(dept), want}); err != nil {
			t.Fatal(err)
		}
		got, err := s.ItemByCode(ctx, county, "EIA-FORM")
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != catalog.Draft || got.ParentID == 0 || got.Version != 0 {
			t.Fatalf("status %s parent %d version %d", got.Status, got.ParentID, got.Version)
		}
		want.ID, want.ParentID, want.ParentCode, want.Status = got.ID, got.ParentID, "", catalog.Draft
		if diff := catalog.Diff(want, got); len(diff) > 0 {
			t.Fatalf("read back differs: %v", diff)
		}
		if got.Doc.Flow[2].Risks[0].Grade != "high" || got.Doc.Materials[1].LicenceType != "demo-business-licence" {
			t.Fatalf("doc lost detail: %+v", got.Doc)
		}
		items, total, err := s.Items(ctx, catalog.Filter{Event: "building", Object: catalog.ObjectEnterprise, Level: "county"})
		if err != nil || total != 1 || items[0].Code != "EIA-FORM" {
			t.Fatalf("filter by event/object/level: %d %v %v", total, items, err)
		}
		if _, total, _ := s.Items(ctx, catalog.Filter{Object: catalog.ObjectPerson}); total != 0 {
			t.Fatalf("an enterprise item listed for persons")
		}
	})
}

func TestCheckNamesEveryProblem(t *testing.T) {
	base := eiaForm(1)
	cases := []struct {
		name  string
		edit  func(*catalog.Item)
		field string
		key   string
	}{
		{"no legal basis", func(it *catalog.Item) { it.Doc.LegalBasis = nil }, "doc.legal_basis", "catalog.error.basis_required"},
		{"promised over statutory", func(it *catalog.Item) { it.Doc.Promised.Days = 31 }, "doc.promised", "catalog.error.promised_exceeds"},
		{"visit without reason", func(it *catalog.Item) { it.Doc.Visits = 1 }, "doc.visit_reason", "catalog.error.visit_reason"},
		{"hub material without element", func(it *catalog.Item) {
			it.Doc.Materials[0].Source = catalog.FromHub
		}, "doc.materials[0].hub_element", "catalog.error.hub_element"},
		{"fee formula over a text field", func(it *catalog.Item) {
			it.Doc.Fees = []catalog.Fee{{Name: "审查费", Formula: "project_name * 2", Basis: catalog.Basis{Law: "x"}}}
		}, "doc.fees[0].formula", "catalog.error.fee_field"},
		{"fee with amount and formula", func(it *catalog.Item) {
			it.Doc.Fees = []catalog.Fee{{Name: "审查费", Amount: "1", Formula: "area", Basis: catalog.Basis{Law: "x"}}}
		}, "doc.fees[0].amount", "catalog.error.fee_amount"},
		{"flow cycle", func(it *catalog.Item) { it.Doc.Flow[0].After = []string{"decide"} }, "doc.flow", "catalog.error.flow_cycle"},
		{"unknown step", func(it *catalog.Item) { it.Doc.Flow[3].After = []string{"nope"} }, "doc.flow[3].after", "catalog.error.step_after"},
		{"shares", func(it *catalog.Item) { it.Doc.Flow[0].Share = 20 }, "doc.flow", "catalog.error.flow_share"},
		{"duplicate form key", func(it *catalog.Item) { it.Doc.Form[1].Key = "project_name" }, "doc.form[1].key", "catalog.error.field_duplicate"},
		{"bad type", func(it *catalog.Item) { it.Type = "55" }, "type", "catalog.error.type"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			it := clone(base)
			c.edit(&it)
			err := catalog.Check(it, false)
			found := false
			for _, fe := range errs.Fields(err) {
				if fe.Field == c.field && fe.Key == c.key {
					found = true
				}
			}
			if !found {
				t.Fatalf("want %s on %s, got %v", c.key, c.field, err)
			}
		})
	}
	if err := catalog.Check(base, true); err != nil {
		t.Fatalf("a complete item fails: %v", err)
	}
	merged := clone(base)
	merged.Covers = []string{"000201001002", "000201001003"}
	if err := catalog.Check(merged, false); err != nil {
		t.Fatalf("a merged item may be stored as reported: %v", err)
	}
	if fe := errs.Fields(catalog.Check(merged, true)); len(fe) != 1 || fe[0].Key != "catalog.error.merged" {
		t.Fatalf("publishing a merged leaf: %v", fe)
	}
	if fl := catalog.Flags(merged); len(fl) != 1 || fl[0].Code != "merged" {
		t.Fatalf("flags %v", fl)
	}
}

func clone(it catalog.Item) catalog.Item {
	c := it
	c.Doc.Materials = append([]catalog.Material(nil), it.Doc.Materials...)
	c.Doc.Form = append([]catalog.Field(nil), it.Doc.Form...)
	c.Doc.Flow = nil
	for _, s := range it.Doc.Flow {
		s.After = append([]string(nil), s.After...)
		c.Doc.Flow = append(c.Doc.Flow, s)
	}
	return c
}

func TestCreateManyIsAllOrNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _, dept := newCatalog(t, d)
		ctx := asCatalogAdmin()
		bad := eiaForm(dept)
		bad.Code = "EIA-BOOK"
		bad.Doc.LegalBasis = nil
		err := s.CreateMany(ctx, []catalog.Item{eiaMain(dept), eiaForm(dept), bad})
		fe := errs.Fields(err)
		if len(fe) != 1 || fe[0].Field != "items[2].doc.legal_basis" {
			t.Fatalf("want the third item's legal basis named, got %v", err)
		}
		// A tree error found while writing also rolls back what was written.
		orphan := eiaForm(dept)
		orphan.ParentCode = "NO-SUCH"
		err = s.CreateMany(ctx, []catalog.Item{eiaMain(dept), orphan})
		if fe := errs.Fields(err); len(fe) != 1 || fe[0].Field != "items[1].parent_code" {
			t.Fatalf("orphan: %v", err)
		}
		sub := eiaMain(dept)
		sub.Code, sub.Node, sub.ParentCode = "EIA-SUB", catalog.Sub, "EIA-FORM"
		err = s.CreateMany(ctx, []catalog.Item{eiaMain(dept), eiaForm(dept), sub})
		if fe := errs.Fields(err); len(fe) != 1 || fe[0].Key != "catalog.error.parent_node" {
			t.Fatalf("sub-item under a leaf: %v", err)
		}
		if _, total, _ := s.Items(ctx, catalog.Filter{}); total != 0 {
			t.Fatalf("%d items left behind by failed creations", total)
		}
	})
}

func TestVersionsKeepWhatCasesWereFiledUnder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, clk, dept := newCatalog(t, d)
		ctx := asCatalogAdmin()
		if err := s.CreateMany(ctx, []catalog.Item{eiaMain(dept), eiaForm(dept)}); err != nil {
			t.Fatal(err)
		}
		it, _ := s.ItemByCode(ctx, county, "EIA-FORM")
		v1, err := s.Publish(ctx, it.ID, time.Time{}, "首次发布")
		if err != nil || v1.Version != 1 || v1.Status != catalog.Published || v1.ApprovedBy != "catalog-admin" {
			t.Fatalf("publish: %+v %v", v1, err)
		}
		if _, err := s.Publish(ctx, it.ID, time.Time{}, ""); errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("publishing again without a change: %v", err)
		}
		rev, _ := s.Item(ctx, it.ID)
		rev.Doc.Promised.Days = 5
		v2, err := s.Revise(ctx, rev)
		if err != nil || v2.Version != 2 || len(v2.Diff) != 1 || v2.Diff[0].Field != "doc.promised.days" ||
			v2.Diff[0].Old != "10" || v2.Diff[0].New != "5" {
			t.Fatalf("revise: %+v %v", v2, err)
		}
		if cur, _ := s.Item(ctx, it.ID); cur.Doc.Promised.Days != 10 || cur.Version != 1 {
			t.Fatalf("a pending revision changed what is in force: %+v", cur.Doc.Promised)
		}
		from := clk.t.Add(72 * time.Hour)
		v2, err = s.Publish(ctx, it.ID, from, "压缩承诺时限")
		if err != nil || v2.Status != "scheduled" {
			t.Fatalf("scheduled publish: %+v %v", v2, err)
		}
		if n, err := s.Activate(ctx); n != 0 || err != nil {
			t.Fatalf("activated early: %d %v", n, err)
		}
		clk.t = from.Add(time.Minute)
		if n, err := s.Activate(ctx); n != 1 || err != nil {
			t.Fatalf("activate: %d %v", n, err)
		}
		cur, _ := s.Item(ctx, it.ID)
		if cur.Version != 2 || cur.Doc.Promised.Days != 5 || !cur.EffectiveFrom.Equal(from) {
			t.Fatalf("in force: v%d %d days from %v", cur.Version, cur.Doc.Promised.Days, cur.EffectiveFrom)
		}
		old, err := s.ItemVersion(ctx, it.ID, 1)
		if err != nil || old.Doc.Promised.Days != 10 {
			t.Fatalf("version 1 as filed: %+v %v", old.Doc.Promised, err)
		}
		vs, _ := s.Versions(ctx, it.ID)
		if len(vs) != 2 || vs[0].Status != catalog.Published || vs[1].Status != "superseded" || vs[0].Note != "压缩承诺时限" {
			t.Fatalf("versions: %+v", vs)
		}
		if err := s.Withdraw(ctx, it.ID, "取消"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ItemVersion(ctx, it.ID, 9); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("missing version: %v", err)
		}
	})
}

func TestMergedLeafIsNeverPublished(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _, dept := newCatalog(t, d)
		ctx := asCatalogAdmin()
		merged := eiaForm(dept)
		merged.Status = catalog.Reported
		merged.Name = "建设项目环境影响评价审批（报告书、报告表、登记表）"
		merged.Covers = []string{"000201001001", "000201001002", "000201001003"}
		if err := s.CreateMany(ctx, []catalog.Item{eiaMain(dept), merged}); err != nil {
			t.Fatalf("a reported list keeps its merged item for the audit: %v", err)
		}
		it, _ := s.ItemByCode(ctx, county, "EIA-FORM")
		if len(it.Covers) != 3 {
			t.Fatalf("covers %v", it.Covers)
		}
		if _, err := s.Publish(ctx, it.ID, time.Time{}, ""); err == nil {
			t.Fatal("a reported item was published")
		}
		merged.Status = catalog.Published
		merged.Code = "EIA-2"
		err := s.CreateMany(ctx, []catalog.Item{merged})
		if fe := errs.Fields(err); len(fe) != 1 || fe[0].Key != "catalog.error.merged" {
			t.Fatalf("publishing a merged leaf: %v", err)
		}
	})
}

func TestStandardCatalogAndDuties(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _, dept := newCatalog(t, d)
		ctx := asCatalogAdmin()
		law := []catalog.Basis{{Law: "《中华人民共和国环境影响评价法》", Article: "第二十二条"}}
		std := []catalog.BasicItem{
			{Code: "000201001000", Node: catalog.Main, Name: "建设项目环境影响评价文件审批", Type: "01", List: catalog.PowerList,
				UseLevels: []int{3, 4}, DeptKind: "environmental_protection", LegalBasis: law},
			{Code: "000201001002", ParentCode: "000201001000", Node: catalog.Handling, Name: "报告表审批", Type: "01",
				List: catalog.PowerList, UseLevels: []int{4}, DeptKind: "environmental_protection", StatutoryDays: 30, LegalBasis: law},
		}
		if err := s.PutBasic(ctx, std); err != nil {
			t.Fatal(err)
		}
		if err := s.PutBasic(ctx, std); err != nil {
			t.Fatalf("putting the same standard twice: %v", err)
		}
		county4, err := s.BasicItems(ctx, catalog.LevelCounty)
		if err != nil || len(county4) != 2 || county4[1].StatutoryDays != 30 || county4[1].ParentCode != "000201001000" {
			t.Fatalf("basic items: %+v %v", county4, err)
		}
		bad := std[1]
		bad.Code, bad.LegalBasis = "000201001003", nil
		if fe := errs.Fields(s.PutBasic(ctx, []catalog.BasicItem{bad})); len(fe) != 1 || fe[0].Field != "basic[0].legal_basis" {
			t.Fatalf("basic item without basis: %v", fe)
		}
		duty := catalog.Duty{Jurisdiction: county, Code: "D-DOG", Name: "流浪犬管理", LegalBasis: law, Lead: []int64{dept}}
		if _, err := s.PutDuty(ctx, duty); err != nil {
			t.Fatal(err)
		}
		duty.Cooperate = []int64{dept}
		if _, err := s.PutDuty(ctx, duty); errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("one department both lead and cooperating: %v", err)
		}
		ds, err := s.Duties(ctx, county)
		if err != nil || len(ds) != 1 || len(ds[0].Lead) != 1 || len(ds[0].Cooperate) != 0 {
			t.Fatalf("duties %+v %v", ds, err)
		}
	})
}

func TestFeeFormula(t *testing.T) {
	values := map[string]string{"area": "1234.5", "floors": "3"}
	for _, c := range []struct {
		formula string
		fen     int64
	}{
		{"area * 1.5", 185175},
		{"max(100, area * 0.01)", 10000},
		{"min(floors, 2) * (area - 234.5) / 1000", 200},
		{"-(-3)", 300},
	} {
		got, err := catalog.Fee{Name: "x", Formula: c.formula}.Fen(values)
		if err != nil || got != c.fen {
			t.Errorf("%s = %d fen (%v), want %d", c.formula, got, err, c.fen)
		}
	}
	for _, bad := range []string{"area *", "1 / (floors - 3)", "nope + 1", "area ** 2", "(area", strings.Repeat("(", 50) + "1"} {
		if _, err := (catalog.Fee{Name: "x", Formula: bad}).Fen(values); err == nil {
			t.Errorf("%q evaluated", bad)
		}
	}
	if got, err := (catalog.Fee{Name: "x", Amount: "10.005"}).Fen(nil); err != nil || got != 1001 {
		t.Errorf("fixed amount rounds half up: %d %v", got, err)
	}
}

func FuzzFormula(f *testing.F) {
	for _, s := range []string{"area * 1.5", "max(1, min(2, x))", "-(-3)", "((1)", "1/0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fields, err := catalog.FormulaFields(s)
		if err != nil {
			return
		}
		values := map[string]string{}
		for _, k := range fields {
			values[k] = "2"
		}
		_, _ = catalog.Fee{Name: "x", Formula: s}.Fen(values) // must not panic
	})
}

func TestLayersPutParallelStepsSideBySide(t *testing.T) {
	layers, err := catalog.Layers(eiaForm(1).Doc.Flow)
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != 3 || len(layers[1]) != 2 || layers[2][0].Key != "decide" {
		t.Fatalf("layers %+v", layers)
	}
}
