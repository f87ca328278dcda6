package demo_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/demo"
	"github.com/govhall/govhall/internal/org"
)

// hubElements are the data hub's element names a form field or material
// may name; licenceTypes are the hub's demo licence types.
var hubElements = strings.Fields(`person.id_number person.name person.former_names person.sex person.ethnicity
	person.birth_date person.hukou_address person.hukou_division person.current_address person.phone
	person.marital_status person.spouse.id_number person.spouse.name person.children.count person.children.names
	person.father.name person.mother.name entity.credit_code entity.name entity.type entity.legal_representative
	entity.registered_capital entity.address entity.business_scope entity.established_on`)

var licenceTypes []string

// hubLicenceTypes reads the licence types the hub's schema defines, so an
// item can never name a type the hub does not know.
func hubLicenceTypes(t *testing.T) []string {
	t.Helper()
	rows, err := dbtest.SQLite(t).Query(context.Background(), "SELECT code FROM hub_licence_types ORDER BY code")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		t.Fatal("the hub defines no licence types")
	}
	return out
}

// Every hand-written item, as each of its jurisdictions publishes it,
// passes the publishing check; it implements one standard leaf of its own
// file; its prerequisites exist; it names only real hub elements and
// licence types; and every field a person reads is filled.
func TestHandWrittenItemsAreCompleteAndPublishable(t *testing.T) {
	licenceTypes = hubLicenceTypes(t)
	st, err := demo.LoadStories()
	if err != nil {
		t.Fatal(err)
	}
	leaves := map[string]catalog.BasicItem{}
	for _, f := range st.Files {
		for _, b := range f.Basic {
			leaves[b.Code] = b
		}
	}
	if len(st.Items) < 20 {
		t.Fatalf("%d hand-written items, want the stories' and a dozen more", len(st.Items))
	}
	for _, s := range st.Items {
		name := s.File + ": " + s.Item.Name
		if len(s.Item.Covers) != 1 || leaves[s.Item.Covers[0]].Node != catalog.Handling {
			t.Errorf("%s: covers %v, want one standard leaf", name, s.Item.Covers)
			continue
		}
		b := leaves[s.Item.Covers[0]]
		for _, p := range s.Item.Doc.Prerequisites {
			if _, ok := leaves[p]; !ok {
				t.Errorf("%s: prerequisite %s is no standard item", name, p)
			}
		}
		checkComplete(t, name, s.Item, b)
		for _, code := range s.Jurisdictions() {
			jur := org.Jurisdiction{Code: code, Name: "某地"}
			it := s.ItemAt(jur, org.Department{ID: 1, CreditCode: "11341600300000012X", Name: "某局"})
			if err := catalog.Check(it, true); err != nil {
				t.Errorf("%s at %s: %v", name, code, err)
			}
			if !slices.ContainsFunc(b.UseLevels, func(l int) bool { return slices.Contains(it.Doc.UseLevels, l) }) {
				t.Errorf("%s published at %s, a level its standard item %v is not used at", name, code, b.UseLevels)
			}
			if it.Doc.Place == "" || it.Doc.Hours == "" || it.Doc.Consult == "" || it.Doc.Complaint == "" {
				t.Errorf("%s at %s: place, hours or channels left empty", name, code)
			}
		}
	}
}

func checkComplete(t *testing.T, name string, it catalog.Item, b catalog.BasicItem) {
	t.Helper()
	d := it.Doc
	if d.Conditions == "" || len(d.Materials) == 0 || len(d.Form) == 0 || len(d.Flow) == 0 || len(d.Results) == 0 ||
		len(it.Events) == 0 || it.NameEN == "" || d.PowerSource == 0 || d.BodyNature == 0 || d.OnlineDepth == 0 {
		t.Errorf("%s: a field a person reads is empty", name)
	}
	if d.Statutory.Days != b.StatutoryDays {
		t.Errorf("%s: statutory %d, its standard item says %d", name, d.Statutory.Days, b.StatutoryDays)
	}
	risks := 0
	for _, s := range d.Flow {
		risks += len(s.Risks)
		if s.Post == "" {
			t.Errorf("%s: step %s has no post", name, s.Key)
		}
	}
	if risks == 0 {
		t.Errorf("%s: no integrity-risk point", name)
	}
	for _, f := range d.Form {
		if f.HubElement != "" && !slices.Contains(hubElements, f.HubElement) {
			t.Errorf("%s: field %s names hub element %q", name, f.Key, f.HubElement)
		}
	}
	for _, m := range d.Materials {
		if m.HubElement != "" && !slices.Contains(hubElements, m.HubElement) {
			t.Errorf("%s: material %s names hub element %q", name, m.Name, m.HubElement)
		}
		if m.LicenceType != "" && !slices.Contains(licenceTypes, m.LicenceType) {
			t.Errorf("%s: material %s names licence type %q", name, m.Name, m.LicenceType)
		}
	}
	for _, r := range d.Results {
		if r.LicenceType != "" && !slices.Contains(licenceTypes, r.LicenceType) {
			t.Errorf("%s: result %s names licence type %q", name, r.Name, r.LicenceType)
		}
	}
	if flags := catalog.Flags(it); len(flags) > 0 {
		t.Errorf("%s: granularity flags %v", name, flags)
	}
}

// The stories' items are there as the seed tells them: EIA approval as
// three leaves with 60, 30 and 15 days; first and second child apart;
// domestic and foreign-invested companies apart; the floating-population
// certificate at 赵庄村's town, received by the village proxy point.
func TestStoryItemsAreSplitAsTheSeedSays(t *testing.T) {
	st, err := demo.LoadStories()
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]demo.StoryItem{}
	for _, s := range st.Items {
		byName[s.Item.Name] = s
	}
	for name, days := range map[string]int{"建设项目环境影响报告书审批": 60, "建设项目环境影响报告表审批": 30, "建设项目环境影响登记表审批": 15} {
		s, ok := byName[name]
		if !ok || s.Item.Doc.Statutory.Days != days || len(s.Item.Doc.Fees) != 0 {
			t.Errorf("%s: %+v", name, s.Item.Doc.Statutory)
		}
	}
	for _, name := range []string{"生育服务登记（第一个子女）", "再生育审批（第二个子女）", "内资公司设立登记", "外商投资公司设立登记",
		"建设项目竣工环境保护验收", "食品经营许可（新办）"} {
		if _, ok := byName[name]; !ok {
			t.Errorf("no item %s", name)
		}
	}
	fp := byName["流动人口婚育证明办理"]
	if fp.Jurisdictions()[0] != "341602108000" || fp.Item.Doc.Flow[0].Post != "代办员" {
		t.Errorf("floating-population certificate: at %v, first step %+v", fp.At, fp.Item.Doc.Flow[0])
	}
	if acc := byName["建设项目竣工环境保护验收"]; len(acc.Item.Doc.Prerequisites) != 3 {
		t.Errorf("completion acceptance should require one of the three EIA approvals: %v", acc.Item.Doc.Prerequisites)
	}
}
