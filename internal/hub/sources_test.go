package hub

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/ids"
	"github.com/govhall/govhall/internal/tabular"
)

// Marriages from civil affairs and births from health link the family:
// spouse both ways, children found by their parents. A row naming a person
// the population database does not hold is rejected.
func TestImportFamilyLinks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		mustImport(t, s, ImportRequest{Source: "public_security", Kind: KindPopulation, Path: registryFile(t, 0, 10)})
		husband, wife, child1, child2 := personID(t, 0), personID(t, 1), personID(t, 2), personID(t, 3)
		stranger := personID(t, 50)
		marriages := writeFile(t, "marriages.csv", "公民身份号码,婚姻状况,配偶公民身份号码,姓名",
			husband+",已婚,"+wife+",测试0", wife+",已婚,"+husband+",", personID(t, 4)+",已婚,"+stranger+",")
		rep := mustImport(t, s, ImportRequest{Source: "civil_affairs", Kind: KindPopulation, Path: marriages, Partial: true,
			RejectsPath: t.TempDir() + "/r.csv"})
		if rep.Format != "marriages" || rep.Updated != 2 || rep.Rejected != 1 {
			t.Fatalf("marriages: %+v", rep)
		}
		births := writeFile(t, "births.csv", "公民身份号码,父亲公民身份号码,母亲公民身份号码,姓名,出生日期",
			child1+","+husband+","+wife+",测试2,"+birthOf(2), child2+","+husband+","+wife+",,", stranger+","+husband+","+wife+",,")
		rep = mustImport(t, s, ImportRequest{Source: "health_family_planning", Kind: KindPopulation, Path: births, Partial: true})
		if rep.Format != "births" || rep.Updated != 2 || rep.Rejected != 1 {
			t.Fatalf("births: %+v", rep)
		}
		h, _ := person(t, d, husband)
		w, _ := person(t, d, wife)
		if h.SpouseID != wife || w.SpouseID != husband || h.MaritalStatus != "married" || h.MarriageImport == 0 || h.RegistryImport == 0 {
			t.Fatalf("spouses: %+v / %+v", h, w)
		}
		n := count(t, d, "SELECT count(*) FROM hub_persons WHERE father_id = ? AND mother_id = ?", husband, wife)
		if n != 2 {
			t.Fatalf("%d children of the couple, want 2", n)
		}
		if c, _ := person(t, d, child1); c.BirthImport != rep.ImportID || c.Name != "测试2" {
			t.Fatalf("child: %+v", c)
		}
	})
}

// A value from a source that is not the element's authority, differing
// from the stored one, is refused and listed as a conflict; the same value
// is simply confirmed; a registry file from civil affairs cannot add people.
func TestNonAuthoritativeValueIsAConflict(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		mustImport(t, s, ImportRequest{Source: "public_security", Kind: KindPopulation, Path: registryFile(t, 0, 3)})
		a, b := personID(t, 0), personID(t, 1)
		marriages := writeFile(t, "m.csv", "公民身份号码,婚姻状况,配偶公民身份号码,姓名",
			a+",已婚,"+b+",张冠李戴", b+",已婚,"+a+",测试1")
		rep := mustImport(t, s, ImportRequest{Source: "civil_affairs", Kind: KindPopulation, Path: marriages, Partial: true})
		if rep.Rejected != 1 || rep.Updated != 1 || rep.Conflicts != 1 {
			t.Fatalf("report %+v", rep)
		}
		var elem, auth, offered, src, authSrc string
		var line int64
		err := d.QueryRow(context.Background(), `SELECT element, authoritative_value, offered_value, offered_source,
			authoritative_source, line FROM hub_conflicts WHERE subject_id = ? AND resolved_at IS NULL`, a).Scan(&elem, &auth, &offered, &src, &authSrc, &line)
		if err != nil || elem != "person.name" || auth != "测试0" || offered != "张冠李戴" || src != "civil_affairs" || authSrc != "public_security" || line != 2 {
			t.Fatalf("conflict %s %s %s %s %s %d %v", elem, auth, offered, src, authSrc, line, err)
		}
		if p, _ := person(t, d, a); p.Name != "测试0" || p.SpouseID != "" {
			t.Fatalf("the refused row changed the record: %+v", p)
		}
		other := strings.Replace(registryLine(t, 2), "测试2", "改名", 1)
		path := writeFile(t, "reg.csv", registryHeader, other, registryLine(t, 9))
		rep = mustImport(t, s, ImportRequest{Source: "civil_affairs", Kind: KindPopulation, Path: path, Partial: true})
		if rep.Rejected != 2 || rep.Inserted != 0 || rep.Conflicts != 1 {
			t.Fatalf("registry from a non-authoritative source: %+v", rep)
		}
	})
}

