package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/api"
	"github.com/govhall/govhall/internal/app"
	"github.com/govhall/govhall/internal/hub"
	"github.com/govhall/govhall/internal/ids"
)

// unregisteredResident is an adult of the demo population who has no
// account yet: registration's real-name check admits only such people.
func unregisteredResident(t *testing.T, a *app.App) (idNumber, name string) {
	t.Helper()
	err := a.DB.QueryRow(context.Background(), `SELECT id_number, name FROM hub_persons p
		WHERE status = 'normal' AND birth_date < '2005-01-01' AND name <> ''
		  AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.login = p.id_number)
		ORDER BY id_number LIMIT 1`).Scan(&idNumber, &name)
	if err != nil {
		t.Fatalf("no unregistered adult in the demo population: %v", err)
	}
	return idNumber, name
}

// systemClient is a department system of the given kind whose token
// carries scopes.
func systemClient(t *testing.T, h *hall, deptKind string, scopes ...string) *client {
	t.Helper()
	var dept int64
	if err := h.DB.QueryRow(context.Background(), "SELECT id FROM departments WHERE kind = ? ORDER BY id LIMIT 1", deptKind).Scan(&dept); err != nil {
		t.Fatalf("a %s department: %v", deptKind, err)
	}
	secret, _, err := h.Identity.IssueToken(context.Background(), deptKind+" system", dept, scopes, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	c := h.client(t)
	c.header.Set("Authorization", "Bearer "+secret)
	return c
}

// A health department's system verifies, within a case, what 李想 wrote
// on a form; 李想 then reads his data and finds that verification in the
// list of who looked at his data. Only tokens with hub.verify may verify.
//
// One hall per engine serves both stories of the hub's API (a hall takes
// seconds to seed): this one, then pushing records.
func TestHubAPI(t *testing.T) {
	onBothEngines(t, func(t *testing.T, h *hall) {
		t.Run("verify and my data", func(t *testing.T) { testHubVerifyAndMyData(t, h) })
		t.Run("push records", func(t *testing.T) { testHubPushRecords(t, h) })
	})
}

func testHubVerifyAndMyData(t *testing.T, h *hall) {
	sys := systemClient(t, h, "health_family_planning", "hub.verify")
	var v api.VerifyResult
	res := sys.do("POST", "/api/v1/hub/verify", api.VerifyBody{Subject: liXiang, CaseRef: "WJ-2015-0001",
		Values: map[string]string{"person.name": "李想", "person.spouse.name": "崔蔓蔓", "person.sex": "男"}}, &v)
	if res.StatusCode != 200 || v.Agrees || len(v.Mismatches) != 1 || v.Subject != ids.MaskIDNumber(liXiang) {
		t.Fatalf("verify: %d %+v", res.StatusCode, v)
	}
	if m := v.Mismatches[0]; m.Element != "person.spouse.name" || m.Hub != "崔曼曼" || m.Reason != hub.MismatchDiffers || m.Source != "civil_affairs" {
		t.Errorf("mismatch: %+v", m)
	}
	var p api.Problem
	if res := sys.do("POST", "/api/v1/hub/verify", api.VerifyBody{Subject: liXiang, Values: map[string]string{"person.name": "李想"}},
		&p); res.StatusCode != 422 || p.Error.Field != "case_ref" {
		t.Errorf("verify without a case: %d %+v", res.StatusCode, p.Error)
	}
	orgRead := systemClient(t, h, "health_family_planning", "org.read")
	if res := orgRead.do("POST", "/api/v1/hub/verify", api.VerifyBody{Subject: liXiang, CaseRef: "X",
		Values: map[string]string{"person.name": "李想"}}, nil); res.StatusCode != 403 {
		t.Errorf("verify with a token without hub.verify: %d", res.StatusCode)
	}

	me := h.signIn(t, liXiang)
	var pr hub.Profile
	if res := me.do("GET", "/api/v1/me/data", nil, &pr); res.StatusCode != 200 || pr.Get("person.name") != "李想" ||
		pr.Spouse == nil || pr.Spouse.Name != ids.MaskName("崔曼曼") || pr.Spouse.IDNumber != ids.MaskIDNumber(cuiManman) ||
		len(pr.Children) == 0 {
		t.Fatalf("my data: %d %+v", res.StatusCode, pr)
	}
	var log hub.AccessLogPage
	if res := me.do("GET", "/api/v1/me/data/access-log", nil, &log); res.StatusCode != 200 || len(log.Entries) < 2 {
		t.Fatalf("my access log: %d %+v", res.StatusCode, log)
	}
	if e := log.Entries[0]; e.Purpose != hub.PurposeSelf || !e.Allowed {
		t.Errorf("newest entry = %+v, want his own read", e)
	}
	found := false
	for _, e := range log.Entries {
		found = found || e.Purpose == hub.PurposeVerification && e.Ref == "WJ-2015-0001" && e.AccessorKind == "department_system" &&
			strings.Contains(e.AccessorName, "health_family_planning system")
	}
	if !found {
		t.Errorf("the department system's verification is not in his access log: %+v", log.Entries)
	}
}

// const cuiManman is 李想's wife.
const cuiManman = "341602199003080049"

// Public security's system pushes a newborn resident's registry record;
// pushing it again changes nothing; civil affairs may not push registry
// records (it is not their authority). The new resident can then register.
func testHubPushRecords(t *testing.T, h *hall) {
	police := systemClient(t, h, "public_security", "hub.push")
	idn, _ := ids.MakeIDNumber("341602", time.Date(1999, 9, 9, 0, 0, 0, 0, time.UTC), 901)
	rec := map[string]string{"id_number": idn, "name": "鲍新民", "sex": "男", "birth_date": "1999-09-09",
		"hukou_address": "安徽省亳州市谯城区花戏楼街道1号", "hukou_division": "341602001001", "status": "正常"}
	var out api.PushResult
	res := police.do("POST", "/api/v1/hub/records", api.PushBody{Kind: "population", Records: []map[string]string{rec}}, &out)
	if res.StatusCode != 200 || out.Status != "done" || out.Inserted != 1 {
		t.Fatalf("push: %d %+v", res.StatusCode, out)
	}
	if res := police.do("POST", "/api/v1/hub/records", api.PushBody{Kind: "population", Records: []map[string]string{rec}}, &out); res.StatusCode != 200 || !out.AlreadyImported || out.Inserted != 1 {
		t.Errorf("the same push again: %d %+v", res.StatusCode, out)
	}
	civil := systemClient(t, h, "civil_affairs", "hub.push")
	other := map[string]string{}
	for k, v := range rec {
		other[k] = v
	}
	other["id_number"], _ = ids.MakeIDNumber("341602", time.Date(1999, 9, 9, 0, 0, 0, 0, time.UTC), 903)
	other["name"] = "冒充者"
	res = civil.do("POST", "/api/v1/hub/records", api.PushBody{Kind: "population", Records: []map[string]string{other}}, &out)
	if res.StatusCode != 422 || out.Status != "failed" || len(out.Rejects) != 1 || out.Rejects[0].Record != 0 ||
		out.Rejects[0].Field != "id_number" || out.Rejects[0].Message == "" {
		t.Errorf("registry record from civil affairs: %d %+v", res.StatusCode, out)
	}
	verify := systemClient(t, h, "public_security", "hub.verify")
	if res := verify.do("POST", "/api/v1/hub/records", api.PushBody{Kind: "population", Records: []map[string]string{rec}}, nil); res.StatusCode != 403 {
		t.Errorf("push with a token without hub.push: %d", res.StatusCode)
	}
	// The real-name check now knows him, by his name only.
	c := h.client(t)
	var p api.Problem
	if res := c.do("POST", "/api/v1/register/person", api.PersonRegistration{Name: "鲍欣民", IDNumber: idn,
		Phone: "13812345670", Password: "Qiao-Cheng#2024"}, &p); res.StatusCode != 422 || p.Error.Field != "name" {
		t.Errorf("register under another name: %d %+v", res.StatusCode, p.Error)
	}
	if res := c.do("POST", "/api/v1/register/person", api.PersonRegistration{Name: "鲍新民", IDNumber: idn,
		Phone: "13812345670", Password: "Qiao-Cheng#2024"}, nil); res.StatusCode != 201 {
		t.Errorf("register as himself: %d", res.StatusCode)
	}
}
