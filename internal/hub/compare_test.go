package hub

import (
	"context"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/identity"
)

// A department system verifies what an applicant wrote on a form: values
// written differently but meaning the same agree; a wrong spouse name, a
// value the hub does not hold and an element it does not know are listed.
func TestCompareListsMismatches(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		defer s.Close()
		loadFamily(t, s, 0)
		sys := as(identity.Principal{System: &identity.APIToken{Name: "卫健委系统", Prefix: "ghtk_x", Scopes: []string{"hub.verify"}}})
		got, err := s.Compare(sys, Applicant{Kind: SubjectPerson, ID: liXiang}, map[string]string{
			"person.name":             " 李想 ",
			"person.sex":              "男",
			"person.birth_date":       "19880715",
			"person.marital_status":   "married",
			"person.spouse.id_number": "３４１６０２１９９００３０８００４９",
			"person.spouse.name":      "崔蔓蔓",
			"person.children.count":   "1",
			"person.ethnicity":        "",
			"person.blood_type":       "A",
		}, Purpose{Kind: PurposeVerification, Ref: "WJ-2015-0001"})
		if err != nil {
			t.Fatal(err)
		}
		want := []Mismatch{
			{Element: "person.blood_type", Reason: MismatchUnknown, Submitted: "A"},
			{Element: "person.ethnicity", Reason: MismatchDiffers, Submitted: "", Hub: "汉族", Source: "public_security", At: testNow},
			{Element: "person.spouse.name", Reason: MismatchDiffers, Submitted: "崔蔓蔓", Hub: "崔曼曼", Source: "civil_affairs", At: testNow},
		}
		if len(got) != len(want) {
			t.Fatalf("mismatches = %+v, want %+v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("mismatch %d = %+v, want %+v", i, got[i], want[i])
			}
		}
		// Without a case reference the system may not look.
		_, err = s.Compare(sys, Applicant{Kind: SubjectPerson, ID: liXiang}, map[string]string{"person.name": "李想"},
			Purpose{Kind: PurposeVerification})
		if errs.CodeOf(err) != errs.Denied {
			t.Errorf("verification without a case: %v, want denied", err)
		}
	})
}

// An applicant's valid licences stand in for the materials that name their
// type; an expired or revoked one does not, nor one of another holder.
func TestMaterialsFromLicences(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		defer s.Close()
		f := loadFamily(t, s, 0)
		materials := []catalog.Material{
			{Name: "结婚证", Source: catalog.FromLicence, LicenceType: f.marriage},
			{Name: "社会保障卡", Source: catalog.FromLicence, LicenceType: f.socialSec},
			{Name: "营业执照", Source: catalog.FromLicence, LicenceType: f.business},
			{Name: "申请书", Source: catalog.FromApplicant},
		}
		got, err := s.MaterialsFromLicences(liXiangCtx(), liXiang, materials, Purpose{Kind: PurposePrefill})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 {
			t.Fatalf("matches = %+v, want one per material naming a licence type", got)
		}
		if m := got[0]; !m.Found || m.Identifier != f.marriageCert || m.Number != "J341602-2012-001" || m.Source != "civil_affairs" {
			t.Errorf("marriage certificate: %+v", m)
		}
		if got[1].Found { // his card expired in 2020
			t.Errorf("expired social security card stands in: %+v", got[1])
		}
		if got[2].Found {
			t.Errorf("a person has the enterprise's business licence: %+v", got[2])
		}
		// 崔曼曼's card is revoked.
		hers, err := s.MaterialsFromLicences(as(personP(8, cuiManman, "崔曼曼")), cuiManman, materials[:2], Purpose{Kind: PurposePrefill})
		if err != nil || !hers[0].Found || hers[1].Found {
			t.Errorf("崔曼曼's materials: %+v, %v", hers, err)
		}
		// The enterprise's business licence, until the day it expires.
		ent := as(identity.Principal{Account: identity.Account{ID: 9, Kind: identity.Enterprise, Login: demoFirm}})
		if _, err := d.Exec(context.Background(), "UPDATE hub_licences SET expires_on = '2026-11-27' WHERE identifier = ?", f.firmLicence); err != nil {
			t.Fatal(err)
		}
		firm, err := s.MaterialsFromLicences(ent, demoFirm, materials[2:3], Purpose{Kind: PurposeSelf})
		if err != nil || !firm[0].Found || firm[0].ExpiresOn != "2026-11-27" {
			t.Errorf("business licence on its last day: %+v, %v", firm, err)
		}
		s.Now = func() time.Time { return testNow.Add(24 * time.Hour) }
		if firm, _ = s.MaterialsFromLicences(ent, demoFirm, materials[2:3], Purpose{Kind: PurposeSelf}); firm[0].Found {
			t.Errorf("business licence the day after it expired: %+v", firm)
		}
	})
}

// Registration's real-name check: skipped while the population database
// is empty; then the name must be that of the ID number's living person.
func TestCheckRealName(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		defer s.Close()
		ctx := context.Background()
		if skipped, err := s.CheckRealName(ctx, liXiang, "随便"); !skipped || err != nil {
			t.Fatalf("empty population: skipped=%v err=%v, want skipped", skipped, err)
		}
		f := loadFamily(t, s, 0)
		for _, c := range []struct {
			id, name, field, key string
		}{
			{liXiang, "李想", "", ""},
			{liXiang, " 李 想", "", ""},
			{liXiang, "李响", "name", "hub.realname.mismatch"},
			{personID(t, 5), "测试5", "id_number", "hub.realname.unknown"},
			{f.mother, "张桂英", "id_number", "hub.realname.not_living"},
		} {
			skipped, err := s.CheckRealName(ctx, c.id, c.name)
			e, _ := errs.As(err)
			switch {
			case skipped:
				t.Errorf("%s: skipped", c.name)
			case c.key == "" && err != nil:
				t.Errorf("%s: %v", c.name, err)
			case c.key != "" && (e == nil || e.Field != c.field || e.Key != c.key):
				t.Errorf("%s: %v, want %s on %s", c.name, err, c.key, c.field)
			}
		}
		s.Close()
		if n := count(t, d, "SELECT count(*) FROM hub_access_log WHERE purpose_ref = 'registration'"); n != 5 {
			t.Errorf("%d real-name checks in the access log, want 5", n)
		}
	})
}
