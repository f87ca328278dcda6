package hub

import (
	"testing"

	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/errs"
)

// birthServiceForm is a birth-service registration (生育服务登记) form:
// both spouses, the marriage, the existing children, and fields only the
// applicant can fill.
var birthServiceForm = []catalog.Field{
	{Key: "applicant_name", Label: "申请人姓名", Type: "text", HubElement: "person.name"},
	{Key: "applicant_id", Label: "申请人身份证号码", Type: "id_number", HubElement: "person.id_number"},
	{Key: "applicant_sex", Label: "性别", Type: "select", HubElement: "person.sex"},
	{Key: "applicant_birth", Label: "出生日期", Type: "date", HubElement: "person.birth_date"},
	{Key: "applicant_ethnicity", Label: "民族", Type: "text", HubElement: "person.ethnicity"},
	{Key: "applicant_former", Label: "曾用名", Type: "text", HubElement: "person.former_names"},
	{Key: "hukou_address", Label: "户籍地址", Type: "text", HubElement: "person.hukou_address"},
	{Key: "hukou_division", Label: "户籍地区划", Type: "text", HubElement: "person.hukou_division"},
	{Key: "current_address", Label: "现居住地", Type: "text", HubElement: "person.current_address"},
	{Key: "phone", Label: "联系电话", Type: "phone", HubElement: "person.phone"},
	{Key: "marital_status", Label: "婚姻状况", Type: "select", HubElement: "person.marital_status"},
	{Key: "spouse_name", Label: "配偶姓名", Type: "text", HubElement: "person.spouse.name"},
	{Key: "spouse_id", Label: "配偶身份证号码", Type: "id_number", HubElement: "person.spouse.id_number"},
	{Key: "children_count", Label: "现有子女数", Type: "number", HubElement: "person.children.count"},
	{Key: "children_names", Label: "现有子女姓名", Type: "text", HubElement: "person.children.names"},
	{Key: "father_name", Label: "父亲姓名", Type: "text", HubElement: "person.father.name"},
	{Key: "mother_name", Label: "母亲姓名", Type: "text", HubElement: "person.mother.name"},
	{Key: "expected_date", Label: "预产期", Type: "date"},
	{Key: "reason", Label: "申请理由", Type: "text"},
	{Key: "blood_type", Label: "血型", Type: "text", HubElement: "person.blood_type"},
	{Key: "employer", Label: "工作单位", Type: "text", HubElement: "entity.name"},
}

// Story 4: the birth-service registration of the demo couple is filled
// from the hub — police, civil-affairs and health data — for either
// spouse; what the hub cannot provide is reported, not guessed.
func TestPrefillBirthServiceRegistration(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		defer s.Close()
		loadFamily(t, s, 50)
		got, err := s.Prefill(liXiangCtx(), Applicant{Kind: SubjectPerson, ID: liXiang}, birthServiceForm, Purpose{Kind: PurposePrefill})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][3]string{ // key: status, value, source
			"applicant_name": {PrefillFilled, "李想", "public_security"}, "applicant_id": {PrefillFilled, liXiang, "public_security"},
			"applicant_sex": {PrefillFilled, "男", "public_security"}, "applicant_birth": {PrefillFilled, "1988-07-15", "public_security"},
			"applicant_ethnicity": {PrefillFilled, "汉族", "public_security"}, "applicant_former": {PrefillFilled, "李小想", "public_security"},
			"hukou_address":   {PrefillFilled, "安徽省亳州市谯城区谯东镇赵庄村3组18号", "public_security"},
			"hukou_division":  {PrefillFilled, "341602110201", "public_security"},
			"current_address": {PrefillFilled, "青海省玛沁县大武镇格萨尔路16号", "public_security"},
			"phone":           {PrefillFilled, "13800001234", "public_security"},
			"marital_status":  {PrefillFilled, "已婚", "civil_affairs"},
			"spouse_name":     {PrefillFilled, "崔曼曼", "civil_affairs"}, "spouse_id": {PrefillFilled, cuiManman, "civil_affairs"},
			"children_count": {PrefillFilled, "1", "health_family_planning"},
			"children_names": {PrefillFilled, "李沐阳", "health_family_planning"},
			"father_name":    {PrefillFilled, "李建国", "health_family_planning"},
			"mother_name":    {PrefillFilled, "张桂英", "health_family_planning"},
			"blood_type":     {PrefillUnknown}, "employer": {PrefillNotApplicable},
		}
		if len(got) != len(want) {
			t.Errorf("%d values for %d fields with a hub element", len(got), len(want))
		}
		for _, v := range got {
			w := want[v.Key]
			if v.Status != w[0] || v.Value != w[1] || v.Source != w[2] {
				t.Errorf("%s (%s) = %s %q from %q, want %s %q from %q", v.Key, v.Element, v.Status, v.Value, v.Source, w[0], w[1], w[2])
			}
			if v.Status == PrefillFilled && !v.At.Equal(testNow) {
				t.Errorf("%s came at %v, want the import's time %v", v.Key, v.At, testNow)
			}
		}
		// 崔曼曼, signed in herself, gets her husband as spouse and the
		// same child; her parents are not in the hub.
		hers, err := s.Prefill(as(personP(8, cuiManman, "崔曼曼")), Applicant{Kind: SubjectPerson, ID: cuiManman},
			birthServiceForm, Purpose{Kind: PurposePrefill})
		if err != nil {
			t.Fatal(err)
		}
		byKey := map[string]PrefillValue{}
		for _, v := range hers {
			byKey[v.Key] = v
		}
		if byKey["spouse_name"].Value != "李想" || byKey["children_names"].Value != "李沐阳" || byKey["applicant_sex"].Value != "女" ||
			byKey["father_name"].Status != PrefillEmpty || byKey["applicant_former"].Status != PrefillEmpty {
			t.Errorf("崔曼曼's form: %+v", byKey)
		}
		// Nobody fills a form from someone else's data.
		_, err = s.Prefill(liXiangCtx(), Applicant{Kind: SubjectPerson, ID: cuiManman}, birthServiceForm, Purpose{Kind: PurposePrefill})
		if errs.CodeOf(err) != errs.Denied {
			t.Errorf("李想 prefilling from 崔曼曼's data: %v, want denied", err)
		}
	})
}
