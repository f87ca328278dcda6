package catalog_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/org"
)

// Division codes of the search fixtures.
const (
	cityCode   = "341600000000"
	qiaocheng  = "341602000000"
	guoyang    = "341621000000"
	searchTime = "2015-03-02T08:00:00Z"
)

// searchHall is a store with the city and two counties, and a catalog
// service on it.
func searchHall(t testing.TB, d *db.DB) (*catalog.Service, context.Context) {
	t.Helper()
	now, _ := time.Parse(time.RFC3339, searchTime)
	clock := func() time.Time { return now }
	al, err := audit.New("sm3", clock)
	if err != nil {
		t.Fatal(err)
	}
	ctx := actor.With(context.Background(), actor.System("test"))
	o := &org.Service{DB: d, Audit: al, Now: clock}
	for _, j := range []org.Jurisdiction{
		{Code: cityCode, GBT2260: "341600", Kind: "city", Name: "亳州市"},
		{Code: qiaocheng, GBT2260: "341602", ParentCode: cityCode, Kind: "district", Name: "谯城区"},
		{Code: guoyang, GBT2260: "341621", ParentCode: cityCode, Kind: "county", Name: "涡阳县"},
	} {
		if _, err := o.CreateJurisdiction(ctx, j); err != nil {
			t.Fatal(err)
		}
	}
	return &catalog.Service{DB: d, Audit: al, Now: clock}, ctx
}

// leaf is a complete, publishable business-handling item.
func leaf(jur, code, name string, materials ...string) catalog.Item {
	it := catalog.Item{Jurisdiction: jur, Code: code, Node: catalog.Handling, Name: name, Type: "07",
		List: catalog.PowerList, Status: catalog.Published, Events: []string{"marriage"},
		Doc: catalog.Doc{
			LegalBasis: []catalog.Basis{{Law: "《中华人民共和国行政许可法》", Article: "第十二条"}},
			Statutory:  catalog.Limit{Days: 5}, Promised: catalog.Limit{Days: 3},
			CaseType: catalog.Promised, Objects: []int{catalog.ObjectPerson}, Online: true, OnlineDepth: 3,
			Flow: []catalog.Step{
				{Key: "accept", Name: "受理", DeptKind: "health_family_planning", Post: "受理岗", Share: 30},
				{Key: "decide", Name: "决定", DeptKind: "health_family_planning", Post: "决定岗", Share: 70, After: []string{"accept"}},
			},
		}}
	for _, m := range materials {
		it.Doc.Materials = append(it.Doc.Materials, catalog.Material{Name: m, Necessity: "required", Kind: "copy", Source: catalog.FromApplicant})
	}
	return it
}

// names lists the names of items, in order.
func names(items []catalog.Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Name)
	}
	return out
}

var storyItems = []catalog.Item{
	leaf(qiaocheng, "QC-001", "流动人口婚育证明", "居民身份证", "结婚证"),
	leaf(qiaocheng, "QC-002", "生育服务登记"),
	leaf(qiaocheng, "QC-003", "再生育审批"),
	leaf(qiaocheng, "QC-004", "建设项目环境影响评价报告表审批"),
	leaf(qiaocheng, "QC-005", "建设项目环境影响评价登记表备案"),
	leaf(qiaocheng, "QC-006", "建设项目竣工环境保护验收"),
	leaf(qiaocheng, "QC-007", "餐饮服务食品经营许可变更"),
	leaf(qiaocheng, "QC-008", "食品经营许可证延续"),
	leaf(qiaocheng, "QC-009", "食品经营许可"),
	leaf(qiaocheng, "QC-010", "特殊食品经营许可备案（50%_测试）"),
	leaf(guoyang, "GY-001", "流动人口婚育证明"),
}

