package catalog

import (
	"strconv"
	"strings"

	"github.com/govhall/govhall/internal/org"
)

// departments names the departments that items and duties refer to by ID,
// and finds them again by name or credit code on import.
type departments struct {
	byID map[int64]org.Department
	// byName maps jurisdiction → name → IDs (a name twice is ambiguous).
	byName map[string]map[string][]int64
	// byCredit maps jurisdiction → credit code → ID.
	byCredit map[string]map[string]int64
}

func newDepartments(list []org.Department) *departments {
	d := &departments{byID: map[int64]org.Department{}, byName: map[string]map[string][]int64{},
		byCredit: map[string]map[string]int64{}}
	for _, dep := range list {
		j := dep.JurisdictionCode
		d.byID[dep.ID] = dep
		if d.byName[j] == nil {
			d.byName[j], d.byCredit[j] = map[string][]int64{}, map[string]int64{}
		}
		d.byName[j][dep.Name] = append(d.byName[j][dep.Name], dep.ID)
		if dep.CreditCode != "" {
			d.byCredit[j][dep.CreditCode] = dep.ID
		}
	}
	return d
}

// ref is how a duty's list names a department: its name, or its credit code
// when another department of the jurisdiction has the same name.
func (d *departments) ref(id int64) string {
	dep, ok := d.byID[id]
	if !ok {
		return strconv.FormatInt(id, 10)
	}
	if len(d.byName[dep.JurisdictionCode][dep.Name]) > 1 && dep.CreditCode != "" {
		return dep.CreditCode
	}
	return dep.Name
}

// find resolves a name or credit code within a jurisdiction; found is false
// for no match, ambiguous true for a name several departments share.
func (d *departments) find(jurisdiction, v string) (id int64, found, ambiguous bool) {
	if id, ok := d.byCredit[jurisdiction][v]; ok {
		return id, true, false
	}
	ids := d.byName[jurisdiction][v]
	return firstID(ids), len(ids) == 1, len(ids) > 1
}

func firstID(ids []int64) int64 {
	if len(ids) == 0 {
		return 0
	}
	return ids[0]
}

// encoder turns catalog records into sheet rows. A value that could not be
// read back as itself (a list element holding a separator) is recorded in
// lossy, so export can refuse instead of writing a file that changes data.
type encoder struct {
	deps  *departments
	lossy []string
}

func (e *encoder) codes(what string, v []string) string {
	s, ok := joinCodes(v)
	if !ok {
		e.lossy = append(e.lossy, what)
	}
	return s
}

func (e *encoder) lines(what string, v []string) string {
	s, ok := joinLines(v)
	if !ok {
		e.lossy = append(e.lossy, what)
	}
	return s
}

// item returns the rows of an item: its 事项 row first, then its parts.
func (e *encoder) item(it Item, parentCode string) []row {
	d := it.Doc
	r := newRow(sheetItems)
	var deptName, deptCredit string
	if dep, ok := e.deps.byID[it.DepartmentID]; ok {
		deptName, deptCredit = dep.Name, dep.CreditCode
	} else if it.DepartmentID != 0 {
		deptName = strconv.FormatInt(it.DepartmentID, 10)
	}
	for _, c := range [][2]string{
		{colJurisdiction, it.Jurisdiction}, {colCode, it.Code}, {"上级实施编码", parentCode},
		{colNode, nodeDict.name(it.Node)}, {colName, it.Name}, {colNameEN, it.NameEN},
		{colType, typeDict.name(it.Type)}, {colList, listDict.name(it.List)}, {"实施主体", deptName},
		{"实施主体编码", deptCredit}, {"实施主体性质", natureDict.intName(d.BodyNature)},
		{"权力来源", sourceDict.intName(d.PowerSource)}, {colUseLevels, intDictList(levelDict, d.UseLevels)},
		{"受理条件", d.Conditions}, {"法定办结时限", formatDays(d.Statutory.Days)},
		{"法定办结时限说明", d.Statutory.Note}, {"承诺办结时限", formatDays(d.Promised.Days)},
		{"承诺办结时限说明", d.Promised.Note}, {"办件类型", caseDict.intName(d.CaseType)},
		{"服务对象", intDictList(objectDict, d.Objects)}, {"到办事现场次数", strconv.Itoa(d.Visits)},
		{"必须现场办理原因", visitDict.name(d.VisitReason)}, {"现场办理说明", d.VisitNote},
		{"是否网上办理", formatBool(d.Online)}, {"网上办理深度", depthDict.intName(d.OnlineDepth)},
		{"是否支持网上支付", formatBool(d.Channels.Payment)}, {"是否支持物流快递", formatBool(d.Channels.Express)},
		{"是否支持预约办理", formatBool(d.Channels.Appointment)}, {"办理地点", d.Place}, {"办理时间", d.Hours},
		{"咨询方式", d.Consult}, {"监督投诉方式", d.Complaint},
		{"特别程序", e.lines("special_procedures", d.SpecialProcedures)},
		{"联办机构", e.codes("joint_bodies", d.JointBodies)}, {"前置事项", e.codes("prerequisites", d.Prerequisites)},
		{"生活事件", dictList(eventDict, it.Events)}, {colGenerated, formatBool(it.Generated)}, {"备注", d.Note},
	} {
		r.set(c[0], c[1])
	}
	rows := []row{r}
	rows = append(rows, e.basis(colCode, it.Code, d.LegalBasis)...)
	for _, c := range it.Covers {
		rows = append(rows, newRow(sheetCovers).set(colCode, it.Code).set(colBasicCode, c))
	}
	for _, m := range d.Materials {
		rows = append(rows, material(it.Code, m))
	}
	for _, f := range d.Fees {
		rows = append(rows, fee(it.Code, f))
	}
	for _, f := range d.Form {
		rows = append(rows, e.field(it.Code, f))
	}
	rows = append(rows, e.flow(it.Code, d.Flow)...)
	for _, res := range d.Results {
		rows = append(rows, newRow(sheetResults).set(colCode, it.Code).set("结果名称", res.Name).
			set("结果类型", resultDict.name(res.Kind)).set("结果证照类型", res.LicenceType))
	}
	return rows
}