// A delta export updates records in place and marks 注销; a change to a
// record the hub does not hold is rejected.
func TestDeltaImport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		mustImport(t, s, ImportRequest{Source: "public_security", Kind: KindPopulation, Path: registryFile(t, 0, 5)})
		moved := strings.Replace(registryLine(t, 1), "同户籍地址", "亳州市谯城区新住址1号", 1) + ",变更"
		delta := writeFile(t, "delta.csv", deltaHeader, moved, registryLine(t, 2)+",注销", registryLine(t, 3)+",变更",
			registryLine(t, 60)+",变更", registryLine(t, 61)+",新增")
		rep := mustImport(t, s, ImportRequest{Source: "public_security", Kind: KindPopulation, Path: delta, Partial: true})
		if rep.Updated != 2 || rep.Unchanged != 1 || rep.Inserted != 1 || rep.Rejected != 1 {
			t.Fatalf("delta: %+v", rep)
		}
		if p, _ := person(t, d, personID(t, 1)); p.CurrentAddress != "亳州市谯城区新住址1号" || p.RegistryImport != rep.ImportID {
			t.Fatalf("moved: %+v", p)
		}
		if p, _ := person(t, d, personID(t, 2)); p.Status != "cancelled" {
			t.Fatalf("注销: %+v", p)
		}
		if p, _ := person(t, d, personID(t, 3)); p.RegistryImport == rep.ImportID {
			t.Fatal("an unchanged record must keep the provenance of the import that wrote it")
		}
		if n := count(t, d, "SELECT count(*) FROM hub_persons"); n != 6 {
			t.Fatalf("%d persons, want 6", n)
		}
	})
}

const entityHeader = "统一社会信用代码,名称,类型,法定代表人,法定代表人身份号码,注册资本,住所,经营范围,成立日期,登记状态,登记机关"
const licenceHeader = "证照标识,证照类型代码,证照编号,持证主体类型,持证主体代码,持证主体名称,发证机构代码,发证机构,发证日期,有效期至,证照状态,照面信息"