func TestSearchFindsChineseByAnyPartOfTheName(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, ctx := searchHall(t, d)
		if err := s.CreateMany(ctx, storyItems[:10]); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateMany(ctx, storyItems[10:]); err != nil {
			t.Fatal(err)
		}
		in := catalog.Filter{Jurisdiction: qiaocheng}
		cases := []struct {
			q    string
			want []string
		}{
			// Two characters: shorter than a trigram, still found.
			{"婚育", []string{"流动人口婚育证明"}},
			{"婚育证明", []string{"流动人口婚育证明"}},
			{"生育", []string{"再生育审批", "生育服务登记"}},
			{"环境影响评价", []string{"建设项目环境影响评价报告表审批", "建设项目环境影响评价登记表备案"}},
			// Every word must match, long or short.
			{"环境 验收", []string{"建设项目竣工环境保护验收"}},
			{"建设项目　验收", []string{"建设项目竣工环境保护验收"}}, // a full-width space separates too
			// A material's name finds the item that asks for it.
			{"结婚证", []string{"流动人口婚育证明"}},
			// LIKE's wildcards are plain characters in a query.
			{"50%_", []string{"特殊食品经营许可备案（50%_测试）"}},
			// Punctuation alone is no search term: grams are made of letters
			// and digits (and nothing matches everything).
			{"%", nil},
			{"_", nil},
			{"（", nil},
			{`"许可`, nil},
			{"离婚登记", nil},
			// Codes match whatever their case, long or short.
			{"qc-001", []string{"流动人口婚育证明"}},
			{"Qc 婚育", []string{"流动人口婚育证明"}},
		}
		for _, c := range cases {
			res, err := s.Search(ctx, c.q, in)
			if err != nil {
				t.Fatalf("search %q: %v", c.q, err)
			}
			gotNames, total := names(res.Items), res.Total
			slices.Sort(gotNames)
			if !slices.Equal(gotNames, c.want) || total != len(c.want) {
				t.Errorf("search %q: %v (total %d), want %v", c.q, gotNames, total, c.want)
			}
		}
	})
}

// The exact name comes first, then names that begin with the query, then
// the rest; among equals the shorter name first.
func TestSearchRanksExactThenPrefixThenRelevance(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, ctx := searchHall(t, d)
		if err := s.CreateMany(ctx, storyItems[:10]); err != nil {
			t.Fatal(err)
		}
		res, err := s.Search(ctx, "食品经营许可", catalog.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"食品经营许可", "食品经营许可证延续"}
		if n := names(res.Items); len(n) != 4 || !slices.Equal(n[:2], want) {
			t.Fatalf("ranking %v, want %v first, then the two that contain it", n, want)
		}
		res, err = s.Search(ctx, "婚育", catalog.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Items; len(got) != 1 || got[0].Doc.Materials[1].Name != "结婚证" || got[0].Covers == nil {
			t.Fatalf("a result should be the whole item: %+v", got)
		}
	})
}

// Only published items are found; filters and paging apply as in Items.
func TestSearchFiltersAndPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, ctx := searchHall(t, d)
		if err := s.CreateMany(ctx, storyItems[:10]); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateMany(ctx, storyItems[10:]); err != nil {
			t.Fatal(err)
		}
		draft := leaf(qiaocheng, "QC-100", "流动人口婚育证明（草稿）")
		draft.Status = catalog.Draft
		if _, err := s.Create(ctx, draft); err != nil {
			t.Fatal(err)
		}
		res, err := s.Search(ctx, "婚育证明", catalog.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 2 || len(res.Items) != 2 || res.More {
			t.Fatalf("both counties' published certificates, not the draft: %v", names(res.Items))
		}
		// Filters the index answers (tags) and one it does not (Prefix).
		for _, q := range []string{"婚育证明", "婚育", "婚育 证明"} {
			for _, f := range []catalog.Filter{{Jurisdiction: guoyang}, {Prefix: "341621"}, {Jurisdiction: guoyang, Level: "county", Object: catalog.ObjectPerson}} {
				res, err := s.Search(ctx, q, f)
				if err != nil || res.Total != 1 || res.Items[0].Jurisdiction != guoyang {
					t.Fatalf("%q, filter %+v: %v %d %v", q, f, names(res.Items), res.Total, err)
				}
			}
		}
		for _, f := range []catalog.Filter{{List: catalog.FeeList}, {Event: "building"}, {Type: "01"},
			{Object: catalog.ObjectEnterprise}, {DeptKind: "public_security"}} {
			for _, q := range []string{"婚育证明", "婚育"} {
				if res, _ := s.Search(ctx, q, f); res.Total != 0 {
					t.Errorf("%q, filter %+v ignored: %d results", q, f, res.Total)
				}
			}
		}
		if res, _ := s.Search(ctx, "婚育", catalog.Filter{Event: "marriage", Type: "07", List: catalog.PowerList}); res.Total != 2 {
			t.Errorf("filters that hold: %d results, want 2", res.Total)
		}
		var pages []string
		for off := 0; off < 4; off += 2 {
			res, err := s.Search(ctx, "建设项目", catalog.Filter{Limit: 2, Offset: off})
			if err != nil || res.Total != 3 {
				t.Fatalf("page at %d: total %d, %v", off, res.Total, err)
			}
			pages = append(pages, names(res.Items)...)
		}
		slices.Sort(pages)
		if len(slices.Compact(pages)) != 3 {
			t.Fatalf("two pages of two should hold the three items once each: %v", pages)
		}
		if res, err := s.Search(ctx, "建设项目", catalog.Filter{Limit: 2, Offset: 10}); err != nil || res.Total != 3 || len(res.Items) != 0 {
			t.Fatalf("a page past the end: %v, total %d, %v; want none of 3", names(res.Items), res.Total, err)
		}
		// No query: the filter's published items.
		if res, err := s.Search(ctx, "  ", catalog.Filter{Jurisdiction: qiaocheng}); err != nil || res.Total != 10 {
			t.Fatalf("empty query: %d, %v", res.Total, err)
		}
	})
}

