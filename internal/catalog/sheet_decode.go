package catalog

import (
	"strings"

	"github.com/govhall/govhall/internal/errs"
)

// cells reads the cells of one row, collecting a field error per bad cell
// (the field is the column's name).
type cells struct {
	r    row
	errs []*errs.Error
}

func (c *cells) add(e *errs.Error) {
	if e != nil {
		c.errs = append(c.errs, e)
	}
}

// text is a cell verbatim: free text keeps its spaces and line breaks.
func (c *cells) text(col string) string { return c.r.get(col) }

// code is a cell that is an identifier: surrounding spaces dropped, inner
// ones refused.
func (c *cells) code(col string) string {
	v := strings.TrimSpace(c.r.get(col))
	if strings.ContainsFunc(v, isCodeSeparator) {
		c.add(errs.Field(col, "catalog.sheet.code", map[string]any{"value": v}))
	}
	return v
}

// required is code for a cell that must not be empty.
func (c *cells) required(col string) string {
	v := c.code(col)
	if v == "" {
		c.add(errs.Field(col, "catalog.sheet.required", nil))
	}
	return v
}

func (c *cells) dict(d dict, col string) string {
	if strings.TrimSpace(c.r.get(col)) == "" {
		c.add(errs.Field(col, "catalog.sheet.required", nil))
		return ""
	}
	v, e := d.parse(col, c.r.get(col))
	c.add(e)
	return v
}

// optDict is dict for a cell that may stay empty.
func (c *cells) optDict(d dict, col string) string {
	if strings.TrimSpace(c.r.get(col)) == "" {
		return ""
	}
	return c.dict(d, col)
}

func (c *cells) intDict(d dict, col string) int {
	v, e := d.parseInt(col, c.r.get(col))
	c.add(e)
	return v
}

func (c *cells) intList(d dict, col string) []int {
	v, e := parseIntList(d, col, c.r.get(col))
	c.add(e)
	return v
}

func (c *cells) dictList(d dict, col string) []string {
	v, e := parseDictList(d, col, c.r.get(col))
	c.add(e)
	return v
}

func (c *cells) count(col string, max int) int {
	v, e := parseCount(col, c.r.get(col), max)
	c.add(e)
	return v
}

func (c *cells) days(col string) int {
	v, e := parseDays(col, c.r.get(col))
	c.add(e)
	return v
}

func (c *cells) bool(col string) bool {
	v, e := parseBool(col, c.r.get(col))
	c.add(e)
	return v
}

func (c *cells) number(col string) *float64 {
	v, e := parseNumber(col, c.r.get(col))
	c.add(e)
	return v
}

func (c *cells) hub(col string) string {
	v, e := parseHubElement(col, c.r.get(col))
	c.add(e)
	return v
}

// codes reads a list of identifiers.
func (c *cells) codes(col string) []string { return splitCodes(c.r.get(col)) }

// lines reads a list of free texts.
func (c *cells) lines(col string) []string { return splitLines(c.r.get(col)) }

// itemRow reads a 事项 row; department and parent are resolved later.
func itemRow(r row) (Item, *cells) {
	c := &cells{r: r}
	it := Item{Jurisdiction: c.code(colJurisdiction), Code: c.required(colCode), ParentCode: c.code("上级实施编码"),
		Node: c.dict(nodeDict, colNode), Name: c.text(colName), NameEN: c.text(colNameEN),
		Type: c.dict(typeDict, colType), List: c.dict(listDict, colList), Covers: []string{},
		Events: c.dictList(eventDict, "生活事件"), Generated: c.bool(colGenerated)}
	if strings.TrimSpace(it.Name) == "" {
		c.add(errs.Field(colName, "catalog.sheet.required", nil))
	}
	it.Doc = Doc{
		BodyNature: c.intDict(natureDict, "实施主体性质"), PowerSource: c.intDict(sourceDict, "权力来源"),
		UseLevels: c.intList(levelDict, colUseLevels), Conditions: c.text("受理条件"),
		Statutory: Limit{Days: c.days("法定办结时限"), Note: c.text("法定办结时限说明")},
		Promised:  Limit{Days: c.days("承诺办结时限"), Note: c.text("承诺办结时限说明")},
		CaseType:  c.intDict(caseDict, "办件类型"), Objects: c.intList(objectDict, "服务对象"),
		Visits: c.count("到办事现场次数", 9), VisitReason: c.optDict(visitDict, "必须现场办理原因"),
		VisitNote: c.text("现场办理说明"), Online: c.bool("是否网上办理"), OnlineDepth: c.intDict(depthDict, "网上办理深度"),
		Channels: Channels{Payment: c.bool("是否支持网上支付"), Express: c.bool("是否支持物流快递"),
			Appointment: c.bool("是否支持预约办理")},
		Place: c.text("办理地点"), Hours: c.text("办理时间"), Consult: c.text("咨询方式"), Complaint: c.text("监督投诉方式"),
		SpecialProcedures: c.lines("特别程序"), JointBodies: c.codes("联办机构"), Prerequisites: c.codes("前置事项"),
		Note: c.text("备注"), Materials: []Material{},
	}
	if strings.TrimSpace(r.get("办件类型")) == "" {
		c.add(errs.Field("办件类型", "catalog.sheet.required", nil))
	}
	return it, c
}

