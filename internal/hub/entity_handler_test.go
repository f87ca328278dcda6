package hub

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
)

// handlerAccounts registers the demo enterprise and two residents, 李想
// and 崔曼曼, through the identity service, and has the enterprise make
// 李想 its handler. It returns the identity service and the accounts.
func handlerAccounts(t *testing.T, d *db.DB) (is *identity.Service, firm, li, cui identity.Account) {
	t.Helper()
	al, err := audit.New(audit.SHA256, func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	is = &identity.Service{DB: d, Audit: al, Now: func() time.Time { return testNow }}
	ctx := actor.With(context.Background(), actor.System("test"))
	firm, err = is.RegisterEnterprise(ctx, identity.EnterpriseForm{CreditCode: demoFirm, Name: "亳州市华佗中药饮片有限公司（演示）",
		LegalRepName: "王明", LegalRepIDNumber: mustID(t, "1972-11-03", 11), Phone: "13900001111", Password: "Huatuo-Yinpian-2015"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		acc       *identity.Account
		id, name  string
		phone, pw string
	}{{&li, liXiang, "李想", "13800001234", "Zhaozhuang-3zu-18"}, {&cui, cuiManman, "崔曼曼", "13800005678", "Maqin-Dawu-Gesar16"}} {
		if *p.acc, err = is.RegisterPerson(ctx, identity.PersonForm{Name: p.name, IDNumber: p.id, Phone: p.phone, Password: p.pw}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := is.AddHandler(ctx, firm, liXiang); err != nil {
		t.Fatal(err)
	}
	return is, firm, li, cui
}

// 李想 is the demo enterprise's handler (经办人): he sees it among the
// enterprises he acts for and reads its record and licences as the
// enterprise does — the legal representative's ID number masked. His wife,
// who is not its handler, is refused, and her attempt is logged. Once the
// enterprise removes him, his next read is refused and the enterprise is
// no longer in his list. The enterprise's access log names each reader: the
// handler's reads as its handler, masked.
func TestHandlerReadsEnterpriseData(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		defer s.Close()
		fam := loadFamily(t, s, 0)
		is, firm, li, cui := handlerAccounts(t, d)
		s.Access.Handling = is.HandlingOf
		asLi, asCui := as(identity.Principal{Account: li}), as(identity.Principal{Account: cui})

		list, err := s.HandledEntities(asLi)
		if err != nil || len(list) != 1 || list[0].CreditCode != demoFirm || list[0].Name != firm.Name || !list[0].Since.Equal(testNow) {
			t.Fatalf("the enterprises 李想 acts for: %+v %v", list, err)
		}
		pr, err := s.HandledEntity(asLi, demoFirm)
		if err != nil {
			t.Fatal(err)
		}
		if pr.Get("entity.name") != firm.Name || pr.Get("entity.legal_representative") != "王明" ||
			pr.Get("entity.legal_representative_id") != ids.MaskIDNumber(mustID(t, "1972-11-03", 11)) ||
			pr.Data["entity.name"].Source != "market_regulation" {
			t.Errorf("the enterprise's record as its handler reads it: %+v", pr.Data)
		}
		if len(pr.Licences) != 1 || pr.Licences[0].Identifier != fam.firmLicence {
			t.Errorf("licences: %+v", pr.Licences)
		}
		// A credit code typed in lower case is the same enterprise.
		if _, err := s.HandledEntity(asLi, strings.ToLower(demoFirm)); err != nil {
			t.Errorf("lower-case credit code: %v", err)
		}

		// Not a handler: refused, with the reason, and no enterprises listed.
		if pr, err := s.HandledEntity(asCui, demoFirm); !deniedWith(err, "hub.access.not_handler") || len(pr.Data) > 0 {
			t.Errorf("崔曼曼 read the enterprise: %v", err)
		}
		if list, err := s.HandledEntities(asCui); err != nil || len(list) != 0 {
			t.Errorf("the enterprises 崔曼曼 acts for: %+v %v", list, err)
		}
		// Bad input and other callers.
		if _, err := s.HandledEntity(asLi, "91341602MA2N0001X"); errs.CodeOf(err) != errs.Invalid || !hasField(err, "credit_code") {
			t.Errorf("a short credit code: %v, want a credit_code field error", err)
		}
		if _, err := s.HandledEntity(as(enterpriseP(demoFirm)), demoFirm); errs.CodeOf(err) != errs.Denied {
			t.Errorf("the enterprise account as a handler: %v", err)
		}
		if _, err := s.HandledEntities(context.Background()); errs.CodeOf(err) != errs.Denied {
			t.Errorf("someone not signed in listed enterprises: %v", err)
		}

		// The enterprise removes 李想: the right ends at once.
		if err := is.RemoveHandler(actor.With(context.Background(), actor.System("test")), firm, li.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.HandledEntity(asLi, demoFirm); !deniedWith(err, "hub.access.not_handler") {
			t.Errorf("a removed handler read the enterprise: %v", err)
		}
		if list, err := s.HandledEntities(asLi); err != nil || len(list) != 0 {
			t.Errorf("a removed handler still lists the enterprise: %+v %v", list, err)
		}

		// The enterprise's log, newest first: 李想 refused (no longer its
		// handler), 崔曼曼 refused, 李想's two reads as its handler.
		log, err := s.MyAccessLog(as(identity.Principal{Account: firm}), 1)
		if err != nil || log.Total != 4 {
			t.Fatalf("the enterprise's access log: %+v %v", log, err)
		}
		want := []struct {
			name, role string
			allowed    bool
			reason     string
		}{{"李*", "", false, "hub.access.not_handler"}, {"崔**", "", false, "hub.access.not_handler"},
			{"李*", RoleHandler, true, ""}, {"李*", RoleHandler, true, ""}}
		for i, w := range want {
			e := log.Entries[i]
			if e.AccessorKind != identity.Person || e.AccessorName != w.name || e.AccessorRole != w.role || e.Allowed != w.allowed ||
				e.Reason != w.reason || e.Purpose != PurposeSelf || e.Op != "profile" || e.Self {
				t.Errorf("entry %d: %+v, want %+v", i, e, w)
			}
		}
		// The handler's own list of reads of his data does not hold them.
		if mine, err := s.MyAccessLog(asLi, 1); err != nil || mine.Total != 0 {
			t.Errorf("李想's own access log: %+v %v", mine, err)
		}
	})
}

// An enterprise whose account the security administrator disabled has
// no handlers who read in its name.
func TestDisabledEnterpriseHasNoHandlerReads(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		defer s.Close()
		loadFamily(t, s, 0)
		is, firm, li, _ := handlerAccounts(t, d)
		s.Access.Handling = is.HandlingOf
		asLi := as(identity.Principal{Account: li})
		if _, err := s.HandledEntity(asLi, demoFirm); err != nil {
			t.Fatal(err)
		}
		if err := is.SetStatus(actor.With(context.Background(), actor.System("test")), firm.ID, identity.StatusDisabled); err != nil {
			t.Fatal(err)
		}
		if _, err := s.HandledEntity(asLi, demoFirm); !deniedWith(err, "hub.access.not_handler") {
			t.Errorf("a handler of a disabled enterprise read it: %v", err)
		}
		if list, _ := s.HandledEntities(asLi); len(list) != 0 {
			t.Errorf("a disabled enterprise is listed: %+v", list)
		}
	})
}

func deniedWith(err error, key string) bool {
	e, ok := errs.As(err)
	return ok && e.Code == errs.Denied && e.Key == key
}

func hasField(err error, field string) bool {
	for _, e := range errs.Fields(err) {
		if e.Field == field {
			return true
		}
	}
	return false
}