func TestSearchRefusesOverlongQueries(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, ctx := searchHall(t, d)
		_, err := s.Search(ctx, strings.Repeat("许可", catalog.MaxQuery), catalog.Filter{})
		if e, ok := errs.As(err); !ok || e.Field != "q" || e.Code != errs.Invalid {
			t.Fatalf("overlong query: %v, want an invalid-input error on q", err)
		}
		_, err = s.Search(ctx, "婚育\xff", catalog.Filter{})
		if e, ok := errs.As(err); !ok || e.Field != "q" {
			t.Fatalf("invalid UTF-8: %v", err)
		}
	})
}

// On PostgreSQL, pg_trgm must see Chinese characters (a UTF-8 ctype; under
// ctype C it makes no trigrams of them); terms of three or more characters
// go through the trigram index, shorter ones through the grams' index.
func TestSearchUsesItsIndexesOnPostgres(t *testing.T) {
	d := dbtest.Postgres(t)
	s, ctx := searchHall(t, d)
	if err := s.CreateMany(ctx, storyItems[:10]); err != nil {
		t.Fatal(err)
	}
	var trgm string
	if err := d.QueryRow(ctx, "SELECT show_trgm('婚育证明')::text").Scan(&trgm); err != nil {
		t.Fatal(err)
	}
	if trgm == "{}" {
		t.Fatal("pg_trgm makes no trigrams of Chinese: the database's LC_CTYPE must be a UTF-8 locale (see README)")
	}
	for _, c := range []struct{ query, arg, index string }{
		{"SELECT s.key FROM catalog_search s WHERE s.text LIKE ?", "%婚育证明%", "catalog_search_text"},
		{"SELECT s.key FROM catalog_search s WHERE s.name LIKE ?", "%婚育证明%", "catalog_search_name"},
		{"SELECT t.key FROM catalog_search_terms t WHERE t.term = ? ORDER BY t.key LIMIT 20", "婚育", "catalog_search_terms_pkey"},
	} {
		var plan []string
		err := d.WithTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
				return err
			}
			if strings.Contains(c.query, "LIKE") { // not the key's B-tree walk
				if _, err := tx.Exec(ctx, "SET LOCAL enable_indexscan = off"); err != nil {
					return err
				}
			}
			rows, err := tx.Query(ctx, "EXPLAIN "+c.query, c.arg)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var line string
				if err := rows.Scan(&line); err != nil {
					return err
				}
				plan = append(plan, line)
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(plan, "\n"), c.index+" ") {
			t.Errorf("%s does not use %s:\n%s", c.query, c.index, strings.Join(plan, "\n"))
		}
	}
	res, err := s.Search(ctx, "婚育证明", catalog.Filter{})
	if err != nil || fmt.Sprint(names(res.Items)) != "[流动人口婚育证明]" {
		t.Fatalf("search: %v %v", names(res.Items), err)
	}
}

// TestMain stops the package's PostgreSQL test cluster after the tests.
func TestMain(m *testing.M) { dbtest.Main(m) }
