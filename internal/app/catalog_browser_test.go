package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/app"
	"github.com/govhall/govhall/internal/catalog"
)

// storyItem finds story 1's published 流动人口婚育证明 in the demo catalog
// the test hall was seeded with, complete with materials and a flowchart
// with risk points; the demo must have it.
func storyItem(t *testing.T, a *app.App) catalog.Item {
	t.Helper()
	ctx := actor.With(context.Background(), actor.System("test"))
	res, err := a.Catalog.Search(ctx, "流动人口婚育证明", catalog.Filter{Node: catalog.Handling})
	found := res.Items
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range found {
		if len(it.Doc.Flow) > 0 && len(it.Doc.Materials) > 0 && hasRisk(it.Doc.Flow) {
			return it
		}
	}
	t.Fatalf("the demo catalog has no complete published 流动人口婚育证明 (found %d items)", len(found))
	return catalog.Item{}
}

func hasRisk(steps []catalog.Step) bool {
	for _, s := range steps {
		if len(s.Risks) > 0 {
			return true
		}
	}
	return false
}

// Story 1 on a phone: search 婚育, open 流动人口婚育证明, read its materials
// (what comes from the data hub or an e-licence needs no upload) and its
// flowchart with a risk point, which fits the screen. Then the catalog
// administrator reads the audit (the counties' table and its chart) and
// publishes a revision, and the item page shows the new version.
func browserCatalog(t *testing.T, engine string) {
	ctx := browser(t)
	a, base := startHallOn(t, engine)
	item := storyItem(t, a)

	navigate(t, ctx, base+"/catalog")
	if err := do(ctx, chromedp.SendKeys(`#f-q`, "婚育"+kb.Enter)); err != nil {
		t.Fatalf("type the search: %v", err)
	}
	waitFor(t, ctx, `new URLSearchParams(location.search).get("q") || ""`, "婚育")
	// The address changes when the results page is committed, before its
	// body is read: wait for the loaded page, then for the item among the
	// results (5 s at most).
	waitFor(t, ctx, fmt.Sprintf(`String(document.readyState === "complete" && document.body.innerText.includes(%q))`, item.Name), "true")
	wantText(t, ctx, "the results", "婚育", item.Name)
	shot(t, ctx, "catalog-search-"+engine+".png")
	clickAndWait(t, ctx, fmt.Sprintf(`a[href="/catalog/items/%d"]`, item.ID))
	waitPath(t, ctx, fmt.Sprintf("/catalog/items/%d", item.ID))
	want := []string{item.Name, "申请材料", "办理流程图", "承诺办结时限"}
	for _, m := range item.Doc.Materials {
		want = append(want, m.Name)
		switch m.Source {
		case catalog.FromHub:
			want = append(want, "数据共享获取，免提交")
		case catalog.FromLicence:
			want = append(want, "电子证照，无需上传")
		}
	}
	wantText(t, ctx, "the item page", want...)
	if n := eval[int](t, ctx, `document.querySelectorAll("#flow svg.flowchart .flow-step").length`); n != len(item.Doc.Flow) {
		t.Fatalf("the flowchart draws %d steps, the item has %d", n, len(item.Doc.Flow))
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#flow svg .flow-risk").length`); n == 0 {
		t.Fatal("the flowchart marks no risk point")
	}
	if over := eval[bool](t, ctx, `document.querySelector("#flow svg").getBoundingClientRect().right > window.innerWidth`); over {
		t.Fatal("the flowchart is wider than the phone's screen")
	}
	checkA11y(t, ctx, engine+" item page")
	shot(t, ctx, "catalog-item-"+engine+".png")

	signInOfficial(t, ctx, a, base, "catalog-admin")
	navigate(t, ctx, base+"/catalog/audit")
	waitPath(t, ctx, "/catalog/audit")
	if n := eval[int](t, ctx, `document.querySelectorAll("#audit-power tbody tr").length`); n < 4 {
		t.Fatalf("the audit table lists %d counties, want the four", n)
	}
	waitFor(t, ctx, `document.querySelector("#audit-chart canvas") ? "drawn" : ""`, "drawn")
	checkA11y(t, ctx, engine+" audit page")
	shot(t, ctx, "catalog-audit-"+engine+".png")

	publishRevision(t, ctx, a, base, item, engine)
}

// publishRevision revises the item (as the API's revision would) and the
// administrator publishes it on /admin/catalog; the item page then shows
// version 2 and the new promised limit, and the versions list the change.
func publishRevision(t *testing.T, ctx context.Context, a *app.App, base string, item catalog.Item, engine string) {
	t.Helper()
	rev := item
	rev.Doc.Promised.Days = item.Doc.Promised.Days - 1
	actx := actor.With(context.Background(), actor.System("test"))
	v, err := a.Catalog.Revise(actx, rev)
	if err != nil {
		t.Fatalf("revise: %v", err)
	}
	navigate(t, ctx, base+"/admin/catalog")
	waitPath(t, ctx, "/admin/catalog")
	form := fmt.Sprintf(`#pending-%d`, item.ID)
	wantText(t, ctx, "the queue", item.Name, fmt.Sprintf("第 %d 版待审批", v.Version), "承诺办结时限 (doc.promised.days)")
	checkA11y(t, ctx, engine+" catalog administration")
	typeIntoSel(t, ctx, form+` input[name="note"]`, "压缩承诺时限")
	clickAndWait(t, ctx, form+` button[type="submit"]`)
	wantText(t, ctx, "the notice", fmt.Sprintf("已发布：%s 第 %d 版", item.Name, v.Version))
	navigate(t, ctx, fmt.Sprintf("%s/catalog/items/%d", base, item.ID))
	wantText(t, ctx, "the item page after publishing", fmt.Sprintf("第 %d 版", v.Version),
		fmt.Sprintf("%d 个工作日", rev.Doc.Promised.Days), time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02"))
	navigate(t, ctx, fmt.Sprintf("%s/catalog/items/%d/versions", base, item.ID))
	wantText(t, ctx, "the versions", "承诺办结时限 (doc.promised.days)", "压缩承诺时限")
	shot(t, ctx, "catalog-versions-"+engine+".png")
}

// typeIntoSel types into the one input sel selects.
func typeIntoSel(t *testing.T, ctx context.Context, sel, value string) {
	t.Helper()
	if err := do(ctx, chromedp.SendKeys(sel, value)); err != nil {
		t.Fatalf("type into %s: %v", sel, err)
	}
}

func TestBrowserCatalog(t *testing.T) { onBothEngines(t, browserCatalog) }
