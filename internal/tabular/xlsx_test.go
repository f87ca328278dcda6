package tabular

import (
	"bytes"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// workbook builds an XLSX file with the given sheets the way a person would
// in Excel (not through this package), and returns its path.
func workbook(t *testing.T, sheets map[string][][]any, order []string) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, name := range order {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for r, row := range sheets[name] {
			if row == nil {
				continue // leave the row out: an empty row in the sheet
			}
			ref, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(name, ref, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	path := filepath.Join(t.TempDir(), "book.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestXLSXPicksTheNamedSheet(t *testing.T) {
	path := workbook(t, map[string][][]any{
		"说明": {{"本表为演示"}},
		"事项": {{"事项名称", "承诺时限"}, {"食品经营许可", 20}, nil, {"排污许可", 15}},
		"附件": {{"x"}},
	}, []string{"说明", "事项", "附件"})

	r, err := Open(path, Options{Sheet: "事项"})
	if err != nil {
		t.Fatal(err)
	}
	header, rows := readAll(t, r)
	want := []Row{
		{Sheet: "事项", Line: 2, Cells: []string{"食品经营许可", "20"}},
		{Sheet: "事项", Line: 4, Cells: []string{"排污许可", "15"}},
	}
	if !reflect.DeepEqual(header, []string{"事项名称", "承诺时限"}) || !reflect.DeepEqual(rows, want) {
		t.Errorf("got %q %+v", header, rows)
	}

	r, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if h, _ := readAll(t, r); !reflect.DeepEqual(h, []string{"本表为演示"}) {
		t.Errorf("no sheet named: header %q, want the first sheet's", h)
	}

	_, err = Open(path, Options{Sheet: "不存在"})
	var e *Error
	if !errors.As(err, &e) || e.Sheet != "不存在" || !errors.Is(err, ErrNoSheet) || !strings.Contains(err.Error(), "事项") {
		t.Errorf("missing sheet: err = %v, want ErrNoSheet listing the sheets", err)
	}
}

func TestXLSXRaggedRowNamesSheetAndLine(t *testing.T) {
	path := workbook(t, map[string][][]any{
		"清单": {{"a", "b"}, {"1", "2"}, {"1", "2", "3"}},
	}, []string{"清单"})
	r, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	_, err = r.Next()
	var e *Error
	if !errors.As(err, &e) || e.Sheet != "清单" || e.Line != 3 || !errors.Is(err, ErrTooManyCells) {
		t.Fatalf("err = %v, want ErrTooManyCells on sheet 清单 line 3", err)
	}
	if !strings.HasPrefix(err.Error(), "sheet 清单, line 3: ") {
		t.Errorf("message = %q", err.Error())
	}
}

func TestXLSXWritesEveryCellAsText(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, XLSX, "人口")
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, w, [][]string{{"身份证号", "序号", "金额"}, {"341602198807150036", "0012", "12.50"}})

	// Look at the file as Excel would: the cells must be strings, not numbers.
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"人口"}) {
		t.Errorf("sheets = %q, want [人口]", got)
	}
	for _, ref := range []string{"A2", "B2", "C2"} {
		typ, err := f.GetCellType("人口", ref)
		if err != nil || typ != excelize.CellTypeInlineString {
			t.Errorf("%s type = %v, %v; want an inline string", ref, typ, err)
		}
	}
	if v, _ := f.GetCellValue("人口", "A2"); v != "341602198807150036" {
		t.Errorf("A2 shows %q", v)
	}
}

func TestXLSXWriterLimits(t *testing.T) {
	w, err := NewWriter(&bytes.Buffer{}, XLSX, "")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.Write([]string{"长文本"}); err != nil {
		t.Fatal(err)
	}
	err = w.Write([]string{strings.Repeat("字", excelize.TotalCellChars+1)})
	var e *Error
	if !errors.As(err, &e) || e.Column != "长文本" || e.Line != 2 || !errors.Is(err, ErrCellTooLong) {
		t.Errorf("long cell: err = %v, want ErrCellTooLong at line 2 column 长文本", err)
	}
	if err := w.Write([]string{strings.Repeat("字", excelize.TotalCellChars)}); err != nil {
		t.Errorf("a cell of exactly 32,767 characters: %v", err)
	}
	if _, err := NewWriter(&bytes.Buffer{}, XLSX, "bad/name"); err == nil {
		t.Error("a sheet name with '/' was accepted")
	}
}
