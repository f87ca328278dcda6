package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/app"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/demo"
	"github.com/govhall/govhall/internal/hub"
	"github.com/govhall/govhall/internal/hub/synth"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
	"github.com/govhall/govhall/internal/notify"
)

// The data hub's pages on the whole demo hall (app.Open), both engines:
// the system administrator resolves a conflict between sources; an
// enterprise sees its legal entity's data; a person sees a staff
// member's read by department and masked name; an enterprise's handler
// reads its data (hub_handler_test.go); a referred conflict is corrected
// by its authority (hub_conflict_referral_test.go).
func TestHubPages(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			a := hubHall(t, engine)
			t.Run("conflicts", func(t *testing.T) { testHubConflictPages(t, a) })
			t.Run("enterprise data", func(t *testing.T) { testEnterpriseData(t, a) })
			t.Run("staff read", func(t *testing.T) { testStaffReadShown(t, a) })
			t.Run("handler data", func(t *testing.T) { testHandlerData(t, a) })
			t.Run("referred conflict corrected", func(t *testing.T) { testReferredConflictCorrected(t, a) })
		})
	}
}

func hubHall(t *testing.T, engine string) *app.App {
	t.Helper()
	cfg := app.Config{DataDir: t.TempDir(), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		DemoPersons: demo.TestPersons, DemoCatalogScale: demo.TestCatalogScale}
	if engine == "postgres" {
		cfg.DB = dbtest.PostgresURL(t)
	}
	a, err := app.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if _, err := a.Seed(context.Background()); err != nil {
		t.Fatal(err)
	}
	return a
}

// hubVisitor signs a demo account in (officials with the SMS code).
func hubVisitor(t *testing.T, a *app.App, login string) *visitor {
	t.Helper()
	v := &visitor{t: t, h: a.Handler, cookies: map[string]*http.Cookie{}}
	res, body := v.submit("/login", "/login", url.Values{"login": {login}, "password": {demo.DemoPassword}})
	if res.StatusCode == http.StatusOK && strings.Contains(body, `name="challenge"`) {
		acc := hubAccount(t, a, login)
		sms, err := notify.Latest(context.Background(), a.DB, acc.Phone, identity.LoginCodeSMS)
		if err != nil {
			t.Fatal(err)
		}
		res, _ = v.do(http.MethodPost, "/login", url.Values{"csrf": {csrfRE.FindStringSubmatch(body)[1]},
			"challenge": {regexpValue(t, body, "challenge")}, "code": {sms.Params["code"]}, "next": {"/me"}})
	}
	wantRedirect(t, "sign in "+login, res, "/me")
	return v
}

