package catalog

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"github.com/govhall/govhall/internal/tabular"
)

// book is where export writes rows: an XLSX workbook with one sheet per
// part, or one CSV file holding every part.
type book interface {
	write(r row) error
	Close() error
}

// extraColumn is an optional last column (the reason of a rejects file).
type extraColumn struct {
	name string
	on   bool
}

// xlsxBook writes an XLSX workbook with one sheet per part. Rows arrive
// item by item, interleaved across sheets; each sheet's rows are spooled to
// its own temporary file, and at Close the sheets go through excelize's
// StreamWriter one after the other, so memory holds one sheet's stream
// buffer at a time, never the workbook's cells.
type xlsxBook struct {
	out    io.WriteCloser
	spools map[string]*spool
	extra  extraColumn
	closed bool
}

func newXLSXBook(out io.WriteCloser, extra extraColumn) (*xlsxBook, error) {
	b := &xlsxBook{out: out, spools: map[string]*spool{}, extra: extra}
	for _, s := range sheets {
		sp, err := newSpool()
		if err != nil {
			b.discard()
			return nil, err
		}
		b.spools[s.name] = sp
		header := append([]string(nil), s.columns...)
		if extra.on {
			header = append(header, extra.name)
		}
		if err := b.put(s.name, header); err != nil {
			b.discard()
			return nil, err
		}
	}
	return b, nil
}

func (b *xlsxBook) put(sheet string, cells []string) error {
	sp := b.spools[sheet]
	n := sp.rows + 1
	if n > excelize.TotalRows {
		return &tabular.Error{Sheet: sheet, Line: n, Err: tabular.ErrTooManyRows}
	}
	for _, c := range cells {
		if cellTooLong(c) {
			return &tabular.Error{Sheet: sheet, Line: n, Err: tabular.ErrCellTooLong}
		}
	}
	return sp.write(cells)
}

func (b *xlsxBook) write(r row) error { return b.put(r.sheet, r.cells) }

func (b *xlsxBook) discard() {
	for _, sp := range b.spools {
		sp.remove()
	}
}

func (b *xlsxBook) Close() error {
	if b.closed {
		return nil
	}
	b.closed = true
	defer b.discard()
	f := excelize.NewFile()
	defer f.Close()
	err := b.stream(f)
	if err == nil {
		err = b.writeSorted(f)
	}
	if cerr := b.out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	return nil
}

// stream moves each sheet's spooled rows into the workbook, one sheet at a
// time. A string is written as an inline string: codes stay text.
func (b *xlsxBook) stream(f *excelize.File) error {
	var vals []any
	for i, s := range sheets {
		var err error
		if i == 0 {
			err = f.SetSheetName("Sheet1", s.name)
		} else {
			_, err = f.NewSheet(s.name)
		}
		if err != nil {
			return err
		}
		sw, err := f.NewStreamWriter(s.name)
		if err != nil {
			return err
		}
		line := 0
		err = b.spools[s.name].each(func(cells []string) error {
			line++
			vals = vals[:0]
			for _, c := range cells {
				if c == "" {
					vals = append(vals, nil)
				} else {
					vals = append(vals, c)
				}
			}
			ref, _ := excelize.CoordinatesToCellName(1, line)
			return sw.SetRow(ref, vals)
		})
		if err == nil {
			err = sw.Flush()
		}
		if err != nil {
			return &tabular.Error{Sheet: s.name, Line: line, Err: err}
		}
	}
	return nil
}

// writeSorted writes the workbook with its zip entries in name order:
// excelize writes them in map order, and the same catalog must give the
// same file. The entries are copied, not compressed again.
func (b *xlsxBook) writeSorted(f *excelize.File) error {
	tmp, err := os.CreateTemp("", "govhall-catalog-*.xlsx")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if _, err := f.WriteTo(tmp); err != nil {
		return err
	}
	size, err := tmp.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	zr, err := zip.NewReader(tmp, size)
	if err != nil {
		return err
	}
	files := slices.Clone(zr.File)
	slices.SortFunc(files, func(a, b *zip.File) int { return strings.Compare(a.Name, b.Name) })
	zw := zip.NewWriter(b.out)
	for _, f := range files {
		if err := zw.Copy(f); err != nil {
			return err
		}
	}
	return zw.Close()
}

// cellTooLong reports whether s exceeds an XLSX cell's 32,767 UTF-16 units.
func cellTooLong(s string) bool {
	if len(s) <= excelize.TotalCellChars {
		return false
	}
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n > excelize.TotalCellChars
}

// csvBook writes the one-file layout: 表, then the union of the columns.
type csvBook struct {
	w     tabular.Writer
	pos   map[string][]int // sheet → position of each of its columns in the union
	width int
}

func newCSVBook(w tabular.Writer, extra extraColumn) (*csvBook, error) {
	header := unionColumns()
	at := map[string]int{}
	for i, c := range header {
		at[c] = i
	}
	b := &csvBook{w: w, pos: map[string][]int{}}
	for _, s := range sheets {
		for _, c := range s.columns {
			b.pos[s.name] = append(b.pos[s.name], at[c])
		}
	}
	if extra.on {
		header = append(header, extra.name)
	}
	b.width = len(header)
	return b, w.Write(header)
}

func (b *csvBook) write(r row) error {
	out := make([]string, b.width)
	out[0] = r.sheet
	for i, c := range r.cells {
		if i < len(b.pos[r.sheet]) {
			out[b.pos[r.sheet][i]] = c
		} else {
			out[b.width-1] = c // the extra column
		}
	}
	return b.w.Write(out)
}

func (b *csvBook) Close() error { return b.w.Close() }

// createBook creates the file at path in format f.
func createBook(path string, f tabular.Format, extra extraColumn) (book, error) {
	switch f {
	case tabular.XLSX:
		out, err := os.Create(path)
		if err != nil {
			return nil, err
		}
		b, err := newXLSXBook(out, extra)
		if err != nil {
			out.Close()
			return nil, err
		}
		return b, nil
	case tabular.CSV:
		w, err := tabular.Create(path, tabular.CSV, "")
		if err != nil {
			return nil, err
		}
		b, err := newCSVBook(w, extra)
		if err != nil {
			w.Close()
			return nil, err
		}
		return b, nil
	}
	return nil, fmt.Errorf("%w: %v (catalog files are CSV or XLSX)", tabular.ErrUnknownFormat, f)
}

// headerMap maps a file's header onto a sheet's columns: pos[i] is the
// sheet column of file column i, -1 for the ignored reason column.
func headerMap(sheet string, header []string) ([]int, []Problem) {
	var probs []Problem
	pos := make([]int, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		j, ok := columnIndex[sheet][h]
		switch {
		case h == reasonColumn || (h == "" && i == len(header)-1):
			pos[i] = -1
			continue
		case !ok:
			probs = append(probs, problem(sheet, 1, h, "catalog.sheet.unknown_column", nil))
			pos[i] = -1
		case seen[h]:
			probs = append(probs, problem(sheet, 1, h, "catalog.sheet.duplicate_column", nil))
			pos[i] = -1
		default:
			pos[i] = j
		}
		seen[h] = true
	}
	if key := sheets[sheetIndex[sheet]].columns[0]; !seen[key] && sheet != sheetBasis {
		probs = append(probs, problem(sheet, 1, key, "catalog.sheet.missing_column", nil))
	}
	return pos, probs
}
