package synth

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/ids"
)

var now = time.Now()

type personRow struct {
	id, name, sex, birth, division, status string
	parsed                                 ids.IDNumber
}

// persons reads the population file and checks each row as the public
// security bureau's export must be: valid, unique ID numbers of Bozhou
// whose birth date and sex digit agree with the row, a 12-digit division
// code of the same county, a name, a phone that looks like a mobile.
func (g *generated) persons(t *testing.T) map[string]personRow {
	t.Helper()
	out := map[string]personRow{}
	for _, x := range g.all("public_security/population") {
		tb, row := x.tb, x.row
		p := personRow{id: tb.col(row, "公民身份号码"), name: tb.col(row, "姓名"), sex: tb.col(row, "性别"),
			birth: tb.col(row, "出生日期"), division: tb.col(row, "户籍地行政区划代码"), status: tb.col(row, "人员状态")}
		where := tb.file + " line " + itoa(row.Line)
		id, err := ids.ValidateIDNumber(p.id, now)
		switch {
		case err != nil:
			t.Fatalf("%s: ID number %s: %v", where, p.id, err)
		case id.Warning != "" || countyByCode(id.Division) == nil:
			t.Fatalf("%s: %s is not of a Bozhou county", where, p.id)
		case id.Birth.Format(time.DateOnly) != p.birth:
			t.Fatalf("%s: birth date %s, ID number says %s", where, p.birth, id.Birth.Format(time.DateOnly))
		case id.Male != (p.sex == "男") || p.sex != "男" && p.sex != "女":
			t.Fatalf("%s: sex %q disagrees with the sequence digit of %s", where, p.sex, p.id)
		case len(p.division) != 12 || p.division[:6] != id.Division:
			t.Fatalf("%s: division %s is not a 12-digit code of county %s", where, p.division, id.Division)
		case p.name == "" || strings.ContainsAny(p.name, "0123456789"):
			t.Fatalf("%s: name %q", where, p.name)
		case p.status != statusNormal && p.status != statusDead && p.status != statusMovedOut:
			t.Fatalf("%s: status %q", where, p.status)
		case !mobile(tb.col(row, "联系电话")):
			t.Fatalf("%s: phone %q", where, tb.col(row, "联系电话"))
		case !strings.HasPrefix(tb.col(row, "户籍地址"), prefix+countyByCode(id.Division).name):
			t.Fatalf("%s: address %q is not in the ID number's county", where, tb.col(row, "户籍地址"))
		}
		if _, dup := out[p.id]; dup {
			t.Fatalf("%s: ID number %s given twice", where, p.id)
		}
		p.parsed = id
		out[p.id] = p
	}
	return out
}

func mobile(s string) bool {
	if s == "" {
		return true // children have none
	}
	if len(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9' {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func TestRecordsAreValidAndConsistent(t *testing.T) {
	cfg := Config{Persons: 3000, Entities: 300, Licences: 9000, Seed: 7}
	g := generate(t, cfg)
	people := g.persons(t)
	if len(people) != cfg.Persons {
		t.Fatalf("%d persons, want %d", len(people), cfg.Persons)
	}
	entities := g.entities(t, people)
	if len(entities) != cfg.Entities {
		t.Fatalf("%d entities, want %d", len(entities), cfg.Entities)
	}
	if n := g.licences(t, people, entities); n != cfg.Licences {
		t.Fatalf("%d licences, want %d", n, cfg.Licences)
	}
	if marriages, children := g.families(t, people); marriages < cfg.Persons/3 || children < cfg.Persons/4 {
		t.Fatalf("%d marriage rows and %d children of %d persons: too few families", marriages, children, cfg.Persons)
	}
}

// entities checks the market regulation export: valid unique credit codes,
// legal representatives from the population, known statuses.
func (g *generated) entities(t *testing.T, people map[string]personRow) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, x := range g.all("market_regulation/entity") {
		tb, row := x.tb, x.row
		code, name := tb.col(row, "统一社会信用代码"), tb.col(row, "名称")
		where := tb.file + " line " + itoa(row.Line)
		rep := people[tb.col(row, "法定代表人身份号码")]
		switch {
		case ids.ValidateCreditCode(code) != nil:
			t.Fatalf("%s: credit code %s: %v", where, code, ids.ValidateCreditCode(code))
		case name == "" || out[code] != "":
			t.Fatalf("%s: name %q, or credit code %s given twice", where, name, code)
		case rep.id == "" || rep.name != tb.col(row, "法定代表人"):
			t.Fatalf("%s: legal representative %q is not a person of the population", where, tb.col(row, "法定代表人"))
		case rep.parsed.Birth.After(now.AddDate(-18, 0, 0)):
			t.Fatalf("%s: legal representative %s is a minor", where, rep.id)
		}
		if _, err := time.Parse(time.DateOnly, tb.col(row, "成立日期")); err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		out[code] = name
	}
	return out
}

