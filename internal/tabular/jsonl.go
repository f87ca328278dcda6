package tabular

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// jsonlReader reads one JSON object per line. The first object's keys, in
// order, are the header; every later object may use only those keys. Values
// are strings or numbers (kept as their literal text); null is "".
type jsonlReader struct {
	br     *bufio.Reader
	header []string
	index  map[string]int
	line   int
	first  []string // cells of the first object, returned by the first Next
	fline  int
	seen   []bool // keys met in the current line, by column
}

func newJSONLReader(r io.Reader) (Reader, error) {
	j := &jsonlReader{br: bufio.NewReaderSize(r, 64<<10)}
	line, err := j.nextLine()
	if err == io.EOF {
		return nil, ErrNoHeader
	}
	if err != nil {
		return nil, err
	}
	j.index = map[string]int{}
	err = parseObject(line, func(key, val string) error {
		if _, dup := j.index[key]; dup {
			return &Error{Column: key, Err: ErrDuplicateKey}
		}
		j.index[key] = len(j.header)
		j.header, j.first = append(j.header, key), append(j.first, val)
		return nil
	})
	if err != nil {
		return nil, withLine(err, j.line)
	}
	if j.first == nil {
		j.first = []string{} // an empty first object is still a row
	}
	j.fline, j.seen = j.line, make([]bool, len(j.header))
	return j, nil
}

// nextLine returns the next line that is not blank, without its line end.
func (j *jsonlReader) nextLine() ([]byte, error) {
	for {
		line, err := j.br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long := append([]byte(nil), line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = j.br.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		if len(line) == 0 && err == io.EOF {
			return nil, io.EOF
		}
		j.line++
		if j.line == 1 {
			line = bytes.TrimPrefix(line, []byte(bom))
		}
		if t := bytes.Trim(line, " \t\r\n"); len(t) > 0 {
			return t, nil
		}
		if err == io.EOF {
			return nil, io.EOF
		}
	}
}

func (j *jsonlReader) Header() []string { return j.header }

func (j *jsonlReader) Next() (Row, error) {
	if j.first != nil {
		cells := j.first
		j.first = nil
		return Row{Line: j.fline, Cells: cells}, nil
	}
	line, err := j.nextLine()
	if err != nil {
		return Row{}, err
	}
	cells := make([]string, len(j.header))
	clear(j.seen)
	if err := parseObject(line, func(key, val string) error {
		i, ok := j.index[key]
		if !ok {
			return &Error{Column: key, Err: ErrUnknownKey}
		}
		if j.seen[i] {
			return &Error{Column: key, Err: ErrDuplicateKey}
		}
		j.seen[i] = true
		cells[i] = val
		return nil
	}); err != nil {
		return Row{}, withLine(err, j.line)
	}
	return Row{Line: j.line, Cells: cells}, nil
}

func (j *jsonlReader) Close() error { return nil }

// withLine sets the line of an *Error, or wraps err in one.
func withLine(err error, line int) error {
	var e *Error
	if errors.As(err, &e) {
		e.Line = line
		return e
	}
	return &Error{Line: line, Err: err}
}

// jsonlWriter writes each row as one JSON object keyed by the header, every
// value a string.
type jsonlWriter struct {
	w      *bufio.Writer
	header []string
	rows   int
	buf    []byte
	closed bool
}

func newJSONLWriter(w io.Writer) *jsonlWriter {
	return &jsonlWriter{w: bufio.NewWriterSize(w, 64<<10)}
}

func (j *jsonlWriter) Write(cells []string) error {
	if j.closed {
		return ErrClosed
	}
	if j.header == nil {
		seen := make(map[string]bool, len(cells))
		for _, k := range cells {
			if seen[k] {
				return &Error{Column: k, Err: ErrDuplicateKey}
			}
			seen[k] = true
		}
		j.header = append([]string(nil), cells...)
		return nil
	}
	j.rows++
	if len(cells) > len(j.header) {
		return fmt.Errorf("row %d: %w: %d cells, %d columns", j.rows, ErrTooManyCells, len(cells), len(j.header))
	}
	b := append(j.buf[:0], '{')
	for i, k := range j.header {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		var v string
		if i < len(cells) {
			v = cells[i]
		}
		b = appendJSONString(b, v)
	}
	b = append(b, '}', '\n')
	j.buf = b
	_, err := j.w.Write(b)
	return err
}

// appendJSONString appends s as a JSON string exactly as encoding/json
// writes it (invalid UTF-8 becomes U+FFFD), without its cost when s needs
// no escaping, which is the common case.
func appendJSONString(b []byte, s string) []byte {
	if plainJSON(s) {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	q, _ := json.Marshal(s) // marshalling a string cannot fail
	return append(b, q...)
}

// plainJSON reports whether encoding/json would write s unchanged.
func plainJSON(s string) bool {
	wide := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		case c >= utf8.RuneSelf:
			wide = true
		}
	}
	return !wide || utf8.ValidString(s) && !strings.ContainsRune(s, '\u2028') && !strings.ContainsRune(s, '\u2029')
}

func (j *jsonlWriter) Close() error {
	if j.closed {
		return nil
	}
	j.closed = true
	return j.w.Flush()
}