// Entities and licences load from their sources; a licence of a type
// another department issues, or with a bad identifier, is rejected.
func TestImportEntitiesAndLicences(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		code := "91341602MA2N0001XK"
		ent := writeFile(t, "e.csv", entityHeader,
			code+",亳州市华佗中药饮片有限公司（演示）,有限责任公司,李想,"+personID(t, 0)+",100.5,亳州市谯城区,中药饮片,20100301,存续,亳州市市场监督管理局",
			code[:17]+"Y,坏代码,,,,,,,,存续,")
		rep := mustImport(t, s, ImportRequest{Source: "market_regulation", Kind: KindEntity, Path: ent, Partial: true})
		if rep.Inserted != 1 || rep.Rejected != 1 {
			t.Fatalf("entities: %+v", rep)
		}
		types, err := s.LicenceTypes(context.Background())
		if err != nil || len(types) != 6 {
			t.Fatalf("licence types %v %v", types, err)
		}
		var business, marriage LicenceType
		for _, lt := range types {
			switch lt.Name {
			case "营业执照":
				business = lt
			case "结婚证":
				marriage = lt
			}
		}
		issuer, err := ids.MakeCreditCode("11", "341600", "30000004")
		if err != nil {
			t.Fatal(err)
		}
		lines := []string{licenceHeader}
		for i, lt := range []LicenceType{business, business, marriage} {
			id := licenceID(t, lt.Code, issuer, fmt.Sprintf("2026%08d", i+1))
			holder, kind := code, HolderEntity
			if lt.HolderKind == "person" {
				holder, kind = personID(t, 0), HolderPerson
			}
			lines = append(lines, fmt.Sprintf(`%s,%s,N%d,%s,%s,持证者,%s,亳州市市场监督管理局,2026-01-05,,有效,"{""a"":""b""}"`,
				id, lt.Code, i, kind, holder, issuer))
		}
		bad := strings.Replace(lines[2], ".001.", ".002.", 1)
		lines[2] = bad
		rejects := t.TempDir() + "/r.csv"
		rep = mustImport(t, s, ImportRequest{Source: "market_regulation", Kind: KindLicence, Path: writeFile(t, "l.csv", lines...),
			Partial: true, RejectsPath: rejects})
		if rep.Inserted != 1 || rep.Rejected != 2 {
			t.Fatalf("licences: %+v", rep)
		}
		checkReasons(t, rejects, map[int]string{3: "ids.licence.check", 4: "hub.reject.licence_type_source"})
		if n := count(t, d, "SELECT count(*) FROM hub_licences WHERE holder_id = ? AND status = 'valid'", code); n != 1 {
			t.Fatalf("%d licences of the entity", n)
		}
	})
}

func licenceID(t *testing.T, typ, issuer, serial string) string {
	t.Helper()
	id, err := makeLicenceID(typ, issuer, serial)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func checkReasons(t *testing.T, path string, want map[int]string) {
	t.Helper()
	r, err := tabular.Open(path, tabular.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got := map[int]string{}
	for {
		row, err := r.Next()
		if err != nil {
			break
		}
		var line int
		fmt.Sscan(row.Cells[0], &line)
		got[line] = row.Cells[3]
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("rejected lines and reasons %v, want %v", got, want)
	}
}

// GB18030 CSV (what Excel in a Chinese office saves) and XLSX read through
// tabular load the same records as UTF-8 CSV.
func TestImportGB18030AndXLSX(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		utf := registryHeader + "\n" + registryLine(t, 0) + "\n" + registryLine(t, 1) + "\n"
		gb, err := simplifiedchinese.GB18030.NewEncoder().String(utf)
		if err != nil {
			t.Fatal(err)
		}
		gbPath := filepath.Join(t.TempDir(), "gb.csv")
		if err := os.WriteFile(gbPath, []byte(gb), 0o600); err != nil {
			t.Fatal(err)
		}
		rep := mustImport(t, s, ImportRequest{Source: "public_security", Kind: KindPopulation, Path: gbPath})
		if rep.Inserted != 2 {
			t.Fatalf("GB18030: %+v", rep)
		}
		if p, _ := person(t, d, personID(t, 1)); p.Name != "测试1" || p.Ethnicity != "汉族" {
			t.Fatalf("GB18030 text decoded wrong: %+v", p)
		}
		xlsx := filepath.Join(t.TempDir(), "reg.xlsx")
		w, err := tabular.Create(xlsx, tabular.XLSX, "人口")
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range []string{registryHeader, registryLine(t, 1), registryLine(t, 2)} {
			if err := w.Write(strings.Split(line, ",")); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		rep = mustImport(t, s, ImportRequest{Source: "public_security", Kind: KindPopulation, Path: xlsx})
		if rep.Inserted != 1 || rep.Unchanged != 1 || rep.Status != "done" {
			t.Fatalf("XLSX: %+v", rep)
		}
	})
}