// basis writes legal bases keyed by the column that names their owner.
func (e *encoder) basis(keyCol, key string, bs []Basis) []row {
	out := make([]row, 0, len(bs))
	for _, b := range bs {
		out = append(out, newRow(sheetBasis).set(keyCol, key).set("法律法规名称", b.Law).
			set("依据条款", b.Article).set("条款内容", b.Text))
	}
	return out
}

func material(code string, m Material) row {
	r := newRow(sheetMaterials)
	for _, c := range [][2]string{
		{colCode, code}, {"材料名称", m.Name}, {"材料必要性", necessityDict.name(m.Necessity)},
		{"材料类型", kindDict.name(m.Kind)}, {"来源渠道", fromDict.name(m.Source)}, {"共享数据项", m.HubElement},
		{"电子证照类型", m.LicenceType}, {"纸质材料份数", formatCount(m.Copies)}, {"材料组", m.Set},
		{"适用情形", m.Condition}, {"填报样例", m.Sample}, {"受理标准", m.Standard}, {"材料备注", m.Note},
	} {
		r.set(c[0], c[1])
	}
	return r
}

func fee(code string, f Fee) row {
	r := newRow(sheetFees)
	for _, c := range [][2]string{
		{colCode, code}, {"收费项目名称", f.Name}, {"收费目录编码", f.FeeCode}, {"收费标准", f.Amount},
		{"计算公式", f.Formula}, {"收费依据", f.Basis.Law}, {"收费依据条款", f.Basis.Article},
		{"收费依据内容", f.Basis.Text}, {"减免情形", f.Exemption},
	} {
		r.set(c[0], c[1])
	}
	return r
}

func (e *encoder) field(code string, f Field) row {
	r := newRow(sheetForm)
	for _, c := range [][2]string{
		{colCode, code}, {"字段标识", f.Key}, {"字段名称", f.Label}, {"字段英文名称", f.LabelEN},
		{"字段类型", fieldDict.name(f.Type)}, {"是否必填", formatBool(f.Required)}, {"校验规则", f.Pattern},
		{"最小值", formatNumber(f.Min)}, {"最大值", formatNumber(f.Max)},
		{"可选值", e.lines("form options", f.Options)}, {"预填数据项", f.HubElement},
	} {
		r.set(c[0], c[1])
	}
	return r
}

// flow writes the steps, then every step's risk points.
func (e *encoder) flow(code string, steps []Step) []row {
	var out, risks []row
	for _, s := range steps {
		r := newRow(sheetFlow)
		for _, c := range [][2]string{
			{colCode, code}, {colStepKey, s.Key}, {"环节名称", s.Name}, {"环节英文名称", s.NameEN},
			{"办理部门类别", s.DeptKind}, {"办理岗位", s.Post}, {"时限占比", strconv.Itoa(s.Share)},
			{"前置环节", e.codes("step after", s.After)},
		} {
			r.set(c[0], c[1])
		}
		out = append(out, r)
		for _, k := range s.Risks {
			risks = append(risks, newRow(sheetRisks).set(colCode, code).set(colStepKey, s.Key).
				set("风险点", k.Point).set("风险等级", gradeDict.name(k.Grade)).set("防控措施", k.Measure).
				set("责任岗位", k.Post))
		}
	}
	return append(out, risks...)
}

// basic returns the rows of a standard item.
func (e *encoder) basic(b BasicItem) []row {
	r := newRow(sheetBasic)
	for _, c := range [][2]string{
		{colBasicCode, b.Code}, {"上级基本编码", b.ParentCode}, {colNode, nodeDict.name(b.Node)}, {colName, b.Name},
		{colNameEN, b.NameEN}, {colType, typeDict.name(b.Type)}, {colList, listDict.name(b.List)},
		{colUseLevels, intDictList(levelDict, b.UseLevels)}, {"实施部门类别", b.DeptKind},
		{"基本目录法定办结时限", formatDays(b.StatutoryDays)}, {colGenerated, formatBool(b.Generated)},
	} {
		r.set(c[0], c[1])
	}
	return append([]row{r}, e.basis(colBasicCode, b.Code, b.LegalBasis)...)
}

// duty returns the rows of a duty of the responsibility list.
func (e *encoder) duty(d Duty) []row {
	names := func(ids []int64) []string {
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = e.deps.ref(id)
		}
		return out
	}
	r := newRow(sheetDuties)
	for _, c := range [][2]string{
		{colJurisdiction, d.Jurisdiction}, {colDutyCode, d.Code}, {"责任事项名称", d.Name}, {colNameEN, d.NameEN},
		{"责任事项内容", d.Content}, {"追责情形", d.Accountability},
		{"牵头部门", e.lines("lead departments", names(d.Lead))},
		{"配合部门", e.lines("cooperating departments", names(d.Cooperate))}, {colGenerated, formatBool(d.Generated)},
	} {
		r.set(c[0], c[1])
	}
	return append([]row{r}, e.basis(colDutyCode, d.Code, d.LegalBasis)...)
}

// lossyError names what export could not write losslessly.
func (e *encoder) lossyError(what string) error {
	return errorf("%s: %s would not read back as written (an element is empty or holds a separator)",
		what, strings.Join(e.lossy, ", "))
}
