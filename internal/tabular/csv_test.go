package tabular

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

const chineseCSV = "姓名,身份证号,住址\r\n李想,341602198807150036,亳州市谯城区赵庄村\r\n崔曼曼,34160219900308004X,涡阳县\r\n"

func gb18030(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readCSV(t *testing.T, in []byte, o Options) ([]string, [][]string) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(in), CSV, o)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	h, rows := readAll(t, r)
	return h, cellsOf(rows)
}

func TestCSVEncodings(t *testing.T) {
	wantHeader := []string{"姓名", "身份证号", "住址"}
	wantRows := [][]string{{"李想", "341602198807150036", "亳州市谯城区赵庄村"}, {"崔曼曼", "34160219900308004X", "涡阳县"}}
	cases := []struct {
		name string
		in   []byte
		enc  Encoding
	}{
		{"UTF-8 without BOM, auto", []byte(chineseCSV), Auto},
		{"UTF-8 with BOM, auto", []byte(bom + chineseCSV), Auto},
		{"UTF-8 with BOM, explicit", []byte(bom + chineseCSV), UTF8},
		{"GB18030, auto", gb18030(t, chineseCSV), Auto},
		{"GB18030, explicit", gb18030(t, chineseCSV), GB18030},
		{"GB18030 with its BOM, auto", gb18030(t, bom+chineseCSV), Auto},
		{"LF line ends", []byte(strings.ReplaceAll(chineseCSV, "\r\n", "\n")), Auto},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, rows := readCSV(t, c.in, Options{Encoding: c.enc})
			if !reflect.DeepEqual(h, wantHeader) || !reflect.DeepEqual(rows, wantRows) {
				t.Errorf("got %q %q", h, rows)
			}
		})
	}
}

func TestCSVWrongEncodingIsNamed(t *testing.T) {
	// A GB18030 file read as UTF-8: the header itself is not UTF-8.
	_, err := NewReader(bytes.NewReader(gb18030(t, chineseCSV)), CSV, Options{Encoding: UTF8})
	var e *Error
	if !errors.As(err, &e) || e.Line != 1 || !errors.Is(err, ErrEncoding) || !strings.Contains(err.Error(), "GB18030") {
		t.Fatalf("err = %v, want an encoding error on line 1 suggesting GB18030", err)
	}
	// A UTF-8 file read as GB18030 decodes to other characters, not to the text.
	_, rows := readCSV(t, []byte(chineseCSV), Options{Encoding: GB18030})
	if len(rows) != 2 || rows[0][0] == "李想" {
		t.Errorf("UTF-8 read as GB18030 gave %q; want mojibake, not the names", rows)
	}
}

