package catalog_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/ids"
	"github.com/govhall/govhall/internal/org"
)

// sheetCounty is the county whose list the sheet tests move around.
const sheetCounty = "341621000000"

// sheetHall is a store with the city, one county and three of its
// departments, and a
// catalog service acting as the catalog administrator.
type sheetHall struct {
	s    *catalog.Service
	ctx  context.Context
	deps []int64 // env protection, civil affairs, the second civil affairs
}

func newSheetHall(t testing.TB, d *db.DB) *sheetHall {
	t.Helper()
	ctx := actor.With(context.Background(), actor.Actor{Kind: "catalog_admin", ID: "catalog-admin"})
	l, err := audit.New(audit.SM3, nil)
	if err != nil {
		t.Fatal(err)
	}
	o := &org.Service{DB: d, Audit: l}
	for _, j := range []org.Jurisdiction{
		{Code: "341600000000", GBT2260: "341600", Kind: "city", Name: "亳州市"},
		{Code: sheetCounty, GBT2260: "341621", ParentCode: "341600000000", Kind: "county", Name: "涡阳县"},
	} {
		if _, err := o.CreateJurisdiction(ctx, j); err != nil {
			t.Fatal(err)
		}
	}
	h := &sheetHall{ctx: ctx}
	for i, dep := range []org.Department{
		{Kind: "environmental_protection", Name: "涡阳县环境保护局"},
		{Kind: "civil_affairs", Name: "涡阳县民政局"},
		{Kind: "civil_affairs_branch", Name: "涡阳县民政局婚姻登记处（含,逗号）"},
	} {
		dep.JurisdictionCode = sheetCounty
		if dep.CreditCode, err = ids.MakeCreditCode("11", "341621", fmt.Sprintf("0030000%d", i+1)); err != nil {
			t.Fatal(err)
		}
		created, err := o.CreateDepartment(ctx, dep)
		if err != nil {
			t.Fatal(err)
		}
		h.deps = append(h.deps, created.ID)
	}
	now := time.Date(2014, 12, 1, 2, 0, 0, 0, time.UTC)
	h.s = &catalog.Service{DB: d, Audit: l, Now: func() time.Time { return now }}
	return h
}

// tricky texts: commas, quotes, line breaks (LF and CRLF), spaces at the
// ends, full-width punctuation, and text that looks like a number.
var tricky = []string{
	"申请人应当提交真实、完整的材料，并对其真实性负责。",
	"含\"双引号\"和,半角逗号",
	"第一行\n第二行\n第三行",
	"Windows 换行\r\n第二行",
	"  前后有空格  ",
	"0012345678901234567890",
	"=SUM(A1:A2)",
	"1.5E+10",
}

