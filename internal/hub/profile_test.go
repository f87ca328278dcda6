package hub

import (
	"testing"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/identity"
)

// 李想 reads his own profile: his registry data from public security, his
// marriage from civil affairs, his wife, his son and his parents, and his
// licences, each value saying which department it came from and when.
func TestProfileOfTheDemoFamily(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		defer s.Close()
		f := loadFamily(t, s, 20)
		pr, err := s.Profile(liXiangCtx(), liXiang, Purpose{Kind: PurposeSelf})
		if err != nil {
			t.Fatal(err)
		}
		for el, want := range map[string][2]string{
			"person.name":             {"李想", "public_security"},
			"person.former_names":     {"李小想", "public_security"},
			"person.sex":              {"M", "public_security"},
			"person.birth_date":       {"1988-07-15", "public_security"},
			"person.hukou_division":   {"341602110201", "public_security"},
			"person.marital_status":   {"married", "civil_affairs"},
			"person.spouse.id_number": {cuiManman, "civil_affairs"},
			"person.father.id_number": {f.father, "health_family_planning"},
		} {
			got := pr.Data[el]
			if got.Value != want[0] || got.Source != want[1] || !got.At.Equal(testNow) {
				t.Errorf("%s = %+v, want %q from %s at %v", el, got, want[0], want[1], testNow)
			}
		}
		if pr.Spouse == nil || pr.Spouse.Name != "崔曼曼" || pr.Spouse.Source != "civil_affairs" {
			t.Errorf("spouse = %+v, want 崔曼曼 by civil affairs", pr.Spouse)
		}
		if len(pr.Children) != 1 || pr.Children[0].Name != "李沐阳" || pr.Children[0].BirthDate != "2013-05-20" ||
			pr.Children[0].Source != "health_family_planning" {
			t.Errorf("children = %+v, want 李沐阳 born 2013-05-20, from health", pr.Children)
		}
		if pr.Father == nil || pr.Father.Name != "李建国" || pr.Mother == nil || pr.Mother.Name != "张桂英" {
			t.Errorf("parents = %+v / %+v, want 李建国 and 张桂英", pr.Father, pr.Mother)
		}
		byID := map[string]LicenceEntry{}
		for _, l := range pr.Licences {
			byID[l.Identifier] = l
		}
		if len(pr.Licences) != 2 {
			t.Errorf("licences = %+v, want his marriage certificate and his social security card", pr.Licences)
		}
		if l := byID[f.marriageCert]; l.TypeName != "结婚证" || l.IssuerName != "亳州市民政局" || l.Source != "civil_affairs" ||
			l.Status != "valid" || l.IssuedOn != "2012-05-01" || !l.At.Equal(testNow) {
			t.Errorf("marriage certificate = %+v", l)
		}
		if l := byID[f.expiredCard]; l.ExpiresOn != "2020-01-01" || l.Source != "human_resources_social_security" {
			t.Errorf("social security card = %+v", l)
		}
		// The son's profile has both parents and no children.
		son, err := s.readPerson(liXiangCtx(), f.child)
		if err != nil || son.Father == nil || son.Father.Name != "李想" || son.Mother.Name != "崔曼曼" || len(son.Children) != 0 {
			t.Errorf("son = %+v, %v", son, err)
		}
	})
}

// The enterprise reads its own entity with its business licence; the
// values of its registration came from market regulation.
func TestEntityProfile(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		defer s.Close()
		f := loadFamily(t, s, 0)
		ent := identity.Principal{Account: identity.Account{ID: 9, Kind: identity.Enterprise, Login: demoFirm, Name: "华佗"}}
		pr, err := s.EntityProfile(as(ent), demoFirm, Purpose{Kind: PurposeSelf})
		if err != nil {
			t.Fatal(err)
		}
		if d := pr.Data["entity.legal_representative"]; d.Value != "王明" || d.Source != "market_regulation" {
			t.Errorf("legal representative = %+v", d)
		}
		if pr.Get("entity.registered_capital") != "500" || pr.Get("entity.status") != "active" {
			t.Errorf("entity data = %+v", pr.Data)
		}
		if len(pr.Licences) != 1 || pr.Licences[0].Identifier != f.firmLicence || pr.Licences[0].TypeName != "营业执照" {
			t.Errorf("licences = %+v", pr.Licences)
		}
	})
}

// A person the hub does not hold is not found (after the read was
// allowed and logged), never an empty profile.
func TestProfileNotInHub(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		defer s.Close()
		loadFamily(t, s, 0)
		other := personID(t, 3)
		_, err := s.Profile(as(personP(8, other, "测试3")), other, Purpose{Kind: PurposeSelf})
		if errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("profile of a person not in the hub: %v, want not found", err)
		}
	})
}
