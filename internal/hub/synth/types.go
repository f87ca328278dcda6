package synth

import (
	"fmt"

	"github.com/govhall/govhall/internal/ids"
)

// Holder kinds of GB/T 36903: the code type of a licence holder.
const (
	HolderPerson = "111" // citizen ID number
	HolderEntity = "001" // unified social credit code
)

// LicenceType is one of the demo licence types. Codes are the defining
// ministry's credit code + 3 digits; the ministries' codes are invented
// (organisation code body DEM000nn: demo) and have valid check characters.
type LicenceType struct {
	Code       string
	Name       string
	NameEN     string
	HolderKind string // HolderPerson or HolderEntity
	Department string // issuing department kind (internal/demo/org.go)
	Items      []Item // the data items of 照面信息, in order
	Demo       bool
}

// Item is one data item of a licence type: its key in the data JSON and
// its label on the licence.
type Item struct{ Key, Label, LabelEN string }

// Issuer is the city-level bureau of a department kind, as the demo hall
// creates it (internal/demo/org.go: credit code 11 341600 3000000n).
type Issuer struct{ Code, Name, Department string }

// Indexes into LicenceTypes().
const (
	typeMarriage = iota
	typeHousehold
	typeBirth
	typeBusiness
	typeFood
	typeSocialSecurity
)

var (
	licenceTypes []LicenceType
	issuers      = map[string]Issuer{}
)

// LicenceTypes are the demo licence types the generator issues.
func LicenceTypes() []LicenceType { return append([]LicenceType(nil), licenceTypes...) }

// IssuerOf is the bureau that issues licences of a department kind.
func IssuerOf(department string) (Issuer, bool) {
	i, ok := issuers[department]
	return i, ok
}

func init() {
	ministry := func(n int) string {
		code, err := ids.MakeCreditCode("11", "100000", fmt.Sprintf("DEM%05d", n))
		if err != nil {
			panic(err)
		}
		return code
	}
	it := func(kv ...string) []Item {
		var out []Item
		for i := 0; i+2 < len(kv); i += 3 {
			out = append(out, Item{kv[i], kv[i+1], kv[i+2]})
		}
		return out
	}
	licenceTypes = []LicenceType{
		{ministry(2) + "001", "结婚证", "Marriage certificate", HolderPerson, "civil_affairs",
			it("holder_name", "持证人", "Holder", "registered_on", "登记日期", "Registered on",
				"husband_name", "男方姓名", "Husband", "husband_id_number", "男方身份证件号", "Husband's ID number",
				"wife_name", "女方姓名", "Wife", "wife_id_number", "女方身份证件号", "Wife's ID number",
				"registry", "登记机关", "Registry"), true},
		{ministry(1) + "001", "居民户口簿", "Household register", HolderPerson, "public_security",
			it("household_number", "户号", "Household number", "head_name", "户主姓名", "Head of household",
				"head_id_number", "户主公民身份号码", "Head's ID number", "address", "住址", "Address",
				"division", "户籍地行政区划代码", "Division code", "household_type", "户别", "Household type"), true},
		{ministry(3) + "001", "出生医学证明", "Medical birth certificate", HolderPerson, "health_family_planning",
			it("child_name", "新生儿姓名", "Child", "sex", "性别", "Sex", "born_on", "出生日期", "Born on",
				"birthplace", "出生地点", "Place of birth", "mother_name", "母亲姓名", "Mother",
				"mother_id_number", "母亲有效身份证件号码", "Mother's ID number", "father_name", "父亲姓名", "Father",
				"father_id_number", "父亲有效身份证件号码", "Father's ID number", "institution", "接生机构名称", "Delivered at"), true},
		{ministry(4) + "001", "营业执照", "Business licence", HolderEntity, "market_regulation",
			it("credit_code", "统一社会信用代码", "Credit code", "name", "名称", "Name", "type", "类型", "Type",
				"legal_representative", "法定代表人", "Legal representative", "registered_capital", "注册资本（万元）", "Registered capital (10k yuan)",
				"established_on", "成立日期", "Established on", "term", "营业期限", "Term",
				"address", "住所", "Address", "business_scope", "经营范围", "Business scope"), true},
		{ministry(4) + "002", "食品经营许可证", "Food business licence", HolderEntity, "market_regulation",
			it("operator", "经营者名称", "Operator", "credit_code", "社会信用代码", "Credit code",
				"legal_representative", "法定代表人（负责人）", "Legal representative", "premises", "经营场所", "Premises",
				"main_business", "主体业态", "Main business", "items", "经营项目", "Business items"), true},
		{ministry(5) + "001", "社会保障卡", "Social security card", HolderPerson, "human_resources_social_security",
			it("name", "姓名", "Name", "social_security_number", "社会保障号码", "Social security number",
				"sex", "性别", "Sex", "bank", "发卡银行", "Issuing bank"), true},
	}
}

func init() {
	for i, d := range []struct{ kind, name string }{
		{"public_security", "亳州市公安局"}, {"civil_affairs", "亳州市民政局"},
		{"health_family_planning", "亳州市卫生和计划生育委员会"}, {"market_regulation", "亳州市市场监督管理局"},
		{"human_resources_social_security", "亳州市人力资源和社会保障局"},
	} {
		n := []int{1, 2, 3, 4, 7}[i] // position among the demo hall's city departments
		code, err := ids.MakeCreditCode("11", "341600", fmt.Sprintf("%08d", 30000000+n))
		if err != nil {
			panic(err)
		}
		issuers[d.kind] = Issuer{code, d.name, d.kind}
	}
	for _, lt := range licenceTypes {
		if _, err := ids.MakeLicenceID(lt.Code, issuers[lt.Department].Code, "1", "001"); err != nil {
			panic("synth: licence type " + lt.Name + ": " + err.Error())
		}
	}
}
