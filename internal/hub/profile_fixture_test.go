package hub

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
)

// The demo family of the seed's stories, loaded through the importer from
// the exports of the three departments that own its data: 李想 and 崔曼曼
// (married, civil affairs), their son 李沐阳 and 李想's parents (births,
// health), their licences, and the demo enterprise; plus test persons
// around them.
const (
	liXiang   = "341602198807150036"
	cuiManman = "341602199003080049"
	demoFirm  = "91341602MA2N0001XK"
)

// licenceType reads the code of a demo licence type by its name (结婚证 …).
func licenceType(t testing.TB, s *Service, name string) string {
	t.Helper()
	var code string
	if err := s.DB.QueryRow(context.Background(), "SELECT code FROM hub_licence_types WHERE name = ?", name).Scan(&code); err != nil {
		t.Fatalf("licence type %s: %v", name, err)
	}
	return code
}

type family struct {
	child, father, mother string
	marriageCert          string // 李想's marriage certificate
	expiredCard           string // 李想's social security card, expired
	revokedCard           string // 崔曼曼's, revoked
	firmLicence           string
	// The licence types: 结婚证 (civil affairs), 社会保障卡 (human
	// resources), 营业执照 (market regulation).
	marriage, socialSec, business string
}

func mustID(t testing.TB, birth string, seq int) string {
	t.Helper()
	b, _ := time.Parse(time.DateOnly, birth)
	id, err := ids.MakeIDNumber("341602", b, seq)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func mustCode(t testing.TB, body string) string {
	t.Helper()
	c, err := ids.MakeCreditCode("11", "341600", body)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustImportAll(t testing.TB, s *Service, req ImportRequest) {
	t.Helper()
	req.RejectsPath = t.TempDir() + "/rejects.csv"
	rep := mustImport(t, s, req)
	if rep.Status != "done" || rep.Rejected > 0 {
		b, _ := os.ReadFile(req.RejectsPath)
		t.Fatalf("import %s: %+v\n%s", req.Path, rep, b)
	}
}

func mustLicence(t testing.TB, typ, issuer, serial string) string {
	t.Helper()
	id, err := makeLicenceID(typ, issuer, serial)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// loadFamily imports the demo family (and noise persons 0..noise-1).
func loadFamily(t testing.TB, s *Service, noise int) family {
	t.Helper()
	f := family{child: mustID(t, "2013-05-20", 5), father: mustID(t, "1962-03-01", 11), mother: mustID(t, "1964-06-10", 22)}
	reg := []string{registryHeader,
		liXiang + ",李想,李小想,男,汉族,1988-07-15,安徽省亳州市谯城区谯东镇赵庄村3组18号,341602110201,青海省玛沁县大武镇格萨尔路16号,13800001234,正常",
		cuiManman + ",崔曼曼,,女,汉族,1990-03-08,安徽省亳州市谯城区谯东镇赵庄村3组18号,341602110201,青海省玛沁县大武镇格萨尔路16号,13800005678,正常",
		f.child + ",李沐阳,,男,汉族,2013-05-20,安徽省亳州市谯城区谯东镇赵庄村3组18号,341602110201,同户籍地址,,正常",
		f.father + ",李建国,,男,汉族,1962-03-01,安徽省亳州市谯城区谯东镇赵庄村3组18号,341602110201,,,正常",
		f.mother + ",张桂英,,女,汉族,1964-06-10,安徽省亳州市谯城区谯东镇赵庄村3组18号,341602110201,,,死亡",
	}
	for i := range noise {
		reg = append(reg, registryLine(t, i))
	}
	mustImportAll(t, s, ImportRequest{Source: "public_security", Kind: KindPopulation, Path: writeFile(t, "registry.csv", reg...)})
	mustImportAll(t, s, ImportRequest{Source: "civil_affairs", Kind: KindPopulation, Path: writeFile(t, "marriages.csv",
		"公民身份号码,婚姻状况,配偶公民身份号码,姓名",
		liXiang+",已婚,"+cuiManman+",李想", cuiManman+",已婚,"+liXiang+",崔曼曼", f.child+",未婚,,李沐阳")})
	mustImportAll(t, s, ImportRequest{Source: "health_family_planning", Kind: KindPopulation, Path: writeFile(t, "births.csv",
		"公民身份号码,父亲公民身份号码,母亲公民身份号码,姓名,出生日期",
		f.child+","+liXiang+","+cuiManman+",李沐阳,2013-05-20", liXiang+","+f.father+","+f.mother+",李想,1988-07-15")})
	mustImportAll(t, s, ImportRequest{Source: "market_regulation", Kind: KindEntity, Path: writeFile(t, "entities.csv",
		"统一社会信用代码,名称,类型,法定代表人,法定代表人身份号码,注册资本,住所,经营范围,成立日期,登记状态",
		demoFirm+",亳州市华佗中药饮片有限公司（演示）,有限责任公司,王明,"+mustID(t, "1972-11-03", 11)+",500,亳州市谯城区华佗镇,中药饮片加工,2015-03-02,存续")})
	marriage, socialSec, business := licenceType(t, s, "结婚证"), licenceType(t, s, "社会保障卡"), licenceType(t, s, "营业执照")
	f.marriage, f.socialSec, f.business = marriage, socialSec, business
	civil, hr, amr := mustCode(t, "00300001"), mustCode(t, "00300002"), mustCode(t, "00300003")
	f.marriageCert = mustLicence(t, marriage, civil, "20120501001")
	wife := mustLicence(t, marriage, civil, "20120501002")
	f.expiredCard, f.revokedCard = mustLicence(t, socialSec, hr, "000000001"), mustLicence(t, socialSec, hr, "000000002")
	f.firmLicence = mustLicence(t, business, amr, "000000009")
	const lic = "证照标识,证照类型代码,证照编号,持证主体类型,持证主体代码,持证主体名称,发证机构代码,发证机构,发证日期,有效期至,证照状态"
	mustImportAll(t, s, ImportRequest{Source: "civil_affairs", Kind: KindLicence, Path: writeFile(t, "marriage-certs.csv", lic,
		f.marriageCert+","+marriage+",J341602-2012-001,111,"+liXiang+",李想,"+civil+",亳州市民政局,2012-05-01,,有效",
		wife+","+marriage+",J341602-2012-002,111,"+cuiManman+",崔曼曼,"+civil+",亳州市民政局,2012-05-01,,有效")})
	mustImportAll(t, s, ImportRequest{Source: "human_resources_social_security", Kind: KindLicence, Path: writeFile(t, "cards.csv", lic,
		f.expiredCard+","+socialSec+",SB001,111,"+liXiang+",李想,"+hr+",亳州市人社局,2010-01-01,2020-01-01,有效",
		f.revokedCard+","+socialSec+",SB002,111,"+cuiManman+",崔曼曼,"+hr+",亳州市人社局,2016-01-01,2036-01-01,注销")})
	mustImportAll(t, s, ImportRequest{Source: "market_regulation", Kind: KindLicence, Path: writeFile(t, "business.csv", lic,
		f.firmLicence+","+business+",YZ0009,001,"+demoFirm+",亳州市华佗中药饮片有限公司（演示）,"+amr+",亳州市市场监管局,2015-03-02,,有效")})
	return f
}

// as returns ctx signed in as a principal.
func as(p identity.Principal) context.Context {
	return identity.WithPrincipal(context.Background(), p)
}

func personP(id int64, idNumber, name string) identity.Principal {
	return identity.Principal{Account: identity.Account{ID: id, Kind: identity.Person, IDNumber: idNumber, Login: idNumber, Name: name}}
}

func liXiangCtx() context.Context { return as(personP(7, liXiang, "李想")) }