// licences checks every licence file: identifiers that parse and agree
// with their columns, holders that exist with the right kind and name,
// issuers of the type's department, data consistent with the holder.
func (g *generated) licences(t *testing.T, people map[string]personRow, entities map[string]string) int {
	t.Helper()
	types := map[string]LicenceType{}
	for _, lt := range LicenceTypes() {
		types[lt.Code] = lt
	}
	n := 0
	for _, f := range g.manifest.Files {
		if f.Kind != KindLicence {
			continue
		}
		tb := g.files[f.File]
		for _, row := range tb.rows {
			n++
			where := tb.file + " line " + itoa(row.Line)
			l, err := ids.ParseLicenceID(tb.col(row, "证照标识"))
			lt, known := types[tb.col(row, "证照类型代码")]
			iss, _ := IssuerOf(f.Source)
			switch {
			case err != nil:
				t.Fatalf("%s: identifier: %v", where, err)
			case !known || l.TypeCode != lt.Code || lt.Department != f.Source:
				t.Fatalf("%s: type %s is not a type the file's department %s issues", where, l.TypeCode, f.Source)
			case l.IssuerCode != iss.Code || tb.col(row, "发证机构代码") != iss.Code || tb.col(row, "发证机构") != iss.Name:
				t.Fatalf("%s: issuer %s, want %s", where, l.IssuerCode, iss.Code)
			case tb.col(row, "持证主体类型") != lt.HolderKind:
				t.Fatalf("%s: holder kind %s for a %s", where, tb.col(row, "持证主体类型"), lt.Name)
			}
			holder, name := tb.col(row, "持证主体代码"), tb.col(row, "持证主体名称")
			if lt.HolderKind == HolderPerson && people[holder].name != name || lt.HolderKind == HolderEntity && entities[holder] != name {
				t.Fatalf("%s: holder %s %q is not in the population or entity file", where, holder, name)
			}
			var data map[string]string
			if err := json.Unmarshal([]byte(tb.col(row, "照面信息")), &data); err != nil {
				t.Fatalf("%s: data: %v", where, err)
			}
			for _, it := range lt.Items {
				if _, ok := data[it.Key]; !ok {
					t.Fatalf("%s: data lacks %s", where, it.Key)
				}
			}
			if !strings.Contains(tb.col(row, "照面信息"), name) {
				t.Fatalf("%s: data %s does not name the holder %s", where, tb.col(row, "照面信息"), name)
			}
			if bad := g.dataDisagrees(lt, holder, data, people); bad != "" {
				t.Fatalf("%s: %s: %s", where, bad, tb.col(row, "照面信息"))
			}
		}
	}
	return n
}

// dataDisagrees compares a licence's data with the other departments'
// records of its holder ("" when they agree).
func (g *generated) dataDisagrees(lt LicenceType, holder string, data map[string]string, people map[string]personRow) string {
	switch lt.Name {
	case "社会保障卡":
		if data["social_security_number"] != holder || data["sex"] != people[holder].sex {
			return "card number or sex is not the holder's"
		}
	case "结婚证":
		h, w := data["husband_id_number"], data["wife_id_number"]
		if holder != h && holder != w || g.spouseOf(h) != w {
			return "the couple is not married according to civil affairs"
		}
	case "出生医学证明":
		if f, m := g.parentsOf(holder); f != data["father_id_number"] || m != data["mother_id_number"] || data["born_on"] != people[holder].birth {
			return "parents or birth date differ from health's births"
		}
	case "居民户口簿":
		if data["head_id_number"] != holder || data["division"] != people[holder].division {
			return "head or division differ from the population"
		}
	}
	return ""
}

func (g *generated) spouseOf(id string) string {
	if g.spouses == nil {
		g.spouses = map[string]string{}
		for _, x := range g.all("civil_affairs/population") {
			g.spouses[x.tb.col(x.row, "公民身份号码")] = x.tb.col(x.row, "配偶公民身份号码")
		}
	}
	return g.spouses[id]
}

func (g *generated) parentsOf(id string) (string, string) {
	if g.parents == nil {
		g.parents = map[string][2]string{}
		for _, x := range g.all("health_family_planning/population") {
			g.parents[x.tb.col(x.row, "公民身份号码")] = [2]string{x.tb.col(x.row, "父亲公民身份号码"), x.tb.col(x.row, "母亲公民身份号码")}
		}
	}
	return g.parents[id][0], g.parents[id][1]
}
