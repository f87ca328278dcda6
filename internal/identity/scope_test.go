package identity_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
)

// records are personal records handled around Bozhou, for the scope rules.
var records = []identity.Record{
	{OwnerAccountID: 1, ResidentIDNumber: liXiang, DepartmentID: 10, JurisdictionCode: "341602108000"}, // 0: 李想's own, at 谯东镇
	{OwnerAccountID: 2, ResidentIDNumber: "11010519491231002X", AgentID: 7, DepartmentID: 11,
		JurisdictionCode: "341602000000"}, // 1: submitted by agent 7, at Qiaocheng District
	{OwnerAccountID: 3, DepartmentID: 12, JurisdictionCode: "341621000000"},                                        // 2: an enterprise's, at Guoyang County
	{OwnerAccountID: 4, ResidentIDNumber: liXiang, AgentID: 8, DepartmentID: 13, JurisdictionCode: "341600000000"}, // 3: about 李想, at the city
}

func TestScopeRules(t *testing.T) {
	cases := []struct {
		name      string
		scope     identity.Scope
		sees      []int
		canChange bool
	}{
		{"a person: own and about them, and their enterprise's", identity.Scope{AccountIDs: []int64{1, 3}, IDNumber: liXiang}, []int{0, 2, 3}, true},
		{"an enterprise: its own", identity.Scope{AccountIDs: []int64{3}}, []int{2}, true},
		{"an agent: what they submitted", identity.Scope{AgentID: 7}, []int{1}, true},
		{"staff: their department", identity.Scope{DepartmentIDs: []int64{11}}, []int{1}, true},
		{"staff whose post reaches subordinate divisions", identity.Scope{DepartmentIDs: []int64{13}, Prefixes: []string{"341602"}}, []int{0, 1, 3}, true},
		{"a supervisor of Qiaocheng, read-only", identity.Scope{Prefixes: []string{"341602"}, ReadOnly: true}, []int{0, 1}, false},
		{"an administrator: no personal records", identity.Scope{}, nil, false},
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Exec(ctx, `CREATE TABLE scope_records (id INTEGER PRIMARY KEY, owner_account_id BIGINT,
			resident_id_number TEXT, agent_id BIGINT, department_id BIGINT, jurisdiction_code TEXT)`); err != nil {
			t.Fatal(err)
		}
		for i, r := range records {
			if _, err := d.Exec(ctx, "INSERT INTO scope_records VALUES (?, ?, ?, ?, ?, ?)", i, r.OwnerAccountID,
				r.ResidentIDNumber, r.AgentID, r.DepartmentID, r.JurisdictionCode); err != nil {
				t.Fatal(err)
			}
		}
		cols := identity.Columns{OwnerAccountID: "owner_account_id", ResidentIDNumber: "resident_id_number",
			AgentID: "agent_id", DepartmentID: "department_id", JurisdictionCode: "jurisdiction_code"}
		for _, c := range cases {
			var inMemory []int
			for i, r := range records {
				if c.scope.CanSee(r) {
					inMemory = append(inMemory, i)
				}
				if c.scope.CanChange(r) && !c.canChange {
					t.Errorf("%s may change record %d", c.name, i)
				}
			}
			where, args := c.scope.Where(cols)
			inSQL := queryIDs(t, d, "SELECT id FROM scope_records WHERE "+where+" ORDER BY id", args...)
			if fmt.Sprint(inMemory) != fmt.Sprint(c.sees) || fmt.Sprint(inSQL) != fmt.Sprint(c.sees) {
				t.Errorf("%s: sees %v in memory and %v in SQL, want %v", c.name, inMemory, inSQL, c.sees)
			}
		}
	})
}

