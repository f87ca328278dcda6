package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/app"
	"github.com/govhall/govhall/internal/hub"
	"github.com/govhall/govhall/internal/hub/synth"
)

// Civil affairs offers another name for 崔曼曼; the system administrator
// refers the conflict to public security, the name's authority. When
// public security's system then pushes that name, the conflict page says
// the authority corrected it, and still shows who referred it and the
// referral's note.
func testReferredConflictCorrected(t *testing.T, a *app.App) {
	ctx := actor.With(context.Background(), actor.System("test"))
	rep, err := a.Hub.Push(ctx, hub.PushRequest{Source: "civil_affairs", Kind: hub.KindPopulation, Partial: true,
		Records: []map[string]string{{"id_number": synth.CuiManmanID, "marital_status": "已婚", "spouse_id_number": synth.LiXiangID, "name": "崔蔓蔓"}}})
	if err != nil || rep.Conflicts != 1 {
		t.Fatalf("push a conflicting name: %+v %v", rep, err)
	}
	var id string
	if err := a.DB.QueryRow(ctx, "SELECT CAST(id AS TEXT) FROM hub_conflicts WHERE subject_id = ? AND resolved_at IS NULL",
		synth.CuiManmanID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	admin := hubVisitor(t, a, "sysadmin")
	page, resolve := "/admin/hub/conflicts/"+id, "/admin/hub/conflicts/"+id+"/resolve"
	note := "婚姻登记姓名为崔蔓蔓，已移交公安局户籍科核实更正，单号 GA-2026-0099"
	res, _ := adminAct(admin, page, resolve, url.Values{"outcome": {"referred"}, "note": {note}})
	wantRedirect(t, "refer", res, page+"?done=resolved")

	// Public security's record of her, as its register holds it, with the
	// corrected name.
	cols := []string{"id_number", "former_names", "sex", "ethnicity", "birth_date", "hukou_address", "hukou_division",
		"current_address", "phone", "status"}
	vals := make([]string, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := a.DB.QueryRow(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM hub_persons WHERE id_number = ?",
		synth.CuiManmanID).Scan(ptrs...); err != nil {
		t.Fatal(err)
	}
	rec := map[string]string{"name": "崔蔓蔓"}
	for i, c := range cols {
		rec[c] = vals[i]
	}
	rec["sex"] = map[string]string{"M": "男", "F": "女"}[rec["sex"]]
	rec["status"] = map[string]string{"normal": "正常"}[rec["status"]]
	rep, err = a.Hub.Push(ctx, hub.PushRequest{Source: "public_security", Kind: hub.KindPopulation, Partial: true,
		Records: []map[string]string{rec}})
	if err != nil || rep.Updated != 1 {
		t.Fatalf("the authority corrects the name: %+v %v", rep, err)
	}
	res, body := admin.get(page)
	wantStatus(t, "the corrected conflict", res, body, http.StatusOK)
	contains(t, "the corrected conflict", body, "权威来源部门已更正", "移交人", hubAccount(t, a, "sysadmin").Name, "单号 GA-2026-0099")
	lacks(t, "the corrected conflict", body, `name="note"`, "web.hub.")
}
