package hub

import (
	"context"
	"strconv"
	"testing"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
	"github.com/govhall/govhall/internal/org"
)

func enterpriseP(code string) identity.Principal {
	return identity.Principal{Account: identity.Account{ID: 60, Kind: identity.Enterprise, Login: code, Name: "亳州市华佗中药饮片有限公司（演示）"}}
}

// The demo enterprise sees its legal entity's record, each value with its
// source and time, the legal representative's ID number masked, its
// business licence, and its own read in the list of who read its data.
// A person and an enterprise the register does not hold see nothing.
func TestMyEntity(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		defer s.Close()
		fam := loadFamily(t, s, 0)
		pr, err := s.MyEntity(as(enterpriseP(demoFirm)))
		if err != nil {
			t.Fatal(err)
		}
		rep := mustID(t, "1972-11-03", 11)
		want := map[string]string{"entity.credit_code": demoFirm, "entity.name": "亳州市华佗中药饮片有限公司（演示）",
			"entity.type": "有限责任公司", "entity.legal_representative": "王明", "entity.legal_representative_id": ids.MaskIDNumber(rep),
			"entity.registered_capital": "500", "entity.address": "亳州市谯城区华佗镇", "entity.business_scope": "中药饮片加工",
			"entity.status": "active"}
		for el, v := range want {
			dt := pr.Data[el]
			if dt.Value != v || dt.Source != "market_regulation" || dt.At.IsZero() {
				t.Errorf("%s = %+v, want %q from market_regulation with a time", el, dt, v)
			}
		}
		if len(pr.Licences) != 1 || pr.Licences[0].Identifier != fam.firmLicence {
			t.Errorf("licences: %+v", pr.Licences)
		}
		log, err := s.MyAccessLog(as(enterpriseP(demoFirm)), 1)
		if err != nil || log.Total != 1 || log.Entries[0].Purpose != PurposeSelf || !log.Entries[0].Allowed ||
			log.Entries[0].AccessorKind != identity.Enterprise {
			t.Errorf("the enterprise's access log: %+v %v", log, err)
		}
		other, _ := ids.MakeCreditCode("91", "341602", "MA2N0999")
		for name, c := range map[string]struct {
			ctx  context.Context
			code string
		}{
			"a person":                     {liXiangCtx(), errs.Denied},
			"an enterprise not in the hub": {as(enterpriseP(other)), errs.NotFound},
			"someone not signed in":        {context.Background(), errs.Denied},
			"the system administrator":     {adminCtx(), errs.Denied},
		} {
			if pr, err := s.MyEntity(c.ctx); errs.CodeOf(err) != c.code || len(pr.Data) > 0 {
				t.Errorf("%s: %v, want %s", name, err, c.code)
			}
		}
	})
}

// staffOf makes a staff member, 周敏, holding a post of a department
// named name, and returns them signed in.
func staffOf(t *testing.T, d *db.DB, name, nameEN string) identity.Principal {
	t.Helper()
	ctx := actor.With(context.Background(), actor.System("test"))
	al, _ := audit.New(audit.SHA256, nil)
	o := &org.Service{DB: d, Audit: al}
	if _, err := o.CreateJurisdiction(ctx, org.Jurisdiction{Code: "341600000000", Kind: "city", Name: "亳州市"}); err != nil {
		t.Fatal(err)
	}
	code, _ := ids.MakeCreditCode("11", "341600", "00300001")
	dep, err := o.CreateDepartment(ctx, org.Department{JurisdictionCode: "341600000000", Kind: "market_regulation",
		Name: name, NameEN: nameEN, CreditCode: code})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := strconv.ParseInt(actor.From(staffIn(t, d, o, "zhoumin", dep)).ID, 10, 64)
	return identity.Principal{Account: identity.Account{ID: id, Kind: identity.Staff, Name: "周敏"}}
}

// A staff member's read, within a case, appears in the read subject's
// list with their department and their name masked — for a person and
// for an enterprise alike.
func TestStaffReadNamesTheDepartment(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		defer s.Close()
		loadFamily(t, s, 0)
		staff := staffOf(t, d, "亳州市市场监督管理局", "Bozhou Market Regulation Bureau")
		s.Access.Org = &org.Service{DB: d}
		s.Access.StaffDepartments = (&identity.Service{DB: d}).StaffDepartments
		s.Access.CaseInvolves = func(_ context.Context, ref, _ string) (bool, error) { return ref == "C-9", nil }
		if _, err := s.Profile(as(staff), liXiang, Purpose{Kind: PurposeCase, Ref: "C-9"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.EntityProfile(as(staff), demoFirm, Purpose{Kind: PurposeCase, Ref: "C-9"}); err != nil {
			t.Fatal(err)
		}
		// His wife tries to read his data (refused); he reads his own last.
		if _, err := s.Profile(as(personP(8, cuiManman, "崔曼曼")), liXiang, Purpose{Kind: PurposeSelf}); errs.CodeOf(err) != errs.Denied {
			t.Fatalf("his wife read his data: %v", err)
		}
		if _, err := s.Profile(liXiangCtx(), liXiang, Purpose{Kind: PurposeSelf}); err != nil {
			t.Fatal(err)
		}
		log, err := s.MyAccessLog(liXiangCtx(), 1)
		if err != nil || len(log.Entries) != 3 {
			t.Fatalf("李想's log: %+v %v", log, err)
		}
		if own, wife := log.Entries[0], log.Entries[1]; !own.Self || own.AccessorName != "李想" || wife.Self ||
			wife.AccessorName != "崔**" || wife.Allowed {
			t.Errorf("his own read %+v, his wife's %+v", own, wife)
		}
		// The staff member's reads are the oldest entry of each log.
		for who, ctx := range map[string]context.Context{"李想": liXiangCtx(), "the enterprise": as(enterpriseP(demoFirm))} {
			log, err := s.MyAccessLog(ctx, 1)
			if err != nil || len(log.Entries) == 0 {
				t.Fatalf("%s: %+v %v", who, log, err)
			}
			e := log.Entries[len(log.Entries)-1]
			if e.AccessorKind != identity.Staff || e.AccessorName != "周*" || e.AccessorDept != "亳州市市场监督管理局" ||
				e.AccessorDeptEN != "Bozhou Market Regulation Bureau" || e.Ref != "C-9" {
				t.Errorf("%s sees the staff read as %+v", who, e)
			}
		}
	})
}
