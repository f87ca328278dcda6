package catalog

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/i18n"
)

// Problem is one thing wrong in a catalog file: where (sheet, row, column)
// and why, as a domain error the edge translates.
type Problem struct {
	Sheet  string // the part (XLSX sheet, or the CSV row's 表)
	Line   int    // the row number in the sheet or the CSV file; 0 for the file as a whole
	Column string // the column's header, "" for the row as a whole
	Code   string // the item, basic item or duty the row belongs to, when known
	Err    *errs.Error
}

// problem makes a problem with a field error of key.
func problem(sheet string, line int, col, key string, args map[string]any) Problem {
	return Problem{Sheet: sheet, Line: line, Column: col, Err: errs.Field(col, key, args)}
}

// Message says what is wrong and where, in lang.
func (p Problem) Message(lang string) string {
	reason := i18n.T(lang, p.Err.Key, p.Err.Args)
	args := map[string]any{"sheet": p.Sheet, "line": p.Line, "column": p.Column, "reason": reason}
	switch {
	case p.Line == 0 && p.Sheet == "":
		return reason
	case p.Line == 0:
		return i18n.T(lang, "catalog.sheet.at_sheet", args)
	case p.Column == "":
		return i18n.T(lang, "catalog.sheet.at_row", args)
	}
	return i18n.T(lang, "catalog.sheet.at_cell", args)
}

// ImportError is a file that imported nothing: every problem found in it.
type ImportError struct {
	Problems []Problem
}

func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "catalog import: %d problems", len(e.Problems))
	for i, p := range e.Problems {
		if i == 5 {
			b.WriteString("; …")
			break
		}
		b.WriteString("; " + p.Message(i18n.EN))
	}
	return b.String()
}

// Unwrap lets errs.Fields and errs.As see each problem's domain error.
func (e *ImportError) Unwrap() []error {
	out := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = p.Err
	}
	return out
}

// sortProblems orders problems as a person reads the file: by sheet in
// layout order, then row, then column.
func sortProblems(ps []Problem) {
	order := func(s string) int {
		if i, ok := sheetIndex[s]; ok {
			return i
		}
		return -1
	}
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if order(a.Sheet) != order(b.Sheet) {
			return order(a.Sheet) < order(b.Sheet)
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return columnIndex[a.Sheet][a.Column] < columnIndex[b.Sheet][b.Column]
	})
}

// checkField maps a field of catalog.Check's errors (doc.materials[2].name)
// onto the part, index and column of a catalog file.
type checkField struct {
	part   string
	index  int // -1: the item's row
	sub    int // risk index within a step, -1 otherwise
	column string
}

var docColumns = map[string]string{
	"jurisdiction": colJurisdiction, "code": colCode, "name": colName, "node": colNode, "type": colType,
	"list": colList, "events": "生活事件", "parent_code": "上级实施编码", "parent_id": "上级实施编码",
	"department_id": "实施主体", "doc.power_source": "权力来源", "doc.body_nature": "实施主体性质",
	"doc.use_levels": colUseLevels, "doc.promised": "承诺办结时限", "doc.statutory": "法定办结时限",
	"doc.case_type": "办件类型", "doc.objects": "服务对象", "doc.visits": "到办事现场次数",
	"doc.visit_reason": "必须现场办理原因", "doc.online_depth": "网上办理深度",
}

var partColumns = map[string]map[string]string{
	sheetBasis:     {"law": "法律法规名称"},
	sheetMaterials: {"name": "材料名称", "necessity": "材料必要性", "kind": "材料类型", "source": "来源渠道", "hub_element": "共享数据项", "licence_type": "电子证照类型"},
	sheetFees:      {"name": "收费项目名称", "basis": "收费依据", "amount": "收费标准", "formula": "计算公式"},
	sheetForm:      {"key": "字段标识", "label": "字段名称", "type": "字段类型", "options": "可选值", "pattern": "校验规则", "max": "最大值", "min": "最小值"},
	sheetFlow:      {"key": colStepKey, "name": "环节名称", "dept_kind": "办理部门类别", "share": "时限占比", "after": "前置环节"},
	sheetRisks:     {"point": "风险点", "grade": "风险等级", "measure": "防控措施", "post": "责任岗位"},
	sheetResults:   {"name": "结果名称"},
}

var docParts = map[string]string{"legal_basis": sheetBasis, "materials": sheetMaterials, "fees": sheetFees,
	"form": sheetForm, "flow": sheetFlow, "results": sheetResults}

// locate reads a Check field such as doc.flow[1].risks[0].grade.
func locate(field string) checkField {
	if c, ok := docColumns[field]; ok {
		return checkField{part: sheetItems, index: -1, sub: -1, column: c}
	}
	switch field {
	case "covers":
		return checkField{part: sheetCovers, index: -1, sub: -1, column: colBasicCode}
	case "doc.legal_basis":
		return checkField{part: sheetBasis, index: -1, sub: -1, column: "法律法规名称"}
	case "doc.flow":
		return checkField{part: sheetFlow, index: -1, sub: -1, column: "时限占比"}
	}
	rest, ok := strings.CutPrefix(field, "doc.")
	name, rest, ok2 := strings.Cut(rest, "[")
	part, ok3 := docParts[name]
	if !ok || !ok2 || !ok3 {
		return checkField{part: sheetItems, index: -1, sub: -1}
	}
	idx, rest, _ := strings.Cut(rest, "].")
	f := checkField{part: part, sub: -1}
	f.index, _ = strconv.Atoi(idx)
	if sub, ok := strings.CutPrefix(rest, "risks["); ok {
		si, col, _ := strings.Cut(sub, "].")
		f.part = sheetRisks
		f.sub, _ = strconv.Atoi(si)
		rest = col
	}
	f.column = partColumns[f.part][rest]
	return f
}
