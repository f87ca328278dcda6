package catalog_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
)

// The search index follows an item through its life: a draft is not
// found, publishing finds it, a published rename finds it by the new name
// only, withdrawal takes it out.
func TestSearchFollowsPublishingRenamingAndWithdrawal(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, ctx := searchHall(t, d)
		draft := leaf(qiaocheng, "QC-200", "城镇排水许可")
		draft.Status = catalog.Draft
		it, err := s.Create(ctx, draft)
		if err != nil {
			t.Fatal(err)
		}
		found := func(q string) []string {
			t.Helper()
			res, err := s.Search(ctx, q, catalog.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			return names(res.Items)
		}
		if got := found("排水"); got != nil {
			t.Fatalf("a draft was found: %v", got)
		}
		if _, err := s.Publish(ctx, it.ID, time.Time{}, ""); err != nil {
			t.Fatal(err)
		}
		if got := found("城镇排水"); !slices.Equal(got, []string{"城镇排水许可"}) {
			t.Fatalf("published: %v", got)
		}
		for node, want := range map[string]int{catalog.Handling: 1, catalog.Main: 0} {
			if res, _ := s.Search(ctx, "排水", catalog.Filter{Node: node}); res.Total != want {
				t.Fatalf("node %s: %d found, want %d", node, res.Total, want)
			}
		}
		rev, _ := s.Item(ctx, it.ID)
		rev.Name = "城镇污水排入排水管网许可"
		if _, err := s.Revise(ctx, rev); err != nil {
			t.Fatal(err)
		}
		if got := found("污水"); got != nil {
			t.Fatalf("a pending revision's name was found: %v", got)
		}
		if _, err := s.Publish(ctx, it.ID, time.Time{}, ""); err != nil {
			t.Fatal(err)
		}
		if got := found("污水"); !slices.Equal(got, []string{"城镇污水排入排水管网许可"}) {
			t.Fatalf("renamed: %v", got)
		}
		if got := found("城镇排水许可"); got != nil {
			t.Fatalf("the old name is still found: %v", got)
		}
		if err := s.Withdraw(ctx, it.ID, ""); err != nil {
			t.Fatal(err)
		}
		if got := found("排水"); got != nil {
			t.Fatalf("a withdrawn item was found: %v", got)
		}
	})
}

// A query matching more than SearchCap items reports the cap and More,
// pages through the first SearchCap in rank order, and the ranking holds
// across the groups (names that start with the query, names that hold it,
// the rest).
func TestSearchCountsUpToTheCap(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, ctx := searchHall(t, d)
		var items []catalog.Item
		for i := range catalog.SearchCap + 5 {
			// Every item asks for a 结婚证; names differ in length.
			items = append(items, leaf(qiaocheng, fmt.Sprintf("M%05d", i), fmt.Sprintf("婚姻登记%s第%d号", string(rune('甲'+i%7)), i), "结婚证"))
		}
		items = append(items, leaf(guoyang, "G-1", "补领结婚证"), leaf(guoyang, "G-2", "结婚证"))
		if err := s.CreateMany(ctx, items); err != nil {
			t.Fatal(err)
		}
		res, err := s.Search(ctx, "结婚证", catalog.Filter{Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != catalog.SearchCap || !res.More {
			t.Fatalf("total %d more %v, want %d and more", res.Total, res.More, catalog.SearchCap)
		}
		// The exact name, then the name holding it, then the shortest of
		// the items that only ask for it.
		if got := names(res.Items); !slices.Equal(got, []string{"结婚证", "补领结婚证", "婚姻登记甲第0号"}) {
			t.Fatalf("first page %v", got)
		}
		for _, short := range []string{"婚", "结婚"} {
			res, err = s.Search(ctx, short, catalog.Filter{Limit: 2})
			if err != nil || res.Total != catalog.SearchCap || !res.More || len(res.Items) != 2 {
				t.Fatalf("%q: %v %d %v %v", short, names(res.Items), res.Total, res.More, err)
			}
		}
		res, err = s.Search(ctx, "结婚证", catalog.Filter{Limit: 10, Offset: catalog.SearchCap - 5})
		if err != nil || len(res.Items) != 5 {
			t.Fatalf("the last page within the cap: %d items, %v", len(res.Items), err)
		}
		if res, _ = s.Search(ctx, "结婚证", catalog.Filter{Limit: 10, Offset: catalog.SearchCap}); len(res.Items) != 0 || !res.More {
			t.Fatalf("a page past the cap: %v", names(res.Items))
		}
		res, err = s.Search(ctx, "结婚证", catalog.Filter{Jurisdiction: guoyang})
		if err != nil || res.Total != 2 || res.More {
			t.Fatalf("narrowed by a filter: %d %v %v", res.Total, res.More, err)
		}
	})
}

// A hall whose index lags behind its published items (one upgraded from
// before the index) gets it rebuilt at start; a current index is left alone.
func TestEnsureSearchIndexRebuildsALaggingIndex(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, ctx := searchHall(t, d)
		if err := s.CreateMany(ctx, storyItems); err != nil {
			t.Fatal(err)
		}
		if n, err := s.EnsureSearchIndex(ctx); n != 0 || err != nil {
			t.Fatalf("a current index was rebuilt: %d %v", n, err)
		}
		if err := d.WithTx(ctx, func(tx *db.Tx) error { return tx.TextClear(ctx, catalog.SearchIndex) }); err != nil {
			t.Fatal(err)
		}
		if res, _ := s.Search(ctx, "婚育", catalog.Filter{}); res.Total != 0 {
			t.Fatalf("the emptied index still finds %d", res.Total)
		}
		if n, err := s.EnsureSearchIndex(ctx); n != len(storyItems) || err != nil {
			t.Fatalf("rebuilt %d, %v; want %d", n, err, len(storyItems))
		}
		if res, _ := s.Search(ctx, "婚育", catalog.Filter{Event: "marriage"}); res.Total != 2 {
			t.Fatalf("after the rebuild: %d found, want 2", res.Total)
		}
	})
}
