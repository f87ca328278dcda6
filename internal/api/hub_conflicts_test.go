package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/govhall/govhall/internal/api"
	"github.com/govhall/govhall/internal/hub"
	"github.com/govhall/govhall/internal/hub/synth"
	"github.com/govhall/govhall/internal/ids"
)

// The conflicts between sources through the API, an enterprise's own
// data and its handler's view of it (hub_handler_test.go): one hall per
// engine.
func TestHubConflictsAndEnterpriseAPI(t *testing.T) {
	onBothEngines(t, func(t *testing.T, h *hall) {
		t.Run("conflicts", func(t *testing.T) { testConflictsAPI(t, h) })
		t.Run("enterprise data", func(t *testing.T) { testEnterpriseDataAPI(t, h) })
		t.Run("handler data", func(t *testing.T) { testHandlerDataAPI(t, h) })
	})
}

// Civil affairs' system pushes another name for 李想: a conflict. The
// system administrator lists it masked, resolves it as confirmed with a
// note (409 the second time, 422 without a note); nobody else may list or
// resolve, and 李想's name in the hub stays the authority's.
func testConflictsAPI(t *testing.T, h *hall) {
	civil := systemClient(t, h, "civil_affairs", "hub.push")
	var pushed api.PushResult
	if res := civil.do("POST", "/api/v1/hub/records", api.PushBody{Kind: "population", Partial: true, Records: []map[string]string{
		{"id_number": liXiang, "marital_status": "已婚", "spouse_id_number": cuiManman, "name": "李响"}}}, &pushed); pushed.Conflicts != 1 {
		t.Fatalf("push: %d %+v", res.StatusCode, pushed)
	}
	admin := h.signIn(t, "sysadmin")
	var page hub.ConflictPage
	if res := admin.do("GET", "/api/v1/admin/hub/conflicts?element=person.name&source=civil_affairs", nil, &page); res.StatusCode != 200 ||
		page.Total != 1 || len(page.Items) != 1 {
		t.Fatalf("list: %d %+v", res.StatusCode, page)
	}
	c := page.Items[0]
	if c.Subject != ids.MaskIDNumber(liXiang) || c.Offered != "李*" || c.AuthValue != "李*" || c.Status != hub.ConflictsOpen {
		t.Errorf("listed conflict: %+v", c)
	}
	var p api.Problem
	if res := admin.do("GET", "/api/v1/admin/hub/conflicts?status=closed", nil, &p); res.StatusCode != 422 || p.Error.Field != "status" {
		t.Errorf("a bad status: %d %+v", res.StatusCode, p)
	}
	resolve := fmt.Sprintf("/api/v1/admin/hub/conflicts/%d/resolve", c.ID)
	if res := admin.do("POST", resolve, hub.Resolution{Outcome: "confirmed"}, &p); res.StatusCode != 422 || p.Error.Field != "note" {
		t.Errorf("no note: %d %+v", res.StatusCode, p)
	}
	for _, login := range []string{liXiang, "91341602MA2N0001XK", "auditadmin", "secadmin", "catalog-admin", "qc-supervisor", "qc-wjw-accept"} {
		other := h.signIn(t, login)
		if res := other.do("GET", "/api/v1/admin/hub/conflicts", nil, nil); res.StatusCode != 403 {
			t.Errorf("%s listed the conflicts: %d", login, res.StatusCode)
		}
		if res := other.do("POST", resolve, hub.Resolution{Outcome: "confirmed", Note: "x"}, nil); res.StatusCode != 403 {
			t.Errorf("%s resolved a conflict: %d", login, res.StatusCode)
		}
	}
	if res := civil.do("GET", "/api/v1/admin/hub/conflicts", nil, nil); res.StatusCode != 403 {
		t.Errorf("a department system listed the conflicts: %d", res.StatusCode)
	}
	var done hub.Conflict
	note := "经公安户籍核实，姓名以户籍为准"
	if res := admin.do("POST", resolve, hub.Resolution{Outcome: "confirmed", Note: note}, &done); res.StatusCode != 200 ||
		done.Status != hub.ConflictsResolved || done.Resolution != hub.ResolutionConfirmed || done.Note != note || done.ResolvedAt == nil ||
		done.ResolvedBy == "" || done.Offered != "李*" {
		t.Fatalf("resolve: %d %+v", res.StatusCode, done)
	}
	if res := admin.do("POST", resolve, hub.Resolution{Outcome: "referred", Note: note}, &p); res.StatusCode != 409 {
		t.Errorf("resolve twice: %d %+v", res.StatusCode, p)
	}
	var got hub.Conflict
	if res := admin.do("GET", fmt.Sprintf("/api/v1/admin/hub/conflicts/%d", c.ID), nil, &got); res.StatusCode != 200 || got.Status != hub.ConflictsResolved {
		t.Errorf("get: %d %+v", res.StatusCode, got)
	}
	if res := admin.do("GET", "/api/v1/admin/hub/conflicts/987654", nil, nil); res.StatusCode != 404 {
		t.Errorf("no such conflict: %d", res.StatusCode)
	}
	var name string
	if err := h.DB.QueryRow(t.Context(), "SELECT name FROM hub_persons WHERE id_number = ?", liXiang).Scan(&name); err != nil || name != "李想" {
		t.Errorf("the hub's name is %q (%v), want the authority's", name, err)
	}
}

// The demo enterprise reads its legal entity through the API: the legal
// representative's ID number masked, its licences, and its own read in
// its access log.
func testEnterpriseDataAPI(t *testing.T, h *hall) {
	firm := h.signIn(t, synth.DemoEntityID)
	var pr hub.Profile
	if res := firm.do("GET", "/api/v1/me/data", nil, &pr); res.StatusCode != 200 || pr.Kind != hub.SubjectEntity ||
		pr.Get("entity.name") != synth.DemoEntityName || pr.Get("entity.legal_representative_id") != ids.MaskIDNumber(synth.WangMingID) ||
		pr.Data["entity.name"].Source != "market_regulation" || len(pr.Licences) == 0 {
		t.Fatalf("the enterprise's data: %d %+v", res.StatusCode, pr)
	}
	var log hub.AccessLogPage
	if res := firm.do("GET", "/api/v1/me/data/access-log", nil, &log); res.StatusCode != 200 || log.Total == 0 ||
		!log.Entries[0].Self || log.Entries[0].Purpose != hub.PurposeSelf || !strings.Contains(log.Entries[0].AccessorKind, "enterprise") {
		t.Errorf("the enterprise's access log: %d %+v", res.StatusCode, log)
	}
}