func basisRow(r row) (Basis, *cells) {
	c := &cells{r: r}
	return Basis{Law: c.text("法律法规名称"), Article: c.text("依据条款"), Text: c.text("条款内容")}, c
}

func materialRow(r row) (Material, *cells) {
	c := &cells{r: r}
	return Material{Name: c.text("材料名称"), Necessity: c.dict(necessityDict, "材料必要性"),
		Kind: c.dict(kindDict, "材料类型"), Source: c.dict(fromDict, "来源渠道"), HubElement: c.hub("共享数据项"),
		LicenceType: c.code("电子证照类型"), Copies: c.count("纸质材料份数", 99), Set: c.text("材料组"),
		Condition: c.text("适用情形"), Sample: c.text("填报样例"), Standard: c.text("受理标准"),
		Note: c.text("材料备注")}, c
}

func feeRow(r row) (Fee, *cells) {
	c := &cells{r: r}
	return Fee{Name: c.text("收费项目名称"), FeeCode: c.code("收费目录编码"), Amount: c.code("收费标准"),
		Formula:   strings.TrimSpace(c.text("计算公式")),
		Basis:     Basis{Law: c.text("收费依据"), Article: c.text("收费依据条款"), Text: c.text("收费依据内容")},
		Exemption: c.text("减免情形")}, c
}

func fieldRow(r row) (Field, *cells) {
	c := &cells{r: r}
	return Field{Key: c.required("字段标识"), Label: c.text("字段名称"), LabelEN: c.text("字段英文名称"),
		Type: c.dict(fieldDict, "字段类型"), Required: c.bool("是否必填"), Pattern: c.text("校验规则"),
		Min: c.number("最小值"), Max: c.number("最大值"), Options: c.lines("可选值"),
		HubElement: c.hub("预填数据项")}, c
}

func stepRow(r row) (Step, *cells) {
	c := &cells{r: r}
	return Step{Key: c.required(colStepKey), Name: c.text("环节名称"), NameEN: c.text("环节英文名称"),
		DeptKind: c.code("办理部门类别"), Post: c.text("办理岗位"), Share: c.count("时限占比", 100),
		After: c.codes("前置环节")}, c
}

func riskRow(r row) (Risk, *cells) {
	c := &cells{r: r}
	return Risk{Point: c.text("风险点"), Grade: c.dict(gradeDict, "风险等级"), Measure: c.text("防控措施"),
		Post: c.text("责任岗位")}, c
}

func resultRow(r row) (Result, *cells) {
	c := &cells{r: r}
	return Result{Name: c.text("结果名称"), Kind: c.dict(resultDict, "结果类型"), LicenceType: c.code("结果证照类型")}, c
}

func basicRow(r row) (BasicItem, *cells) {
	c := &cells{r: r}
	b := BasicItem{Code: c.required(colBasicCode), ParentCode: c.code("上级基本编码"), Node: c.dict(nodeDict, colNode),
		Name: c.text(colName), NameEN: c.text(colNameEN), Type: c.dict(typeDict, colType),
		List: c.dict(listDict, colList), UseLevels: c.intList(levelDict, colUseLevels),
		DeptKind: c.code("实施部门类别"), StatutoryDays: c.days("基本目录法定办结时限"), Generated: c.bool(colGenerated)}
	if strings.TrimSpace(b.Name) == "" {
		c.add(errs.Field(colName, "catalog.sheet.required", nil))
	}
	return b, c
}

// dutyRow reads a 责任清单 row; the departments stay names until resolved.
func dutyRow(r row) (Duty, []string, []string, *cells) {
	c := &cells{r: r}
	d := Duty{Jurisdiction: c.code(colJurisdiction), Code: c.required(colDutyCode), Name: c.text("责任事项名称"),
		NameEN: c.text(colNameEN), Content: c.text("责任事项内容"), Accountability: c.text("追责情形"),
		Generated: c.bool(colGenerated), Lead: []int64{}, Cooperate: []int64{}}
	if strings.TrimSpace(d.Name) == "" {
		c.add(errs.Field("责任事项名称", "catalog.sheet.required", nil))
	}
	return d, c.lines("牵头部门"), c.lines("配合部门"), c
}
