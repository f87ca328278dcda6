package hub

import (
	"context"
	"testing"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/hub/synth"
	"github.com/govhall/govhall/internal/ids"
)

// The licence-type catalog seeded by the migration is the generator's:
// same codes, names, holders, issuing departments and data items; every
// code is a valid credit code + 3 digits, and each type's issuing
// department is its authoritative source.
func TestLicenceTypesAgreeWithTheGenerator(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		got, err := s.LicenceTypes(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		byCode := map[string]LicenceType{}
		for _, lt := range got {
			byCode[lt.Code] = lt
			if err := ids.ValidateCreditCode(lt.Code[:18]); err != nil || len(lt.Code) != 21 || !lt.Demo {
				t.Errorf("type %s: %v", lt.Code, err)
			}
		}
		src, err := s.sources(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		want := synth.LicenceTypes()
		if len(want) != len(got) {
			t.Fatalf("%d types in the hub, %d in the generator", len(got), len(want))
		}
		for _, w := range want {
			g := byCode[w.Code]
			holder := "person"
			if w.HolderKind == synth.HolderEntity {
				holder = "entity"
			}
			if g.Name != w.Name || g.NameEN != w.NameEN || g.DepartmentKind != w.Department || g.HolderKind != holder ||
				len(g.DataItems) != len(w.Items) || src["licence."+w.Code] != w.Department {
				t.Errorf("type %s: hub %+v, generator %+v", w.Code, g, w)
				continue
			}
			for i, it := range w.Items {
				if g.DataItems[i] != it.Key {
					t.Errorf("type %s item %d: %s, want %s", w.Code, i, g.DataItems[i], it.Key)
				}
			}
		}
	})
}

// Stats count each database and each source's records and show the last
// import of each source and kind; Imports lists the newest first.
func TestStatsAndImports(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		mustImport(t, s, ImportRequest{Source: "public_security", Kind: KindPopulation, Path: registryFile(t, 0, 30)})
		second := mustImport(t, s, ImportRequest{Source: "public_security", Kind: KindPopulation, Path: registryFile(t, 25, 40)})
		a, b := personID(t, 0), personID(t, 1)
		m := writeFile(t, "m.csv", "公民身份号码,婚姻状况,配偶公民身份号码", a+",已婚,"+b, b+",已婚,"+a, personID(t, 2)+",未婚,")
		mustImport(t, s, ImportRequest{Source: "civil_affairs", Kind: KindPopulation, Path: m})
		st, err := s.Stats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int64{"population//": 40, "entity//": 0, "licence//": 0,
			"population/public_security/registry": 40, "population/civil_affairs/marriages": 3,
			"population/health_family_planning/births": 0, "entity/market_regulation/entities": 0}
		for _, c := range append(st.Databases, st.Sources...) {
			k := c.Database + "/" + c.Source + "/" + c.Element
			if n, ok := want[k]; !ok || n != c.Records {
				t.Errorf("%s: %d records, want %d", k, c.Records, n)
			}
		}
		if len(st.Last) != 2 || st.Last[1].ID != second.ImportID || st.Last[1].Inserted != 10 || st.Last[1].Unchanged != 5 {
			t.Fatalf("last imports: %+v", st.Last)
		}
		list, err := s.Imports(context.Background(), 0)
		if err != nil || len(list) != 3 || list[0].Source != "civil_affairs" || list[0].Status != "done" || list[0].FinishedAt == nil {
			t.Fatalf("imports: %+v %v", list, err)
		}
	})
}