// genList generates a county list of about n items in groups of five (a
// main item, a sub-item, three business-handling leaves), the standard
// catalog the leaves implement, and a few duties. Every leaf has legal
// bases, materials, a form, a three-step flow with risk points, results and
// every other field of the model; cells carry the tricky texts in turn.
//
// CSV keeps no carriage return inside a cell (encoding/csv reads CRLF as
// LF), so with crlf false the texts use LF only.
func genList(n int, deps []int64, crlf bool) ([]catalog.BasicItem, []catalog.Item, []catalog.Duty) {
	r := rand.New(rand.NewPCG(2014, 12))
	tricky := slices.Clone(tricky)
	for i := range tricky {
		if !crlf {
			tricky[i] = strings.ReplaceAll(tricky[i], "\r\n", "\n")
		}
	}
	var basics []catalog.BasicItem
	var items []catalog.Item
	for g := 0; len(items) < n; g++ {
		bMain, bSub := fmt.Sprintf("0003%08d", g*10), fmt.Sprintf("0003%08d", g*10+1)
		iMain, iSub := fmt.Sprintf("113416210030%06d", g*10), fmt.Sprintf("113416210030%06d", g*10+1)
		basis := []catalog.Basis{{Law: "《中华人民共和国行政许可法》", Article: fmt.Sprintf("第%d条", 12+g%20), Text: tricky[g%len(tricky)]}}
		basics = append(basics,
			catalog.BasicItem{Code: bMain, Node: catalog.Main, Name: fmt.Sprintf("生成主项%d", g), Type: "01",
				List: catalog.PowerList, UseLevels: []int{3, 4}, DeptKind: "environmental_protection", LegalBasis: basis, Generated: true},
			catalog.BasicItem{Code: bSub, ParentCode: bMain, Node: catalog.Sub, Name: fmt.Sprintf("生成子项%d", g), Type: "01",
				List: catalog.PowerList, UseLevels: []int{4}, DeptKind: "environmental_protection", LegalBasis: basis, StatutoryDays: 20})
		items = append(items,
			catalog.Item{Jurisdiction: sheetCounty, Code: iMain, Node: catalog.Main, DepartmentID: deps[0], Name: fmt.Sprintf("生成主项%d", g),
				Type: "01", List: catalog.PowerList, Generated: true, Doc: catalog.Doc{LegalBasis: basis, CaseType: catalog.Promised}},
			catalog.Item{Jurisdiction: sheetCounty, Code: iSub, ParentCode: iMain, Node: catalog.Sub, DepartmentID: deps[0],
				Name: fmt.Sprintf("生成子项%d，含逗号", g), Type: "01", List: catalog.PowerList,
				Doc: catalog.Doc{LegalBasis: basis, CaseType: catalog.Promised, Note: tricky[(g+1)%len(tricky)]}})
		for k := 0; k < 3 && len(items) < n; k++ {
			bLeaf := fmt.Sprintf("0003%08d", g*10+2+k)
			basics = append(basics, catalog.BasicItem{Code: bLeaf, ParentCode: bSub, Node: catalog.Handling,
				Name: fmt.Sprintf("生成业务办理项%d-%d", g, k), Type: "01", List: catalog.PowerList, UseLevels: []int{4},
				DeptKind: "environmental_protection", LegalBasis: basis, StatutoryDays: 20})
			leaf := genLeaf(r, g, k, deps, tricky)
			leaf.Code, leaf.ParentCode, leaf.Covers = fmt.Sprintf("113416210030%06d", g*10+2+k), iSub, []string{bLeaf}
			items = append(items, leaf)
		}
	}
	duties := []catalog.Duty{
		{Jurisdiction: sheetCounty, Code: "ZR-001", Name: "流浪犬只管理", Content: tricky[2], Accountability: tricky[1],
			LegalBasis: []catalog.Basis{{Law: "《安徽省动物防疫条例》", Article: "第十条"}}, Lead: []int64{deps[0], deps[2]}, Cooperate: []int64{deps[1]}},
		{Jurisdiction: sheetCounty, Code: "ZR-002", Name: "婚姻登记", LegalBasis: []catalog.Basis{{Law: "《婚姻登记条例》"}},
			Lead: []int64{deps[1]}, Cooperate: []int64{}},
	}
	return basics, items, duties
}

