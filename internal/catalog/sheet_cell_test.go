package catalog

import (
	"slices"
	"strings"
	"testing"
)

func TestCellParsersReadWhatPeopleWrite(t *testing.T) {
	days := map[string]int{"20个工作日": 20, "20工作日": 20, "20": 20, " ２０ 个工作日 ": 20, "": 0, "0": 0}
	for in, want := range days {
		if got, err := parseDays("法定办结时限", in); err != nil || got != want {
			t.Errorf("parseDays(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"20天", "二十个工作日", "-3", "20.5", "99999", "20个工作日以内"} {
		if _, err := parseDays("法定办结时限", in); err == nil || err.Field != "法定办结时限" {
			t.Errorf("parseDays(%q) accepted, or the error names no column: %v", in, err)
		}
	}
	if got, err := parseIntList(objectDict, "服务对象", "自然人、企业法人"); err != nil || !slices.Equal(got, []int{1, 2}) {
		t.Errorf("names separated by 、: %v %v", got, err)
	}
	if got, err := parseIntList(levelDict, "行使层级", "3,4；5"); err != nil || !slices.Equal(got, []int{3, 4, 5}) {
		t.Errorf("codes separated by , and ；: %v %v", got, err)
	}
	if _, err := parseIntList(objectDict, "服务对象", "自然人,外星人"); err == nil || err.Args["value"] != "外星人" {
		t.Errorf("an unknown value must be named in the error: %v", err)
	}
	if v, err := typeDict.parse("事项类型", " 行政许可 "); err != nil || v != "01" {
		t.Errorf("a name with spaces: %q %v", v, err)
	}
	if v, err := typeDict.parse("事项类型", "20"); err != nil || v != "20" {
		t.Errorf("a code: %q %v", v, err)
	}
	for in, want := range map[string]bool{"是": true, "否": false, "": false, "Y": true, "0": false} {
		if got, err := parseBool("是否网上办理", in); err != nil || got != want {
			t.Errorf("parseBool(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := parseBool("是否网上办理", "可能"); err == nil {
		t.Error("parseBool accepted 可能")
	}
	if _, err := parseNumber("最大值", "0x10"); err == nil {
		t.Error("a hexadecimal bound must be refused")
	}
	if _, err := parseHubElement("共享数据项", "person.salary"); err == nil {
		t.Error("an unknown hub element must be refused")
	}
}

// FuzzParseDays: whatever a cell holds, parseDays returns a limit or a
// field error, and a limit it accepts is written back as a cell that reads
// as the same limit.
func FuzzParseDays(f *testing.F) {
	for _, s := range []string{"20个工作日", "20", "", "２０工作日", "20天", "-1", "1e3", "9999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseDays("法定办结时限", s)
		if err != nil {
			if err.Field != "法定办结时限" || err.Key == "" {
				t.Fatalf("error without column or key: %v", err)
			}
			return
		}
		if n < 0 || n > maxDays {
			t.Fatalf("parseDays(%q) = %d, out of range", s, n)
		}
		if back, err := parseDays("法定办结时限", formatDays(n)); err != nil || back != n {
			t.Fatalf("%d written as %q reads back as %d, %v", n, formatDays(n), back, err)
		}
	})
}

// FuzzDictList: a list of dictionary values either reads, and then writes
// back as a cell that reads the same, or is refused naming the bad value.
func FuzzDictList(f *testing.F) {
	for _, s := range []string{"1,2", "自然人、企业法人", "3；4", "", " , ,", "自然人,9", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseIntList(objectDict, "服务对象", s)
		if err != nil {
			if err.Field != "服务对象" || err.Args["value"] == nil {
				t.Fatalf("error without column or value: %v", err)
			}
			return
		}
		back, err := parseIntList(objectDict, "服务对象", intDictList(objectDict, v))
		if err != nil || !slices.Equal(back, v) {
			t.Fatalf("%v written as %q reads back as %v, %v", v, intDictList(objectDict, v), back, err)
		}
	})
}

// FuzzLists: a list of codes or of texts that export accepts reads back
// element for element.
func FuzzLists(f *testing.F) {
	f.Add("a,b", "第一\n第二")
	f.Add("", "\r\n")
	f.Add("x y", " 空格 ")
	f.Fuzz(func(t *testing.T, a, b string) {
		codes := strings.Split(a, "|")
		if cell, ok := joinCodes(codes); ok && !slices.Equal(splitCodes(cell), codes) {
			t.Fatalf("codes %q written as %q read back as %q", codes, cell, splitCodes(cell))
		}
		texts := strings.Split(b, "|")
		if cell, ok := joinLines(texts); ok && !slices.Equal(splitLines(cell), texts) {
			t.Fatalf("texts %q written as %q read back as %q", texts, cell, splitLines(cell))
		}
	})
}

// FuzzNumber: a bound either reads as a finite number that writes back to
// the same number, or is refused.
func FuzzNumber(f *testing.F) {
	for _, s := range []string{"1.5", "0", "-3", "1e300", "NaN", "Inf", "0x1p3", "１２"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseNumber("最大值", s)
		if err != nil || v == nil {
			return
		}
		back, err := parseNumber("最大值", formatNumber(v))
		if err != nil || back == nil || *back != *v {
			t.Fatalf("%v written as %q reads back as %v, %v", *v, formatNumber(v), back, err)
		}
	})
}

func TestLocateMapsCheckFieldsToColumns(t *testing.T) {
	for field, want := range map[string]checkField{
		"doc.materials[2].necessity":   {sheetMaterials, 2, -1, "材料必要性"},
		"doc.flow[1].risks[0].grade":   {sheetRisks, 1, 0, "风险等级"},
		"doc.promised":                 {sheetItems, -1, -1, "承诺办结时限"},
		"doc.legal_basis":              {sheetBasis, -1, -1, "法律法规名称"},
		"doc.fees[0].formula":          {sheetFees, 0, -1, "计算公式"},
		"covers":                       {sheetCovers, -1, -1, colBasicCode},
		"doc.something_new[3].unknown": {sheetItems, -1, -1, ""},
	} {
		if got := locate(field); got != want {
			t.Errorf("locate(%s) = %+v, want %+v", field, got, want)
		}
	}
}

// TestLayoutHasNoDuplicateColumns: a column named twice in a part would be
// read into one field only.
func TestLayoutHasNoDuplicateColumns(t *testing.T) {
	for _, s := range sheets {
		seen := map[string]bool{}
		for _, c := range s.columns {
			if seen[c] {
				t.Errorf("%s has %s twice", s.name, c)
			}
			seen[c] = true
		}
	}
	if u := unionColumns(); u[0] != tableColumn || slices.Contains(u[1:], tableColumn) {
		t.Errorf("the CSV header must start with %s: %v", tableColumn, u[:3])
	}
}

// FuzzRows: whatever the cells of a row hold, reading it as any part gives
// a value or field errors naming columns of that part — never a panic.
func FuzzRows(f *testing.F) {
	f.Add("事项", "341621000000\tA1\t\t业务办理项\t名称\t\t行政许可\t权力清单")
	f.Add("申请材料", "A1\t材料\t必要\t原件\t申请人自备\tperson.name\t\t２")
	f.Add("流程", "A1\taccept\t受理\t\tenv\t岗\t101\ta,b")
	f.Fuzz(func(t *testing.T, sheet, line string) {
		spec, ok := specOf(sheet)
		if !ok {
			return
		}
		r := newRow(sheet)
		copy(r.cells, strings.Split(line, "\t"))
		var c *cells
		switch sheet {
		case sheetItems:
			_, c = itemRow(r)
		case sheetMaterials:
			_, c = materialRow(r)
		case sheetFees:
			_, c = feeRow(r)
		case sheetForm:
			_, c = fieldRow(r)
		case sheetFlow:
			_, c = stepRow(r)
		case sheetRisks:
			_, c = riskRow(r)
		case sheetResults:
			_, c = resultRow(r)
		case sheetBasic:
			_, c = basicRow(r)
		default:
			return
		}
		for _, e := range c.errs {
			if !slices.Contains(spec.columns, e.Field) {
				t.Fatalf("error on %q, not a column of %s", e.Field, sheet)
			}
		}
	})
}