func queryIDs(t *testing.T, d *db.DB, q string, args ...any) []int {
	rows, err := d.Query(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

// ScopeOf reads a staff member's posts, and a person's enterprises.
func TestScopeOf(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _ := service(t, d)
		ctx := context.Background()
		seedPost(t, d) // department 1 of the city, post 1
		staff, err := s.CreateAccount(ctx, identity.StaffForm{Kind: identity.Staff, Login: "city-wjw", Name: "周敏",
			IDNumber: liXiang, Phone: "13700000001", Password: "window-clerk-1", PostIDs: []int64{1}})
		if err != nil {
			t.Fatal(err)
		}
		sc, err := s.ScopeOf(ctx, identity.Principal{Account: staff})
		if err != nil || !slices.Equal(sc.DepartmentIDs, []int64{1}) || len(sc.Prefixes) != 0 {
			t.Fatalf("staff scope: %+v %v", sc, err)
		}
		if _, err := d.Exec(ctx, "UPDATE posts SET reaches_subordinate = ? WHERE id = 1", true); err != nil {
			t.Fatal(err)
		}
		sc, _ = s.ScopeOf(ctx, identity.Principal{Account: staff})
		if !slices.Equal(sc.Prefixes, []string{"3416"}) {
			t.Fatalf("a city post reaching subordinate divisions: %+v", sc)
		}
		sup := identity.Account{ID: 99, Kind: identity.Supervisor, JurisdictionCode: "341602000000"}
		if sc, _ := s.ScopeOf(ctx, identity.Principal{Account: sup}); !sc.ReadOnly || !slices.Equal(sc.Prefixes, []string{"341602"}) {
			t.Fatalf("supervisor scope: %+v", sc)
		}
		admin := identity.Account{ID: 98, Kind: identity.SecurityAdmin}
		if sc, _ := s.ScopeOf(ctx, identity.Principal{Account: admin}); sc.CanSee(records[0]) {
			t.Fatal("an administrator sees personal records")
		}
	})
}

// A handler sees the records of the enterprises they act for only while
// the enterprise's account is active: disabled by the security
// administrator, its records leave the person's scope; enabled again, they
// come back.
func TestScopeOfDisabledEnterprise(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _ := service(t, d)
		ctx := context.Background()
		admin, _ := adminSecurity(t, s)
		li, err := s.RegisterPerson(ctx, identity.PersonForm{Name: "李想", IDNumber: liXiang, Phone: "13800001234", Password: "zhaozhuang-2015"})
		if err != nil {
			t.Fatal(err)
		}
		var ents []identity.Account
		for i, name := range []string{"亳州市甲商贸有限公司", "亳州市乙商贸有限公司"} {
			code, err := ids.MakeCreditCode("91", "341602", fmt.Sprintf("MA2N00%02d", i+21))
			if err != nil {
				t.Fatal(err)
			}
			ent, err := s.RegisterEnterprise(ctx, identity.EnterpriseForm{CreditCode: code, Name: name, LegalRepName: "张三",
				LegalRepIDNumber: "11010519491231002X", Phone: fmt.Sprintf("1390000111%d", i), Password: "handlers-scope-2015"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.AddHandler(ctx, ent, liXiang); err != nil {
				t.Fatal(err)
			}
			ents = append(ents, ent)
		}
		active, disabled := identity.Record{OwnerAccountID: ents[0].ID}, identity.Record{OwnerAccountID: ents[1].ID}
		sees := func(what string, wantDisabled bool) {
			t.Helper()
			sc, err := s.ScopeOf(ctx, identity.Principal{Account: li})
			if err != nil {
				t.Fatal(err)
			}
			if !sc.CanSee(active) || sc.CanSee(disabled) != wantDisabled {
				t.Errorf("%s: scope %+v; sees the active enterprise's records %v, the other's %v, want true, %v",
					what, sc, sc.CanSee(active), sc.CanSee(disabled), wantDisabled)
			}
		}
		sees("both enterprises active", true)
		if err := s.SetStatus(admin, ents[1].ID, identity.StatusDisabled); err != nil {
			t.Fatal(err)
		}
		sees("one enterprise disabled", false)
		// The person's own list keeps it, marked, for the handlers page.
		es, _ := s.EnterprisesOf(ctx, li.ID)
		if i := slices.IndexFunc(es, func(a identity.Account) bool { return a.ID == ents[1].ID }); len(es) != 2 ||
			i < 0 || es[i].Status != identity.StatusDisabled {
			t.Errorf("the person's own list of enterprises: %+v", es)
		}
		if err := s.SetStatus(admin, ents[1].ID, identity.StatusActive); err != nil {
			t.Fatal(err)
		}
		sees("the enterprise enabled again", true)
	})
}
