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

// The demo enterprise makes 李想 its handler (经办人): through the API he
// reads the enterprise's record and licences as the enterprise sees them;
// 崔曼曼, not its handler, gets a 403 saying so, a malformed credit code a
// 422 on credit_code. The enterprise's access log names 李想's read as its
// handler's, masked. Once the enterprise removes him, he gets a 403.
func testHandlerDataAPI(t *testing.T, h *hall) {
	firm, li, cui := h.signIn(t, synth.DemoEntityID), h.signIn(t, liXiang), h.signIn(t, cuiManman)
	var person api.Account
	if res := firm.do("POST", "/api/v1/me/handlers", api.HandlerRequest{IDNumber: liXiang}, &person); res.StatusCode != 201 {
		t.Fatalf("add 李想 as a handler: %d", res.StatusCode)
	}
	path := "/api/v1/me/entities/" + synth.DemoEntityID + "/data"
	var pr hub.Profile
	if res := li.do("GET", path, nil, &pr); res.StatusCode != 200 || pr.Kind != hub.SubjectEntity ||
		pr.Get("entity.name") != synth.DemoEntityName || pr.Get("entity.legal_representative_id") != ids.MaskIDNumber(synth.WangMingID) ||
		pr.Data["entity.name"].Source != "market_regulation" || len(pr.Licences) == 0 {
		t.Fatalf("the enterprise's data as its handler reads it: %d %+v", res.StatusCode, pr)
	}
	var p api.Problem
	if res := cui.do("GET", path, nil, &p); res.StatusCode != 403 || !strings.Contains(p.Error.Message, "经办人") {
		t.Errorf("崔曼曼 reads the enterprise: %d %+v", res.StatusCode, p.Error)
	}
	if res := li.do("GET", "/api/v1/me/entities/91341602MA2N0001X/data", nil, &p); res.StatusCode != 422 || p.Error.Field != "credit_code" {
		t.Errorf("a malformed credit code: %d %+v", res.StatusCode, p.Error)
	}
	if res := firm.do("GET", path, nil, nil); res.StatusCode != 403 {
		t.Errorf("the enterprise's account on its handlers' route: %d", res.StatusCode)
	}
	var log hub.AccessLogPage
	if res := firm.do("GET", "/api/v1/me/data/access-log", nil, &log); res.StatusCode != 200 || len(log.Entries) < 2 {
		t.Fatalf("the enterprise's access log: %d %+v", res.StatusCode, log)
	}
	if e := log.Entries[1]; e.AccessorRole != hub.RoleHandler || e.AccessorName != ids.MaskName("李想") || !e.Allowed || e.Self {
		t.Errorf("李想's read in the enterprise's log: %+v", e)
	}
	if e := log.Entries[0]; e.AccessorRole != "" || e.AccessorName != ids.MaskName("崔曼曼") || e.Allowed || e.Reason != "hub.access.not_handler" {
		t.Errorf("崔曼曼's attempt in the enterprise's log: %+v", e)
	}
	if res := firm.do("DELETE", fmt.Sprintf("/api/v1/me/handlers/%d", person.ID), nil, nil); res.StatusCode != 204 {
		t.Fatalf("remove 李想: %d", res.StatusCode)
	}
	if res := li.do("GET", path, nil, &p); res.StatusCode != 403 {
		t.Errorf("a removed handler reads the enterprise: %d", res.StatusCode)
	}
}