func TestCSVLateInvalidUTF8NamesLine(t *testing.T) {
	// The first MiB is valid UTF-8, so Auto picks UTF-8; a GB18030 line
	// after it must be reported with its line number and a hint.
	var b bytes.Buffer
	b.WriteString("编号,名称\n")
	line := 1
	for b.Len() < sniffSize+1000 {
		b.WriteString("0001,亳州市数据资源管理局\n")
		line++
	}
	b.Write(gb18030(t, "0002,谯城区\n"))
	line++
	r, err := NewReader(&b, CSV, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for {
		_, err = r.Next()
		if err != nil {
			break
		}
	}
	var e *Error
	if !errors.As(err, &e) || e.Line != line || e.Column != "名称" || !strings.Contains(err.Error(), "GB18030") {
		t.Fatalf("err = %v, want line %d column 名称 suggesting GB18030", err, line)
	}
}

func TestCSVLinesAndShapes(t *testing.T) {
	in := "a,b,c\n" + // 1
		"1,\"first\nsecond\nthird\",3\n" + // 2-4: one record over three lines
		"\n" + // 5: empty, skipped
		"x,y,z\n" + // 6
		"short\n" + // 7: padded
		"p,q,r,s\n" // 8: too many
	r, err := NewReader(strings.NewReader(in), CSV, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{
		{Line: 2, Cells: []string{"1", "first\nsecond\nthird", "3"}},
		{Line: 6, Cells: []string{"x", "y", "z"}},
		{Line: 7, Cells: []string{"short", "", ""}},
	}
	for _, w := range want {
		got, err := r.Next()
		if err != nil || !reflect.DeepEqual(got, w) {
			t.Fatalf("Next = %+v, %v; want %+v", got, err, w)
		}
	}
	_, err = r.Next()
	var e *Error
	if !errors.As(err, &e) || e.Line != 8 || !errors.Is(err, ErrTooManyCells) {
		t.Fatalf("ragged row: err = %v, want ErrTooManyCells on line 8", err)
	}
	if err.Error() != "line 8: more cells than the header has columns: 4 cells, 3 columns" {
		t.Errorf("message = %q", err.Error())
	}
}

func TestCSVBadQuoteNamesLine(t *testing.T) {
	in := "a,b\n1,2\n3,x\"y\n4,5\n"
	r, err := NewReader(strings.NewReader(in), CSV, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	_, err = r.Next()
	var e *Error
	if !errors.As(err, &e) || e.Line != 3 {
		t.Fatalf("err = %v, want an *Error on line 3", err)
	}
	// An import can list every bad line: reading goes on after an error.
	if row, err := r.Next(); err != nil || row.Line != 4 || row.Cells[1] != "5" {
		t.Errorf("after the error: %+v, %v; want line 4", row, err)
	}
	// An unterminated quote names the line where the record started.
	_, err = NewReader(strings.NewReader("a,\"b\nc\n"), CSV, Options{})
	if err == nil || !strings.Contains(err.Error(), "record starts on line 1") {
		t.Errorf("unterminated quote: err = %v", err)
	}
}

func TestCSVComma(t *testing.T) {
	h, rows := readCSV(t, []byte("甲;乙\n1,5;2\n"), Options{Comma: ';'})
	if !reflect.DeepEqual(h, []string{"甲", "乙"}) || !reflect.DeepEqual(rows, [][]string{{"1,5", "2"}}) {
		t.Errorf("got %q %q", h, rows)
	}
}

func TestCSVWriterOutput(t *testing.T) {
	var b bytes.Buffer
	w, _ := NewWriter(&b, CSV, "")
	writeAll(t, w, [][]string{{"名称", "备注"}, {"a,b", "say \"hi\""}, {"", "two\nlines"}})
	want := bom + "名称,备注\r\n\"a,b\",\"say \"\"hi\"\"\"\r\n,\"two\nlines\"\r\n"
	if b.String() != want {
		t.Errorf("wrote %q\nwant  %q", b.String(), want)
	}
	// A one-column table keeps its empty rows.
	b.Reset()
	w, _ = NewWriter(&b, CSV, "")
	writeAll(t, w, [][]string{{"only"}, {""}, {"x"}})
	_, rows := readCSV(t, b.Bytes(), Options{})
	if !reflect.DeepEqual(rows, [][]string{{""}, {"x"}}) {
		t.Errorf("one-column rows = %q", rows)
	}
}

func TestCSVRowsAreTheCallersToKeep(t *testing.T) {
	r, err := NewReader(strings.NewReader("a\n1\n2\n"), CSV, Options{})
	if err != nil {
		t.Fatal(err)
	}
	first, _ := r.Next()
	second, _ := r.Next()
	if first.Cells[0] != "1" || second.Cells[0] != "2" {
		t.Errorf("kept rows changed: %q %q", first.Cells, second.Cells)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("end: %v, want io.EOF", err)
	}
}

func TestCSVReuseCells(t *testing.T) {
	r, err := NewReader(strings.NewReader("a,b,c\n1,2,3\n4\n5,6,7\n"), CSV, Options{ReuseCells: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range [][]string{{"1", "2", "3"}, {"4", "", ""}, {"5", "6", "7"}} {
		row, err := r.Next()
		if err != nil || !reflect.DeepEqual(row.Cells, want) {
			t.Fatalf("Next = %q, %v; want %q", row.Cells, err, want)
		}
	}
	if !reflect.DeepEqual(r.Header(), []string{"a", "b", "c"}) {
		t.Errorf("header changed under reuse: %q", r.Header())
	}
}
