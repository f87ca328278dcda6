package catalog

// Lists live in spreadsheets. This file is the layout of a catalog workbook:
// its sheets, and for each sheet its columns, named with the national
// standard's Chinese field names so a department can fill them in as it
// always has.
//
// XLSX: one sheet per part (事项, 设定依据, 对应基本目录, 申请材料, 收费, 表单,
// 流程, 廉政风险点, 办理结果, 基本目录, 责任清单). The rows of a nested part
// name their item by its implementation code (实施编码); their order is the
// order of the list they form (materials, steps …).
//
// CSV: one file holds every part. Its first column, 表, names the part a row
// belongs to; the other columns are the union of every part's columns in the
// order above, and a row fills only the columns of its part (a cell filled
// outside them is an error, never silently dropped). Export writes an item's
// rows together: its 事项 row, then its legal bases, covers, materials …
//
// Every cell is text. Lists of codes are separated by commas (全角 or 半角),
// 、 or semicolons; lists of free text (options, special procedures,
// departments of a duty) put one element on each line of the cell.

// Sheet names.
const (
	sheetItems     = "事项"
	sheetBasis     = "设定依据"
	sheetCovers    = "对应基本目录"
	sheetMaterials = "申请材料"
	sheetFees      = "收费"
	sheetForm      = "表单"
	sheetFlow      = "流程"
	sheetRisks     = "廉政风险点"
	sheetResults   = "办理结果"
	sheetBasic     = "基本目录"
	sheetDuties    = "责任清单"
)

// tableColumn is the CSV column naming a row's part.
const tableColumn = "表"

// reasonColumn is the last column of a rejects file; import ignores it, so a
// corrected rejects file can be imported again.
const reasonColumn = "错误原因"

// Column names shared by several sheets.
const (
	colJurisdiction = "行政区划代码"
	colCode         = "实施编码"
	colBasicCode    = "基本编码"
	colDutyCode     = "责任事项编码"
	colName         = "事项名称"
	colNameEN       = "英文名称"
	colNode         = "事项层级"
	colType         = "事项类型"
	colList         = "所属清单"
	colUseLevels    = "行使层级"
	colGenerated    = "是否为生成数据"
	colStepKey      = "环节标识"
)

// itemColumns are the columns of the 事项 sheet, in order.
var itemColumns = []string{
	colJurisdiction, colCode, "上级实施编码", colNode, colName, colNameEN, colType, colList,
	"实施主体", "实施主体编码", "实施主体性质", "权力来源", colUseLevels, "受理条件",
	"法定办结时限", "法定办结时限说明", "承诺办结时限", "承诺办结时限说明", "办件类型", "服务对象",
	"到办事现场次数", "必须现场办理原因", "现场办理说明", "是否网上办理", "网上办理深度",
	"是否支持网上支付", "是否支持物流快递", "是否支持预约办理", "办理地点", "办理时间", "咨询方式",
	"监督投诉方式", "特别程序", "联办机构", "前置事项", "生活事件", colGenerated, "备注",
}

// sheetSpec is one sheet: its name and columns.
type sheetSpec struct {
	name    string
	columns []string
}

// sheets is the workbook's layout, in the order of the XLSX sheets and of
// the CSV union's columns.
var sheets = []sheetSpec{
	{sheetItems, itemColumns},
	{sheetBasis, []string{colCode, colBasicCode, colDutyCode, "法律法规名称", "依据条款", "条款内容"}},
	{sheetCovers, []string{colCode, colBasicCode}},
	{sheetMaterials, []string{colCode, "材料名称", "材料必要性", "材料类型", "来源渠道", "共享数据项", "电子证照类型",
		"纸质材料份数", "材料组", "适用情形", "填报样例", "受理标准", "材料备注"}},
	{sheetFees, []string{colCode, "收费项目名称", "收费目录编码", "收费标准", "计算公式", "收费依据", "收费依据条款",
		"收费依据内容", "减免情形"}},
	{sheetForm, []string{colCode, "字段标识", "字段名称", "字段英文名称", "字段类型", "是否必填", "校验规则",
		"最小值", "最大值", "可选值", "预填数据项"}},
	{sheetFlow, []string{colCode, colStepKey, "环节名称", "环节英文名称", "办理部门类别", "办理岗位", "时限占比",
		"前置环节"}},
	{sheetRisks, []string{colCode, colStepKey, "风险点", "风险等级", "防控措施", "责任岗位"}},
	{sheetResults, []string{colCode, "结果名称", "结果类型", "结果证照类型"}},
	{sheetBasic, []string{colBasicCode, "上级基本编码", colNode, colName, colNameEN, colType, colList, colUseLevels,
		"实施部门类别", "基本目录法定办结时限", colGenerated}},
	{sheetDuties, []string{colJurisdiction, colDutyCode, "责任事项名称", colNameEN, "责任事项内容", "追责情形",
		"牵头部门", "配合部门", colGenerated}},
}

// specOf returns the sheet named name.
func specOf(name string) (sheetSpec, bool) {
	i, ok := sheetIndex[name]
	if !ok {
		return sheetSpec{}, false
	}
	return sheets[i], true
}

// sheetIndex and columnIndex find a sheet and a sheet's column by name.
var sheetIndex, columnIndex = indexSheets()

func indexSheets() (map[string]int, map[string]map[string]int) {
	si := map[string]int{}
	ci := map[string]map[string]int{}
	for i, s := range sheets {
		si[s.name] = i
		ci[s.name] = map[string]int{}
		for j, c := range s.columns {
			ci[s.name][c] = j
		}
	}
	return si, ci
}

// unionColumns is the CSV header: 表, then every sheet's columns once, in
// sheet order.
func unionColumns() []string {
	out := []string{tableColumn}
	seen := map[string]bool{}
	for _, s := range sheets {
		for _, c := range s.columns {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}

// SheetNames lists the parts of a catalog workbook in order, for help texts.
func SheetNames() []string {
	out := make([]string, len(sheets))
	for i, s := range sheets {
		out[i] = s.name
	}
	return out
}

// row is one row of a sheet as the codec sees it: cells aligned with the
// sheet's columns, and where it came from.
type row struct {
	sheet string
	line  int
	cells []string
}

// get returns the cell of column col ("" when the sheet lacks it).
func (r row) get(col string) string {
	if i, ok := columnIndex[r.sheet][col]; ok && i < len(r.cells) {
		return r.cells[i]
	}
	return ""
}

// newRow makes an empty row of sheet.
func newRow(sheet string) row {
	s, _ := specOf(sheet)
	return row{sheet: sheet, cells: make([]string, len(s.columns))}
}

// set fills column col. Every column the encoders name is in the layout (a
// test writes every part of every kind of record and reads it back).
func (r row) set(col, v string) row {
	if i, ok := columnIndex[r.sheet][col]; ok {
		r.cells[i] = v
	}
	return r
}
