package tabular

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// sample is what a department's export looks like at its most awkward:
// Chinese text, commas, quotes, line breaks inside cells, leading zeros, an
// ID number that Excel would turn into 3.41602E+17, empty cells.
var sample = [][]string{
	{"事项编码", "事项名称", "设定依据", "身份证号", "序号", "备注"},
	{"340000-000-XK-001", "食品经营许可", "《中华人民共和国食品安全法》第三十五条", "341602198807150036", "0012", ""},
	{"340000-000-QR-002", "逗号,和\"引号\"", "第一行\n第二行", "34160219900308004X", "007", "  前后空格  "},
	{"", "", "", "", "", "最后一列"},
	{"340000-000-QT-003", "长数字", "12345678901234567890", "00000000000000000001", "1e10", "=SUM(A1)"},
}

// readAll reads every row of r, failing the test on any error.
func readAll(t *testing.T, r Reader) (header []string, rows []Row) {
	t.Helper()
	header = append([]string(nil), r.Header()...)
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Next after %d rows: %v", len(rows), err)
		}
		rows = append(rows, row)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return header, rows
}

func writeAll(t *testing.T, w Writer, table [][]string) {
	t.Helper()
	for i, cells := range table {
		if err := w.Write(cells); err != nil {
			t.Fatalf("Write row %d: %v", i, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

func cellsOf(rows []Row) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = r.Cells
	}
	return out
}

func TestRoundTripEveryFormat(t *testing.T) {
	for _, f := range []Format{CSV, XLSX, JSONL} {
		t.Run(f.String(), func(t *testing.T) {
			var buf bytes.Buffer
			w, err := NewWriter(&buf, f, "事项")
			if err != nil {
				t.Fatal(err)
			}
			writeAll(t, w, sample)
			r, err := NewReader(bytes.NewReader(buf.Bytes()), f, Options{})
			if err != nil {
				t.Fatal(err)
			}
			header, rows := readAll(t, r)
			if !reflect.DeepEqual(header, sample[0]) {
				t.Errorf("header = %q, want %q", header, sample[0])
			}
			if got := cellsOf(rows); !reflect.DeepEqual(got, sample[1:]) {
				t.Errorf("rows = %q\nwant %q", got, sample[1:])
			}
		})
	}
}

func TestCreateAndOpenByExtension(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"list.csv", "list.txt", "list.xlsx", "list.jsonl", "list.ndjson"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			f, err := FormatOf(path)
			if err != nil {
				t.Fatal(err)
			}
			w, err := Create(path, f, "")
			if err != nil {
				t.Fatal(err)
			}
			writeAll(t, w, sample)
			r, err := Open(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			header, rows := readAll(t, r)
			if !reflect.DeepEqual(header, sample[0]) || !reflect.DeepEqual(cellsOf(rows), sample[1:]) {
				t.Errorf("read back %q %q", header, cellsOf(rows))
			}
			if f == XLSX && rows[0].Sheet != "Sheet1" {
				t.Errorf("default sheet = %q, want Sheet1", rows[0].Sheet)
			}
		})
	}
}

func TestFormatOf(t *testing.T) {
	cases := []struct {
		name string
		want Format
		err  string
	}{
		{"a.CSV", CSV, ""},
		{"dir.v2/a.Txt", CSV, ""},
		{"事项清单.xlsx", XLSX, ""},
		{"x.ndjson", JSONL, ""},
		{"x.xls", 0, `".xls"`},
		{"README", 0, "no extension"},
	}
	for _, c := range cases {
		got, err := FormatOf(c.name)
		if c.err == "" {
			if err != nil || got != c.want {
				t.Errorf("FormatOf(%q) = %v, %v; want %v", c.name, got, err, c.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.err) || !errors.Is(err, ErrUnknownFormat) {
			t.Errorf("FormatOf(%q) error = %v, want one naming %s", c.name, err, c.err)
		}
	}
}

func TestErrorNamesWhere(t *testing.T) {
	cases := []struct {
		e    *Error
		want string
	}{
		{&Error{Sheet: "事项", Line: 12, Column: "设定依据", Err: ErrTooManyCells}, "sheet 事项, line 12, column 设定依据: " + ErrTooManyCells.Error()},
		{&Error{Line: 3, Err: ErrEncoding}, "line 3: invalid UTF-8"},
		{&Error{Err: ErrNoHeader}, "no header row"},
	}
	for _, c := range cases {
		if got := c.e.Error(); got != c.want {
			t.Errorf("Error() = %q, want %q", got, c.want)
		}
		if !errors.Is(c.e, c.e.Err) {
			t.Errorf("errors.Is does not see %v through Unwrap", c.e.Err)
		}
	}
}

func TestWritersRefuseRowsWiderThanHeader(t *testing.T) {
	for _, f := range []Format{CSV, XLSX, JSONL} {
		w, err := NewWriter(io.Discard, f, "")
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write([]string{"a", "b"}); err != nil {
			t.Fatal(err)
		}
		if err := w.Write([]string{"1", "2", "3"}); !errors.Is(err, ErrTooManyCells) {
			t.Errorf("%v: wide row error = %v, want ErrTooManyCells", f, err)
		}
		if err := w.Write([]string{"1"}); err != nil {
			t.Errorf("%v: short row: %v (should be padded)", f, err)
		}
		if err := w.Close(); err != nil {
			t.Errorf("%v: Close: %v", f, err)
		}
		if err := w.Write([]string{"1"}); !errors.Is(err, ErrClosed) {
			t.Errorf("%v: Write after Close = %v, want ErrClosed", f, err)
		}
	}
}

func TestEmptyInputHasNoHeader(t *testing.T) {
	for _, f := range []Format{CSV, JSONL} {
		for _, in := range []string{"", "\n\n", "\uFEFF"} {
			if _, err := NewReader(strings.NewReader(in), f, Options{}); !errors.Is(err, ErrNoHeader) {
				t.Errorf("%v %q: err = %v, want ErrNoHeader", f, in, err)
			}
		}
	}
	if _, err := NewReader(strings.NewReader("not a zip"), XLSX, Options{}); err == nil {
		t.Error("XLSX reader accepted text that is not a zip archive")
	}
}

func TestXLSXNewReaderLeavesNoTemporaryFile(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	var buf bytes.Buffer
	w, _ := NewWriter(&buf, XLSX, "")
	writeAll(t, w, sample)
	r, err := NewReader(&buf, XLSX, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if left, _ := filepath.Glob(filepath.Join(tmp, "*")); len(left) != 0 {
		t.Errorf("temporary files left behind: %q", left)
	}
}