func genLeaf(r *rand.Rand, g, k int, deps []int64, tricky []string) catalog.Item {
	t := func(i int) string { return tricky[(g+k+i)%len(tricky)] }
	area := 1.5
	it := catalog.Item{Jurisdiction: sheetCounty, Node: catalog.Handling, DepartmentID: deps[r.IntN(len(deps))],
		Name: fmt.Sprintf("生成业务办理项%d-%d（新设）", g, k), NameEN: "Generated, \"quoted\" item", Type: "01",
		List: catalog.PowerList, Events: []string{"building", "business"}[:1+k%2], Generated: g%2 == 0}
	it.Doc = catalog.Doc{
		LegalBasis: []catalog.Basis{{Law: "《中华人民共和国环境影响评价法》", Article: "第二十二条", Text: t(0)},
			{Law: "《建设项目环境保护管理条例》"}},
		PowerSource: 1 + r.IntN(6), BodyNature: 1 + r.IntN(3), UseLevels: []int{catalog.LevelCounty, catalog.LevelTown},
		Conditions: t(1), Statutory: catalog.Limit{Days: 20, Note: t(2)}, Promised: catalog.Limit{Days: 5 + r.IntN(15), Note: "材料齐全后起算"},
		CaseType: catalog.Promised, Objects: []int{catalog.ObjectEnterprise, catalog.ObjectInstitution}[:1+k%2],
		Online: true, OnlineDepth: 1 + r.IntN(4), Channels: catalog.Channels{Payment: k == 0, Express: true, Appointment: k == 2},
		Place: "涡阳县政务服务中心二楼 B-12 窗口", Hours: "周一至周五 8:30-12:00，14:30-17:30", Consult: "0558-7211234",
		Complaint: "12345", SpecialProcedures: []string{"专家评审", "听证"}[:k%3], JointBodies: []string{"land_resources"}[:k%2],
		Materials: []catalog.Material{
			{Name: "建设项目环境影响报告表", Necessity: "required", Kind: "original", Source: catalog.FromApplicant, Copies: 2,
				Sample: t(3), Standard: t(4), Note: t(5)},
			{Name: "营业执照", Necessity: "required", Kind: "licence", Source: catalog.FromLicence, LicenceType: "11100000DEM0000495001"},
			{Name: "法定代表人身份证明", Necessity: "conditional", Kind: "copy", Source: catalog.FromHub, HubElement: "entity.legal_representative",
				Condition: "委托办理时", Set: "委托办理"},
		},
		Form: []catalog.Field{
			{Key: "project_name", Label: "项目名称", LabelEN: "Project, name", Type: "text", Required: true, Pattern: `^\S.{0,99}$`},
			{Key: "area", Label: "建筑面积（平方米）", Type: "number", Min: new(float64), Max: &area},
			{Key: "kind", Label: "项目类别", Type: "select", Options: []string{"新建", "改建, 扩建", "技术改造"}},
			{Key: "builder", Label: "建设单位", Type: "text", HubElement: "entity.name"},
		},
		Flow: []catalog.Step{
			{Key: "accept", Name: "受理", NameEN: "Accept", DeptKind: "environmental_protection", Post: "受理岗", Share: 20,
				Risks: []catalog.Risk{{Point: "不按规定受理", Grade: "medium", Measure: "一次性告知", Post: "受理岗"}}},
			{Key: "review", Name: "审查", DeptKind: "environmental_protection", Post: "审查岗", Share: 50, After: []string{"accept"},
				Risks: []catalog.Risk{{Point: t(6), Grade: "high", Measure: "两人以上同行", Post: "审查岗"},
					{Point: "擅自降低标准", Grade: "low", Measure: "集体审议", Post: "科长"}}},
			{Key: "decide", Name: "决定", DeptKind: "environmental_protection", Post: "决定岗", Share: 30, After: []string{"review"}},
		},
		Results:       []catalog.Result{{Name: "环境影响报告表批复", Kind: "approval", LicenceType: "11100000DEM0000495002"}},
		Prerequisites: []string{fmt.Sprintf("0003%08d", g*10+2)}[:k/2],
		Note:          t(7),
	}
	if k == 1 {
		it.Doc.Visits, it.Doc.VisitReason, it.Doc.VisitNote = 1, "photo", "现场拍照"
		it.Doc.Fees = []catalog.Fee{{Name: "工本费", FeeCode: "000400000001", Amount: "10.00",
			Basis: catalog.Basis{Law: "《收费标准》", Article: "第三条", Text: t(1)}, Exemption: "低保户免收"},
			{Name: "审查费", Formula: "area * 1.5", Basis: catalog.Basis{Law: "《收费标准》"}}}
	}
	return it
}

// normalize makes empty slices nil and zeroes what a store assigns (IDs,
// times, versions, status), so items of two stores compare field by field.
func normalize(v any) any {
	rv := reflect.ValueOf(v)
	out := reflect.New(rv.Type()).Elem()
	out.Set(rv)
	zeroSlices(out)
	for _, f := range []string{"ID", "ParentID", "CreatedAt", "UpdatedAt", "Version", "EffectiveFrom", "Status"} {
		if fv := out.FieldByName(f); fv.IsValid() {
			fv.SetZero()
		}
	}
	return out.Interface()
}

func zeroSlices(v reflect.Value) {
	switch v.Kind() {
	case reflect.Slice:
		if v.Len() == 0 {
			v.SetZero()
			return
		}
		for i := 0; i < v.Len(); i++ {
			zeroSlices(v.Index(i))
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				zeroSlices(v.Field(i))
			}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			zeroSlices(v.Elem())
		}
	}
}
