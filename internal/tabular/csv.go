package tabular

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// sniffSize is how much of a CSV file Auto looks at to choose the encoding.
const sniffSize = 1 << 20

const bom = "\uFEFF"

// csvReader reads CSV through encoding/csv with a reused record slice; the
// field strings encoding/csv allocates per record are handed to the caller.
type csvReader struct {
	cr       *csv.Reader
	header   []string
	validate bool // check each cell is valid UTF-8
	auto     bool // the encoding was guessed: suggest GB18030 in errors
	reuse    bool // Options.ReuseCells
}

func newCSVReader(r io.Reader, o Options) (Reader, error) {
	br := bufio.NewReaderSize(r, sniffSize)
	enc, err := chooseEncoding(br, o.Encoding)
	if err != nil {
		return nil, err
	}
	var src io.Reader = br
	if enc == GB18030 {
		src = transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder())
	}
	cr := csv.NewReader(src)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = false
	if o.Comma != 0 {
		cr.Comma = o.Comma
	}
	c := &csvReader{cr: cr, validate: enc == UTF8, auto: o.Encoding == Auto, reuse: o.ReuseCells}
	rec, err := cr.Read()
	if err == io.EOF {
		return nil, ErrNoHeader
	}
	if err != nil {
		return nil, csvError(err)
	}
	c.header = append([]string(nil), rec...)
	if enc == GB18030 { // a UTF-8 BOM was skipped before parsing
		c.header[0] = strings.TrimPrefix(c.header[0], bom)
	}
	if err := c.checkUTF8(c.header); err != nil {
		return nil, err
	}
	return c, nil
}

// chooseEncoding settles Auto and skips a UTF-8 byte order mark.
func chooseEncoding(br *bufio.Reader, e Encoding) (Encoding, error) {
	switch e {
	case Auto, UTF8, GB18030:
	default:
		return 0, fmt.Errorf("unknown encoding %v", e)
	}
	if e == GB18030 {
		return e, nil
	}
	if head, _ := br.Peek(len(bom)); string(head) == bom {
		_, err := br.Discard(len(bom))
		return UTF8, err
	}
	if e == UTF8 {
		return e, nil
	}
	head, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return 0, err
	}
	if validUTF8Prefix(head, len(head) == sniffSize) {
		return UTF8, nil
	}
	return GB18030, nil
}

// validUTF8Prefix reports whether b is valid UTF-8, allowing a character cut
// off at the end when b is only the start of the file.
func validUTF8Prefix(b []byte, cut bool) bool {
	if cut {
		for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
			if utf8.RuneStart(b[i]) {
				if !utf8.FullRune(b[i:]) {
					b = b[:i]
				}
				break
			}
		}
	}
	return utf8.Valid(b)
}

func (c *csvReader) Header() []string { return c.header }

func (c *csvReader) Next() (Row, error) {
	rec, err := c.cr.Read()
	if err != nil {
		if err == io.EOF {
			return Row{}, io.EOF
		}
		return Row{}, csvError(err)
	}
	line, _ := c.cr.FieldPos(0)
	if err := c.checkUTF8(rec); err != nil {
		return Row{}, err
	}
	if c.reuse && len(rec) <= len(c.header) {
		for len(rec) < len(c.header) {
			rec = append(rec, "") // encoding/csv reuses rec's capacity next time
		}
		return Row{Line: line, Cells: rec}, nil
	}
	cells, err := align(c.header, rec, "", line)
	if err != nil {
		return Row{}, err
	}
	return Row{Line: line, Cells: cells}, nil
}

// checkUTF8 names the first cell of rec that is not valid UTF-8.
func (c *csvReader) checkUTF8(rec []string) error {
	if !c.validate {
		return nil
	}
	for i, s := range rec {
		if utf8.ValidString(s) {
			continue
		}
		line, _ := c.cr.FieldPos(i)
		e := &Error{Line: line, Err: ErrEncoding}
		if i < len(c.header) {
			e.Column = c.header[i]
		}
		if c.auto {
			e.Err = fmt.Errorf("%w (the first MiB looked like UTF-8; if the file was saved as GB18030/GBK, read it with that encoding)", ErrEncoding)
		} else {
			e.Err = fmt.Errorf("%w (is the file GB18030/GBK?)", ErrEncoding)
		}
		return e
	}
	return nil
}

func (c *csvReader) Close() error { return nil }

// csvError turns an encoding/csv error into an *Error naming the line.
func csvError(err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return err
	}
	cause := fmt.Errorf("character %d: %w", pe.Column, pe.Err)
	if pe.StartLine != pe.Line {
		cause = fmt.Errorf("character %d (record starts on line %d): %w", pe.Column, pe.StartLine, pe.Err)
	}
	return &Error{Line: pe.Line, Err: cause}
}

// csvWriter writes UTF-8 CSV with a BOM and CRLF line ends. It quotes only
// the cells that need it, and writes line breaks inside cells as they are.
type csvWriter struct {
	w      *bufio.Writer
	header []string
	rows   int
	buf    []byte
	closed bool
}

func newCSVWriter(w io.Writer) *csvWriter {
	return &csvWriter{w: bufio.NewWriterSize(w, 64<<10)}
}

func (c *csvWriter) Write(cells []string) error {
	if c.closed {
		return ErrClosed
	}
	if c.header == nil {
		if len(cells) == 0 {
			return ErrNoHeader
		}
		c.header = append([]string(nil), cells...)
		c.buf = append(c.buf[:0], bom...)
	} else {
		c.buf = c.buf[:0]
		if len(cells) > len(c.header) {
			return fmt.Errorf("row %d: %w: %d cells, %d columns", c.rows+1, ErrTooManyCells, len(cells), len(c.header))
		}
	}
	n := len(c.header)
	for i := 0; i < n; i++ {
		if i > 0 {
			c.buf = append(c.buf, ',')
		}
		var s string
		if i < len(cells) {
			s = cells[i]
		}
		c.buf = appendCSVField(c.buf, s, n == 1)
	}
	c.buf = append(c.buf, '\r', '\n')
	c.rows++
	_, err := c.w.Write(c.buf)
	return err
}

// appendCSVField quotes s when a reader would otherwise misread it; alone
// says s is the only cell, where "" must be quoted or the line would be
// empty and skipped.
func appendCSVField(b []byte, s string, alone bool) []byte {
	if !(alone && s == "") && !strings.ContainsAny(s, ",\"\r\n") {
		return append(b, s...)
	}
	b = append(b, '"')
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		b = append(b, s[:i+1]...)
		b = append(b, '"')
		s = s[i+1:]
	}
	b = append(b, s...)
	return append(b, '"')
}

func (c *csvWriter) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	return c.w.Flush()
}
