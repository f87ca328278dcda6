package catalog

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/govhall/govhall/internal/tabular"
)

// parts is a catalog file as read: the rows of each part, in file order,
// and what was wrong with the file's layout.
type parts struct {
	rows     map[string][]row
	problems []Problem
	n        int
	onRows   func(n int) // told every 1,000 rows
}

func (p *parts) add(r row) {
	p.rows[r.sheet] = append(p.rows[r.sheet], r)
	if p.n++; p.n%1000 == 0 && p.onRows != nil {
		p.onRows(p.n)
	}
}

// readFile reads a catalog file (XLSX or CSV, by its extension). An error
// means the file could not be read at all; a file that could is returned
// with its layout problems.
func readFile(path string, enc tabular.Encoding, onRows func(n int)) (*parts, error) {
	f, err := tabular.FormatOf(path)
	if err != nil {
		return nil, err
	}
	p := &parts{rows: map[string][]row{}, onRows: onRows}
	switch f {
	case tabular.XLSX:
		return p, readXLSX(path, p)
	case tabular.CSV:
		return p, readCSV(path, enc, p)
	}
	return nil, fmt.Errorf("%w: %v (catalog files are CSV or XLSX)", tabular.ErrUnknownFormat, f)
}

func readXLSX(path string, p *parts) error {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return fmt.Errorf("read XLSX: %w", err)
	}
	defer f.Close()
	for _, name := range f.GetSheetList() {
		if _, ok := sheetIndex[name]; !ok {
			p.problems = append(p.problems, problem(name, 0, "", "catalog.sheet.unknown_sheet", map[string]any{"sheet": name}))
			continue
		}
		if err := readSheet(f, name, p); err != nil {
			return err
		}
	}
	return nil
}

// readSheet reads one XLSX sheet: the first non-empty row is its header.
func readSheet(f *excelize.File, name string, p *parts) error {
	rows, err := f.Rows(name)
	if err != nil {
		return fmt.Errorf("read sheet %s: %w", name, err)
	}
	defer rows.Close()
	var pos []int
	for line := 1; rows.Next(); line++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return &tabular.Error{Sheet: name, Line: line, Err: err}
		}
		if blank(cells) {
			continue
		}
		if pos == nil {
			var probs []Problem
			pos, probs = headerMap(name, cells)
			for i := range probs {
				probs[i].Line = line
			}
			p.problems = append(p.problems, probs...)
			continue
		}
		r := newRow(name)
		r.line = line
		for i, v := range cells {
			switch {
			case i < len(pos) && pos[i] >= 0:
				r.cells[pos[i]] = v
			case i >= len(pos) && v != "":
				p.problems = append(p.problems, problem(name, line, "", "catalog.sheet.extra_cell", map[string]any{"value": v}))
			}
		}
		p.add(r)
	}
	return rows.Error()
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// csvLayout maps a CSV header onto the parts: where 表 is, and for each
// file column its name (or "" for the ignored reason column).
type csvLayout struct {
	table int
	names []string
}

func csvHeader(header []string) (csvLayout, []Problem) {
	l := csvLayout{table: -1, names: make([]string, len(header))}
	union := map[string]bool{}
	for _, c := range unionColumns() {
		union[c] = true
	}
	var probs []Problem
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		switch {
		case h == tableColumn:
			l.table = i
		case h == reasonColumn || (h == "" && i == len(header)-1):
		case !union[h]:
			probs = append(probs, problem("", 1, h, "catalog.sheet.unknown_column", nil))
		case seen[h]:
			probs = append(probs, problem("", 1, h, "catalog.sheet.duplicate_column", nil))
		default:
			l.names[i] = h
		}
		seen[h] = true
	}
	if l.table < 0 {
		probs = append(probs, problem("", 1, tableColumn, "catalog.sheet.missing_column", nil))
	}
	return l, probs
}

func readCSV(path string, enc tabular.Encoding, p *parts) error {
	r, err := tabular.Open(path, tabular.Options{Encoding: enc})
	if err != nil {
		return err
	}
	defer r.Close()
	l, probs := csvHeader(r.Header())
	p.problems = probs
	if l.table < 0 {
		return nil
	}
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return nil
		}
		var te *tabular.Error
		if errors.As(err, &te) && te.Line > 0 {
			p.problems = append(p.problems, problem("", te.Line, te.Column, "catalog.sheet.read", map[string]any{"detail": te.Err.Error()}))
			if errors.Is(err, tabular.ErrTooManyCells) || errors.Is(err, tabular.ErrEncoding) {
				continue
			}
			return nil
		} else if err != nil {
			return err
		}
		l.row(rec, p)
	}
}

// row files one CSV record under its part.
func (l csvLayout) row(rec tabular.Row, p *parts) {
	if blank(rec.Cells) {
		return
	}
	sheet := strings.TrimSpace(rec.Cells[l.table])
	if _, ok := sheetIndex[sheet]; !ok {
		p.problems = append(p.problems, problem("", rec.Line, tableColumn, "catalog.sheet.unknown_table",
			map[string]any{"value": sheet, "allowed": strings.Join(SheetNames(), "、")}))
		return
	}
	r := newRow(sheet)
	r.line = rec.Line
	for i, v := range rec.Cells {
		name := l.names[i]
		if name == "" || i == l.table {
			continue
		}
		if j, ok := columnIndex[sheet][name]; ok {
			r.cells[j] = v
		} else if strings.TrimSpace(v) != "" {
			p.problems = append(p.problems, problem(sheet, rec.Line, name, "catalog.sheet.not_in_table",
				map[string]any{"table": sheet}))
		}
	}
	p.add(r)
}
