package tabular

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestJSONLReadsObjectsInHeaderOrder(t *testing.T) {
	in := "\uFEFF{\"证照编号\": \"0012\", \"面积\": 120.50, \"有效期\": null}\n" + // 1
		"\n" + // 2: blank
		"  {\"有效期\":\"2030-01-01\",\"证照编号\":\"0013\"}  \r\n" + // 3: other order, missing key
		"{\"面积\":-1e3}" // 4: no final newline
	r, err := NewReader(strings.NewReader(in), JSONL, Options{})
	if err != nil {
		t.Fatal(err)
	}
	header, rows := readAll(t, r)
	if !reflect.DeepEqual(header, []string{"证照编号", "面积", "有效期"}) {
		t.Errorf("header = %q", header)
	}
	want := []Row{
		{Line: 1, Cells: []string{"0012", "120.50", ""}},
		{Line: 3, Cells: []string{"0013", "", "2030-01-01"}},
		{Line: 4, Cells: []string{"", "-1e3", ""}},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows = %+v\nwant %+v", rows, want)
	}
}

func TestJSONLBadLinesNameTheLine(t *testing.T) {
	cases := []struct {
		name   string
		line2  string
		want   error
		column string
	}{
		{"array", `["a"]`, ErrNotObject, ""},
		{"not JSON", `{"a": }`, ErrNotObject, "a"},
		{"two objects", `{"a":"1"} {"a":"2"}`, ErrNotObject, ""},
		{"unknown key", `{"a":"1","邮编":"236800"}`, ErrUnknownKey, "邮编"},
		{"boolean", `{"a":true}`, ErrValueType, "a"},
		{"nested object", `{"a":{"b":"c"}}`, ErrValueType, "a"},
		{"array value", `{"a":[1]}`, ErrValueType, "a"},
		{"duplicate key", `{"a":"1","a":"2"}`, ErrDuplicateKey, "a"},
		{"truncated", `{"a":"1"`, ErrNotObject, "a"},
		{"leading zero", `{"a":012}`, ErrNotObject, "a"},
		{"bad escape", `{"a":"\x"}`, ErrNotObject, "a"},
		{"control character", "{\"a\":\"\t\"}", ErrNotObject, "a"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader("{\"a\":\"0\"}\n"+c.line2+"\n"), JSONL, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := r.Next(); err != nil {
				t.Fatal(err)
			}
			_, err = r.Next()
			var e *Error
			if !errors.As(err, &e) || e.Line != 2 || !errors.Is(err, c.want) || e.Column != c.column {
				t.Errorf("err = %v (%#v), want %v on line 2 column %q", err, e, c.want, c.column)
			}
		})
	}
}

func TestJSONLFirstLineMustBeAnObject(t *testing.T) {
	for _, in := range []string{"[1,2]\n", "\"text\"\n", "{\"a\":\"1\",\"a\":\"2\"}\n", "{\"a\":false}\n"} {
		_, err := NewReader(strings.NewReader(in), JSONL, Options{})
		var e *Error
		if !errors.As(err, &e) || e.Line != 1 {
			t.Errorf("%q: err = %v, want an *Error on line 1", in, err)
		}
	}
}

func TestJSONLWriterOutput(t *testing.T) {
	var b bytes.Buffer
	w, _ := NewWriter(&b, JSONL, "")
	writeAll(t, w, [][]string{{"b", "a"}, {"<x>", "0012"}, {"\"q\"\n"}})
	want := `{"b":"\u003cx\u003e","a":"0012"}` + "\n" + `{"b":"\"q\"\n","a":""}` + "\n"
	if b.String() != want {
		t.Errorf("wrote %q\nwant  %q", b.String(), want)
	}
	if w, _ := NewWriter(io.Discard, JSONL, ""); !errors.Is(w.Write([]string{"k", "k"}), ErrDuplicateKey) {
		t.Error("a header with a repeated key was accepted: its objects could not be read back")
	}
}

func TestJSONLLongLine(t *testing.T) {
	long := strings.Repeat("长", 100_000) // 300 KB, more than the read buffer
	in := `{"k":"` + long + `"}` + "\n" + `{"k":"short"}` + "\n"
	r, err := NewReader(strings.NewReader(in), JSONL, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, rows := readAll(t, r)
	if len(rows) != 2 || rows[0].Cells[0] != long || rows[1].Line != 2 {
		t.Errorf("long line read as %d rows", len(rows))
	}
}
