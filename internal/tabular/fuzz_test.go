package tabular

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// readTable reads everything r gives, stopping at the first error.
func readTable(r Reader) (table [][]string, err error) {
	table = append(table, append([]string(nil), r.Header()...))
	for {
		row, err := r.Next()
		if err == io.EOF {
			return table, nil
		}
		if err != nil {
			return table, err
		}
		table = append(table, row.Cells)
	}
}

// roundTrip writes table in format f and reads it back.
func roundTrip(t *testing.T, f Format, table [][]string) [][]string {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, f, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, cells := range table {
		if err := w.Write(cells); err != nil {
			t.Fatalf("write %q: %v", cells, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := NewReader(&buf, f, Options{})
	if err != nil {
		t.Fatalf("read back %q: %v", buf.String(), err)
	}
	got, err := readTable(r)
	if err != nil {
		t.Fatalf("read back %q: %v", buf.String(), err)
	}
	return got
}

// splitTable turns fuzz bytes into a table: rows split at 0x1e, cells at
// 0x1f, every row padded or cut to the header's width. It returns nil for
// tables of more than 10,000 cells (padding makes them grow with the square
// of the input, which stalls the fuzzer without finding more).
func splitTable(data string) [][]string {
	var table [][]string
	lines := strings.Split(data, "\x1e")
	if len(lines)*(strings.Count(lines[0], "\x1f")+1) > 10_000 {
		return nil
	}
	for i, line := range lines {
		cells := strings.Split(line, "\x1f")
		if i > 0 {
			width := len(table[0])
			for len(cells) < width {
				cells = append(cells, "")
			}
			cells = cells[:width]
		}
		table = append(table, cells)
	}
	return table
}

func FuzzCSV(f *testing.F) {
	f.Add([]byte(chineseCSV))
	f.Add([]byte(bom + "a,b\n\"x\ny\",\"q\"\"\"\n\n1\n"))
	f.Add([]byte("a\x1fb\x1e\"1,2\"\x1f\r\n\x1e\x1f"))
	f.Add(gb18030(f, chineseCSV))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Whatever the bytes, reading never panics, and what it reads can
		// be written and read back unchanged.
		if r, err := NewReader(bytes.NewReader(data), CSV, Options{}); err == nil {
			table, err := readTable(r)
			if err == nil {
				if got := roundTrip(t, CSV, table); !reflect.DeepEqual(got, table) {
					t.Fatalf("read %q\nround trip %q", table, got)
				}
			}
		}
		// Cells made from the bytes round-trip too, except that a CSV
		// reader turns "\r\n" inside a cell into "\n".
		if !utf8.Valid(data) {
			return
		}
		table := splitTable(string(data))
		if table == nil {
			return
		}
		got := roundTrip(t, CSV, table)
		for _, row := range table {
			for i := range row {
				row[i] = strings.ReplaceAll(row[i], "\r\n", "\n")
			}
		}
		if !reflect.DeepEqual(got, table) {
			t.Fatalf("wrote %q\nread %q", table, got)
		}
	})
}

// refObject is the reference parse of one line through encoding/json's
// Token API: the pairs in order, or an error.
func refObject(line []byte) (pairs []string, err error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, errors.New("not an object")
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil, err
		}
		v, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch v := v.(type) {
		case string:
			pairs = append(pairs, k.(string), v)
		case json.Number:
			pairs = append(pairs, k.(string), string(v))
		case nil:
			pairs = append(pairs, k.(string), "")
		default:
			return nil, errors.New("not a scalar")
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data")
	}
	return pairs, nil
}

func FuzzJSONL(f *testing.F) {
	f.Add([]byte(`{"a":"0012","b":1.5e3,"c":null}` + "\n" + `{"b":"x\"\u4e2d"}`))
	f.Add([]byte(`{"a":{"x":1}}`))
	f.Add([]byte("{\"a\":\"\xff\"}"))
	f.Add([]byte(`{"a":-0.0E+1} x`))
	f.Fuzz(func(t *testing.T, data []byte) {
		// The scanner agrees with encoding/json on every line.
		for _, line := range bytes.Split(data, []byte("\n")) {
			var pairs []string
			err := parseObject(line, func(k, v string) error { pairs = append(pairs, k, v); return nil })
			want, werr := refObject(line)
			if (err == nil) != (werr == nil) || err == nil && !reflect.DeepEqual(pairs, want) {
				t.Fatalf("line %q: scanner %q, %v; encoding/json %q, %v", line, pairs, err, want, werr)
			}
		}
		// Reading never panics.
		if r, err := NewReader(bytes.NewReader(data), JSONL, Options{}); err == nil {
			_, _ = readTable(r)
		}
		// Strings are written exactly as encoding/json writes them, and
		// tables of valid UTF-8 with a unique header round-trip.
		if q, _ := json.Marshal(string(data)); string(appendJSONString(nil, string(data))) != string(q) {
			t.Fatalf("%q written as %s, encoding/json writes %s", data, appendJSONString(nil, string(data)), q)
		}
		table := splitTable(string(data))
		if !utf8.Valid(data) || len(table) < 2 || hasDuplicate(table[0]) {
			return
		}
		if got := roundTrip(t, JSONL, table); !reflect.DeepEqual(got, table) {
			t.Fatalf("wrote %q\nread %q", table, got)
		}
	})
}

func hasDuplicate(keys []string) bool {
	seen := map[string]bool{}
	for _, k := range keys {
		if seen[k] {
			return true
		}
		seen[k] = true
	}
	return false
}
