package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/api"
	"github.com/govhall/govhall/internal/app"
	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/identity"
)

// call sends one API request as c (anonymous when c is nil), with a JSON
// body when body is not nil, and returns the status and the body.
func call(t *testing.T, a *app.App, c *caller, method, path string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c != nil && c.token != "" {
		req.AddCookie(&http.Cookie{Name: "govhall_session", Value: c.token})
	}
	rec := httptest.NewRecorder()
	a.Handler.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// The catalog API: search and read as anyone, the flowchart as SVG, bad
// parameters named, and the catalog administrator's revise-then-publish,
// with the pending version hidden from the public until it is approved.
func TestCatalogAPI(t *testing.T) {
	onBothEngines(t, func(t *testing.T, engine string) {
		a := openHall(t, engine)
		item := storyItem(t, a)
		var page api.ItemPage
		status, body := call(t, a, nil, "GET", "/api/v1/items?q=%E5%A9%9A%E8%82%B2&object=person", nil)
		if err := json.Unmarshal(body, &page); err != nil || status != 200 || page.Total == 0 {
			t.Fatalf("search 婚育: %d %s", status, body)
		}
		if !strings.Contains(string(body), fmt.Sprintf(`"id":%d`, item.ID)) {
			t.Fatalf("search 婚育 misses item %d: %s", item.ID, body)
		}
		status, body = call(t, a, nil, "GET", "/api/v1/items?limit=0&list=powers&object=robot", nil)
		for _, f := range []string{`"field":"limit"`, `"field":"list"`, `"field":"object"`} {
			if status != 422 || !strings.Contains(string(body), f) {
				t.Errorf("bad parameters: %d %s, want 422 naming %s", status, body, f)
			}
		}
		status, body = call(t, a, nil, "GET", fmt.Sprintf("/api/v1/items/%d/flowchart.svg", item.ID), nil)
		if status != 200 || xml.Unmarshal(body, new(struct{})) != nil || !bytes.Contains(body, []byte("flow-risk")) {
			t.Fatalf("flowchart: %d %.300s", status, body)
		}

		admin := &caller{kind: identity.CatalogAdmin, login: "catalog-admin"}
		admin.signIn(t, a)
		rev := item
		rev.Doc.Promised.Days = item.Doc.Promised.Days - 1
		if status, body = call(t, a, nil, "POST", fmt.Sprintf("/api/v1/items/%d/revisions", item.ID), rev); status != 401 {
			t.Fatalf("an anonymous revision: %d %s", status, body)
		}
		status, body = call(t, a, admin, "POST", fmt.Sprintf("/api/v1/items/%d/revisions", item.ID), rev)
		var v catalog.Version
		if err := json.Unmarshal(body, &v); err != nil || status != 201 || len(v.Diff) == 0 {
			t.Fatalf("revision: %d %s", status, body)
		}
		versions := func(c *caller) string {
			_, b := call(t, a, c, "GET", fmt.Sprintf("/api/v1/items/%d/versions", item.ID), nil)
			return string(b)
		}
		if pub, adm := versions(nil), versions(admin); strings.Contains(pub, `"status":"draft"`) || !strings.Contains(adm, `"status":"draft"`) {
			t.Fatalf("the pending version must show to the administrator only:\npublic %s\nadmin %s", pub, adm)
		}
		status, body = call(t, a, admin, "POST", fmt.Sprintf("/api/v1/items/%d/publish", item.ID), api.Publication{Note: "压缩时限"})
		if status != 200 || !strings.Contains(string(body), `"status":"published"`) {
			t.Fatalf("publish: %d %s", status, body)
		}
		var got catalog.Item
		_, body = call(t, a, nil, "GET", fmt.Sprintf("/api/v1/items/%d", item.ID), nil)
		if err := json.Unmarshal(body, &got); err != nil || got.Version != v.Version || got.Doc.Promised.Days != rev.Doc.Promised.Days {
			t.Fatalf("the item after publishing: %s", body)
		}
		_, body = call(t, a, nil, "GET", fmt.Sprintf("/api/v1/items/%d/versions/1", item.ID), nil)
		if err := json.Unmarshal(body, &got); err != nil || got.Doc.Promised.Days != item.Doc.Promised.Days {
			t.Fatalf("version 1 must keep the old limit: %s", body)
		}

		status, body = call(t, a, nil, "GET", "/api/v1/catalog/lists/341602", nil)
		if status != 200 || !strings.Contains(string(body), `"list":"power"`) {
			t.Fatalf("four lists: %d %s", status, body)
		}
		sup := &caller{kind: identity.Supervisor, login: "qc-supervisor"}
		sup.signIn(t, a)
		status, body = call(t, a, sup, "GET", "/api/v1/catalog/audit", nil)
		if status != 200 || !strings.Contains(string(body), `"counties"`) || !strings.Contains(string(body), `"duties"`) {
			t.Fatalf("audit: %d %.300s", status, body)
		}
	})
}

// The catalog pages without a browser: a draft is not public, an overlong
// search says why, and a county's four lists are counted.
func TestCatalogPages(t *testing.T) {
	onBothEngines(t, func(t *testing.T, engine string) {
		a := openHall(t, engine)
		item := storyItem(t, a)
		draft := item
		draft.Code, draft.Status, draft.Name = "TEST-DRAFT-1", catalog.Draft, "流动人口婚育证明（草稿）"
		created, err := a.Catalog.Create(actorCtx(), draft)
		if err != nil {
			t.Fatal(err)
		}
		page := func(path string) (int, string) {
			rec := httptest.NewRecorder()
			a.Handler.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
			return rec.Code, rec.Body.String()
		}
		if code, _ := page(fmt.Sprintf("/catalog/items/%d", created.ID)); code != 404 {
			t.Errorf("a draft's page: %d, want 404", code)
		}
		if code, body := page(fmt.Sprintf("/catalog/items/%d", item.ID)); code != 200 || !strings.Contains(body, `role="img"`) {
			t.Errorf("the item's page: %d", code)
		}
		if code, body := page("/catalog?q=" + strings.Repeat("%E8%AE%B8", catalog.MaxQuery+1)); code != 422 || !strings.Contains(body, "搜索词最多 64 个字") {
			t.Errorf("an overlong search: %d, want 422 saying the limit", code)
		}
		code, body := page("/catalog/lists/341602")
		for _, want := range []string{"权力清单", "责任清单", "公共服务清单", "行政收费清单"} {
			if code != 200 || !strings.Contains(body, want) {
				t.Errorf("谯城区's four lists: %d, missing %s", code, want)
			}
		}
		if code, _ := page("/catalog/lists/999999"); code != 404 {
			t.Errorf("an unknown jurisdiction's lists: %d", code)
		}
	})
}

func actorCtx() context.Context { return actor.With(context.Background(), actor.System("test")) }