func hubAccount(t *testing.T, a *app.App, login string) identity.Account {
	t.Helper()
	var id int64
	if err := a.DB.QueryRow(context.Background(), "SELECT id FROM accounts WHERE login = ?", login).Scan(&id); err != nil {
		t.Fatalf("account %s: %v", login, err)
	}
	acc, err := a.Identity.Account(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return acc
}

var conflictLinkRE = regexp.MustCompile(`href="/admin/hub/conflicts/(\d+)"`)

// Civil affairs offers another name for 李想: the system administrator
// finds the conflict (masked) in the list, by its source, refers it to
// public security with a note, and sees it resolved; a second resolution,
// a missing note and a form without its CSRF token are refused, and no
// one else reaches these pages.
func testHubConflictPages(t *testing.T, a *app.App) {
	ctx := actor.With(context.Background(), actor.System("test"))
	rep, err := a.Hub.Push(ctx, hub.PushRequest{Source: "civil_affairs", Kind: hub.KindPopulation, Partial: true,
		Records: []map[string]string{{"id_number": synth.LiXiangID, "marital_status": "已婚", "spouse_id_number": synth.CuiManmanID, "name": "李响"}}})
	if err != nil || rep.Conflicts != 1 {
		t.Fatalf("push a conflicting name: %+v %v", rep, err)
	}
	admin := hubVisitor(t, a, "sysadmin")
	res, body := admin.get("/admin/hub/conflicts?source=civil_affairs&element=person.name")
	wantStatus(t, "the conflicts", res, body, http.StatusOK)
	contains(t, "the conflicts", body, "person.name", ids.MaskIDNumber(synth.LiXiangID), "李*", "民政", "共 1 条冲突")
	lacks(t, "the conflicts", body, synth.LiXiangID, "李响", "李想")
	m := conflictLinkRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no link to resolve the conflict")
	}
	page, resolve := "/admin/hub/conflicts/"+m[1], "/admin/hub/conflicts/"+m[1]+"/resolve"
	_, body = admin.get("/admin/hub/conflicts?source=public_security")
	contains(t, "another source", body, "没有符合条件的冲突")
	res, body = admin.get("/admin/hub/conflicts?status=closed")
	wantStatus(t, "a bad status", res, body, http.StatusUnprocessableEntity)

	res, body = adminAct(admin, page, resolve, url.Values{"outcome": {"referred"}, "note": {" "}})
	wantStatus(t, "no note", res, body, http.StatusUnprocessableEntity)
	contains(t, "no note", body, "请填写说明", `aria-invalid="true"`, `value="referred" required checked`)
	res, _ = admin.do(http.MethodPost, resolve, url.Values{"outcome": {"referred"}, "note": {"已移交公安局户籍科核实"}})
	wantStatus(t, "no CSRF token", res, "", http.StatusForbidden)
	res, _ = adminAct(admin, page, resolve, url.Values{"outcome": {"referred"}, "note": {"已移交公安局户籍科核实，单号 GA-2015-07"}})
	wantRedirect(t, "resolve", res, page+"?done=resolved")
	_, body = admin.get(page + "?done=resolved")
	contains(t, "the resolved conflict", body, "冲突已处理", "已移交权威来源部门", "单号 GA-2015-07", hubAccount(t, a, "sysadmin").Name)
	lacks(t, "the resolved conflict", body, `name="note"`)
	res, body = adminAct(admin, "/admin/hub/conflicts", resolve, url.Values{"outcome": {"confirmed"}, "note": {"再次处理"}})
	wantStatus(t, "resolve twice", res, body, http.StatusUnprocessableEntity)
	contains(t, "resolve twice", body, "已经处理过")
	_, body = admin.get("/admin/hub/conflicts?status=resolved")
	contains(t, "the resolved list", body, "已移交权威来源部门")
	admin.lang = "en"
	for _, path := range []string{"/admin/hub/conflicts?status=all", page, "/admin/hub"} {
		_, body = admin.get(path)
		contains(t, path+" in English", body, "conflict")
		lacks(t, path+" in English", body, "web.hub.", "李响")
	}

	for _, login := range []string{synth.LiXiangID, synth.DemoEntityID, "auditadmin", "secadmin", "qc-wjw-accept"} {
		v := hubVisitor(t, a, login)
		for _, path := range []string{"/admin/hub/conflicts", page} {
			if res, _ := v.get(path); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s opened %s: %d", login, path, res.StatusCode)
			}
		}
		_, body := v.get("/me")
		if res, _ := v.do(http.MethodPost, resolve, url.Values{"csrf": {csrfRE.FindStringSubmatch(body)[1]},
			"outcome": {"confirmed"}, "note": {"x"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s resolved a conflict: %d", login, res.StatusCode)
		}
	}
}

// The demo enterprise sees its legal entity's record with sources, its
// business licence and its own read; the legal representative's ID
// number only masked.
func testEnterpriseData(t *testing.T, a *app.App) {
	v := hubVisitor(t, a, synth.DemoEntityID)
	res, body := v.get("/me/data")
	wantStatus(t, "the enterprise's data", res, body, http.StatusOK)
	contains(t, "the enterprise's data", body, "本企业的数据", synth.DemoEntityName, synth.DemoEntityID, "统一社会信用代码",
		"法定代表人", "王明", ids.MaskIDNumber(synth.WangMingID), "注册资本", "万元", "经营范围", "登记状态", "市场监督",
		"本企业的电子证照", "营业执照", "谁查看过本企业的数据", "本人")
	lacks(t, "the enterprise's data", body, synth.WangMingID, "web.hub.", `id="family"`)
	v.lang = "en"
	_, body = v.get("/me/data")
	contains(t, "in English", body, "Our enterprise&#39;s data", "Legal representative", "Registered capital")
	lacks(t, "in English", body, "web.hub.")
}

// A staff member reads 李想's data within a case (cases are not built
// yet: the test gives the hub the hook): 李想 sees the department and
// the staff member's name masked, never the whole name.
func testStaffReadShown(t *testing.T, a *app.App) {
	a.Hub.Access.CaseInvolves = func(_ context.Context, ref, subject string) (bool, error) {
		return ref == "WJ-2015-0042" && subject == synth.LiXiangID, nil
	}
	staff := hubAccount(t, a, "qc-wjw-accept")
	ctx := identity.WithPrincipal(context.Background(), identity.Principal{Account: staff})
	if _, err := a.Hub.Profile(ctx, synth.LiXiangID, hub.Purpose{Kind: hub.PurposeCase, Ref: "WJ-2015-0042"}); err != nil {
		t.Fatal(err)
	}
	var dept, deptEN string
	if err := a.DB.QueryRow(context.Background(), `SELECT d.name, d.name_en FROM staff_posts sp JOIN posts p ON p.id = sp.post_id
		JOIN departments d ON d.id = p.department_id WHERE sp.account_id = ? ORDER BY d.id LIMIT 1`, staff.ID).Scan(&dept, &deptEN); err != nil {
		t.Fatal(err)
	}
	v := hubVisitor(t, a, synth.LiXiangID)
	_, body := v.get("/me/data")
	entry := section(t, body, "access")
	contains(t, "李想's access log", entry, "部门工作人员", fmt.Sprintf("%s · %s", dept, ids.MaskName(staff.Name)), "WJ-2015-0042")
	lacks(t, "李想's access log", entry, staff.Name)
	v.lang = "en"
	_, body = v.get("/me/data")
	contains(t, "in English", body, deptEN+" · "+ids.MaskName(staff.Name))
}
