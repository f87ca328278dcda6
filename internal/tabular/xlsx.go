package tabular

import (
	"fmt"
	"io"
	"os"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
)

// xlsxReader streams one sheet through excelize's Rows iterator. excelize
// keeps a worksheet of more than 16 MiB of XML in a temporary file and parses
// it as it goes; shared strings are held in memory. Cells read as Excel
// shows them: text as it is, numbers and dates through the cell's number
// format (a number typed into Excel as 341602198807150036 has already lost
// its last digits; only text cells keep ID numbers). Trailing empty cells
// of a row are dropped before the row is aligned with the header.
type xlsxReader struct {
	f      *excelize.File
	rows   *excelize.Rows
	sheet  string
	header []string
	line   int
}

// openXLSX opens the workbook at path. excelize reads the zip's parts in
// when opening (large worksheets into its own temporary files) and does not
// read path again.
func openXLSX(path string, o Options) (Reader, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("read XLSX: %w", err)
	}
	x, err := newXLSXReader(f, o.Sheet)
	if err != nil {
		f.Close()
		return nil, err
	}
	return x, nil
}

// spoolXLSX copies r to a temporary file so excelize can seek in it; the
// file is removed once the workbook is open.
func spoolXLSX(r io.Reader, o Options) (Reader, error) {
	tmp, err := os.CreateTemp("", "govhall-tabular-*.xlsx")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, r)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("spool XLSX: %w", err)
	}
	return openXLSX(tmp.Name(), o)
}

func newXLSXReader(f *excelize.File, sheet string) (*xlsxReader, error) {
	if sheet == "" {
		sheet = f.GetSheetName(0)
	} else if idx, err := f.GetSheetIndex(sheet); err != nil || idx < 0 {
		return nil, &Error{Sheet: sheet, Err: fmt.Errorf("%w (the workbook has %v)", ErrNoSheet, f.GetSheetList())}
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, &Error{Sheet: sheet, Err: err}
	}
	x := &xlsxReader{f: f, rows: rows, sheet: sheet}
	for {
		cells, _, err := x.nextCells()
		if err == io.EOF {
			rows.Close()
			return nil, &Error{Sheet: sheet, Err: ErrNoHeader}
		}
		if err != nil {
			rows.Close()
			return nil, err
		}
		if len(cells) > 0 {
			x.header = cells
			x.header[0] = trimBOM(x.header[0])
			return x, nil
		}
	}
}

// nextCells returns the cells of the next row, nil for an empty row.
func (x *xlsxReader) nextCells() ([]string, int, error) {
	if !x.rows.Next() {
		if err := x.rows.Error(); err != nil {
			return nil, 0, &Error{Sheet: x.sheet, Line: x.line + 1, Err: err}
		}
		return nil, 0, io.EOF
	}
	x.line++
	cells, err := x.rows.Columns()
	if err != nil {
		return nil, 0, &Error{Sheet: x.sheet, Line: x.line, Err: err}
	}
	for len(cells) > 0 && cells[len(cells)-1] == "" {
		cells = cells[:len(cells)-1]
	}
	return cells, x.line, nil
}

func (x *xlsxReader) Header() []string { return x.header }

func (x *xlsxReader) Next() (Row, error) {
	for {
		cells, line, err := x.nextCells()
		if err != nil {
			return Row{}, err
		}
		if len(cells) == 0 {
			continue
		}
		row, err := align(x.header, cells, x.sheet, line)
		if err != nil {
			return Row{}, err
		}
		return Row{Sheet: x.sheet, Line: line, Cells: row}, nil
	}
}

func (x *xlsxReader) Close() error {
	err := x.rows.Close()
	if cerr := x.f.Close(); err == nil {
		err = cerr
	}
	return err
}

func trimBOM(s string) string {
	if len(s) >= len(bom) && s[:len(bom)] == bom {
		return s[len(bom):]
	}
	return s
}

// xlsxWriter writes one sheet through excelize's StreamWriter, which keeps
// rows in a temporary file, so memory stays constant. Every cell is written
// as an inline string: Excel shows ID numbers and codes like "0012" as text
// instead of turning them into numbers.
type xlsxWriter struct {
	out    io.Writer
	f      *excelize.File
	sw     *excelize.StreamWriter
	sheet  string
	header []string
	rows   int
	vals   []any
	closed bool
}

func newXLSXWriter(w io.Writer, sheet string) (*xlsxWriter, error) {
	if sheet == "" {
		sheet = "Sheet1"
	}
	f := excelize.NewFile()
	if sheet != "Sheet1" {
		if err := f.SetSheetName("Sheet1", sheet); err != nil {
			f.Close()
			return nil, &Error{Sheet: sheet, Err: err}
		}
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		f.Close()
		return nil, &Error{Sheet: sheet, Err: err}
	}
	return &xlsxWriter{out: w, f: f, sw: sw, sheet: sheet}, nil
}

func (x *xlsxWriter) Write(cells []string) error {
	if x.closed {
		return ErrClosed
	}
	line := x.rows + 1
	if x.header == nil {
		if len(cells) == 0 {
			return ErrNoHeader
		}
		x.header = append([]string(nil), cells...)
		x.vals = make([]any, len(cells))
	} else if len(cells) > len(x.header) {
		return &Error{Sheet: x.sheet, Line: line, Err: fmt.Errorf("%w: %d cells, %d columns", ErrTooManyCells, len(cells), len(x.header))}
	}
	if line > excelize.TotalRows {
		return &Error{Sheet: x.sheet, Line: line, Err: ErrTooManyRows}
	}
	for i := range x.vals {
		x.vals[i] = nil
		if i < len(cells) && cells[i] != "" {
			if tooLongForCell(cells[i]) {
				return &Error{Sheet: x.sheet, Line: line, Column: x.header[i], Err: ErrCellTooLong}
			}
			x.vals[i] = cells[i]
		}
	}
	ref, err := excelize.CoordinatesToCellName(1, line)
	if err != nil {
		return err
	}
	if err := x.sw.SetRow(ref, x.vals); err != nil {
		return &Error{Sheet: x.sheet, Line: line, Err: err}
	}
	x.rows = line
	return nil
}

// tooLongForCell reports whether s exceeds Excel's 32,767 UTF-16 units per
// cell (excelize would cut it silently).
func tooLongForCell(s string) bool {
	if len(s) <= excelize.TotalCellChars {
		return false
	}
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n > excelize.TotalCellChars
}

func (x *xlsxWriter) Close() error {
	if x.closed {
		return nil
	}
	x.closed = true
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return &Error{Sheet: x.sheet, Err: err}
	}
	if _, err := x.f.WriteTo(x.out); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	return nil
}
