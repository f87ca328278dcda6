// Package tabular reads and writes the spreadsheets and exports that
// departments exchange: CSV (UTF-8 or GB18030), XLSX and JSON Lines.
//
// Every reader and writer streams: memory stays bounded however many rows a
// file has, so the catalog import and the data hub's bulk import can take
// files of millions of rows. Cells are strings and stay verbatim (no
// trimming, no number conversion), so ID numbers, leading zeros and long
// codes survive a round trip. Errors name where they happened (sheet, line,
// column) through *Error.
package tabular

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Format is a file format tabular reads and writes.
type Format int

// The formats. The zero value is no format, so a forgotten field is caught.
const (
	CSV Format = iota + 1
	XLSX
	JSONL
)

// String names the format as people write it.
func (f Format) String() string {
	switch f {
	case CSV:
		return "CSV"
	case XLSX:
		return "XLSX"
	case JSONL:
		return "JSONL"
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

// FormatOf picks the format from a file name's extension, so commands can
// take any of the formats without a flag.
func FormatOf(name string) (Format, error) {
	ext := strings.ToLower(filepath.Ext(name))
	switch ext {
	case ".csv", ".txt":
		return CSV, nil
	case ".xlsx":
		return XLSX, nil
	case ".jsonl", ".ndjson":
		return JSONL, nil
	}
	if ext == "" {
		return 0, fmt.Errorf("%w: %q has no extension (want .csv, .txt, .xlsx, .jsonl or .ndjson)", ErrUnknownFormat, name)
	}
	return 0, fmt.Errorf("%w: extension %q of %q (want .csv, .txt, .xlsx, .jsonl or .ndjson)", ErrUnknownFormat, ext, name)
}

// Encoding is the character encoding of a CSV file. Offices in China still
// save CSV from Excel as GB18030 (GBK); systems write UTF-8.
type Encoding int

// The encodings. Auto looks at the first MiB.
const (
	Auto Encoding = iota
	UTF8
	GB18030
)

// String names the encoding.
func (e Encoding) String() string {
	switch e {
	case Auto:
		return "auto"
	case UTF8:
		return "UTF-8"
	case GB18030:
		return "GB18030"
	}
	return "Encoding(" + strconv.Itoa(int(e)) + ")"
}

// Options tune a reader; the zero value suits most files.
type Options struct {
	// Encoding of a CSV file. Auto: UTF-8 (with or without BOM) unless the
	// first 1 MiB is not valid UTF-8, then GB18030. When Auto chose UTF-8 and
	// an invalid byte sequence appears later, Next returns an error naming
	// the line and suggesting GB18030.
	Encoding Encoding
	// Sheet of an XLSX file to read; "" reads the first sheet.
	Sheet string
	// Comma separates CSV fields; 0 means ','.
	Comma rune
	// ReuseCells lets a CSV reader hand out the same Cells slice on every
	// call to Next (the strings in it stay valid), which saves an allocation
	// per row: about half the garbage, and 1.5x the rows/s in
	// BenchmarkReadCSV. Set it only when each row is consumed before the
	// next call to Next (copy Cells to keep a row). Other formats ignore it.
	ReuseCells bool
}

// Row is one record. The caller owns it: Cells is a fresh slice per row and
// may be kept after the next call to Next (unless Options.ReuseCells).
type Row struct {
	Sheet string   // XLSX sheet name, "" otherwise
	Line  int      // 1-based: CSV physical line where the record starts; XLSX row number; JSONL line number
	Cells []string // aligned with Header(); missing trailing cells are ""; verbatim (callers trim)
}

// Reader reads a table row by row.
type Reader interface {
	// Header is the first row (CSV, XLSX) with any BOM stripped; for JSON
	// Lines the keys of the first object in order of appearance.
	Header() []string
	// Next returns the next row, or io.EOF at the end. Empty lines are
	// skipped; a row with more cells than the header is an *Error naming
	// the line. After an *Error, Next goes on with the following row, so an
	// import can report every bad line at once.
	Next() (Row, error)
	// Close releases the file and any temporary file.
	Close() error
}

// Writer writes a table row by row.
type Writer interface {
	// Write writes one row; the first call writes the header. A row with
	// more cells than the header is an error; fewer cells are padded with "".
	Write(cells []string) error
	// Close flushes the rows (for XLSX it finishes the zip) and, for
	// writers made by Create, closes the file.
	Close() error
}

// Error says where in a file something went wrong. Callers show it to the
// person who supplied the file, and can test Err with errors.Is against the
// Err… values of this package.
type Error struct {
	Sheet  string
	Line   int
	Column string
	Err    error
}

func (e *Error) Error() string {
	var parts []string
	if e.Sheet != "" {
		parts = append(parts, "sheet "+e.Sheet)
	}
	if e.Line > 0 {
		parts = append(parts, "line "+strconv.Itoa(e.Line))
	}
	if e.Column != "" {
		parts = append(parts, "column "+e.Column)
	}
	if len(parts) == 0 {
		return e.Err.Error()
	}
	return strings.Join(parts, ", ") + ": " + e.Err.Error()
}

// Unwrap lets errors.Is and errors.As see the cause.
func (e *Error) Unwrap() error { return e.Err }

// The causes a caller may want to tell apart (for example to pick a
// translated message).
var (
	ErrUnknownFormat = errors.New("unknown table format")
	ErrTooManyCells  = errors.New("more cells than the header has columns")
	ErrEncoding      = errors.New("invalid UTF-8")
	ErrNoHeader      = errors.New("no header row")
	ErrNotObject     = errors.New("not a JSON object")
	ErrUnknownKey    = errors.New("key not in the header (the first object)")
	ErrValueType     = errors.New("value is neither a string nor a number")
	ErrDuplicateKey  = errors.New("key appears twice")
	ErrNoSheet       = errors.New("no such sheet")
	ErrTooManyRows   = errors.New("more rows than an XLSX sheet holds (1,048,576)")
	ErrCellTooLong   = errors.New("cell longer than an XLSX cell holds (32,767 characters)")
	ErrClosed        = errors.New("writer is closed")
)

// Open opens the file at path in the format its extension names.
func Open(path string, o Options) (Reader, error) {
	f, err := FormatOf(path)
	if err != nil {
		return nil, err
	}
	if f == XLSX {
		return openXLSX(path, o)
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r, err := NewReader(file, f, o)
	if err != nil {
		file.Close()
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return &fileReader{Reader: r, file: file}, nil
}

// NewReader reads a table in format f from r. XLSX is a zip archive, which
// needs random access: NewReader copies r to a temporary file in
// os.TempDir() first (removed again before NewReader returns), so prefer
// Open for XLSX files on disk.
// Closing the Reader does not close r.
func NewReader(r io.Reader, f Format, o Options) (Reader, error) {
	switch f {
	case CSV:
		return newCSVReader(r, o)
	case XLSX:
		return spoolXLSX(r, o)
	case JSONL:
		return newJSONLReader(r)
	}
	return nil, fmt.Errorf("%w: %v", ErrUnknownFormat, f)
}

// Create creates (or truncates) the file at path and writes a table in
// format f to it. CSV is UTF-8 with a BOM and CRLF line ends, so Excel in a
// Chinese office opens it correctly; sheet names the XLSX sheet ("" is
// "Sheet1") and is ignored otherwise.
func Create(path string, f Format, sheet string) (Writer, error) {
	if f != CSV && f != XLSX && f != JSONL {
		return nil, fmt.Errorf("%w: %v", ErrUnknownFormat, f)
	}
	file, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	w, err := NewWriter(file, f, sheet)
	if err != nil {
		file.Close()
		return nil, err
	}
	return &fileWriter{Writer: w, file: file}, nil
}

// NewWriter writes a table in format f to w. Closing the Writer flushes but
// does not close w.
func NewWriter(w io.Writer, f Format, sheet string) (Writer, error) {
	switch f {
	case CSV:
		return newCSVWriter(w), nil
	case XLSX:
		return newXLSXWriter(w, sheet)
	case JSONL:
		return newJSONLWriter(w), nil
	}
	return nil, fmt.Errorf("%w: %v", ErrUnknownFormat, f)
}

// fileReader closes the file under a reader made by Open.
type fileReader struct {
	Reader
	file *os.File
}

func (r *fileReader) Close() error {
	err := r.Reader.Close()
	if cerr := r.file.Close(); err == nil {
		err = cerr
	}
	return err
}

// fileWriter closes the file under a writer made by Create.
type fileWriter struct {
	Writer
	file *os.File
}

func (w *fileWriter) Close() error {
	err := w.Writer.Close()
	if serr := w.file.Sync(); err == nil {
		err = serr
	}
	if cerr := w.file.Close(); err == nil {
		err = cerr
	}
	return err
}

// align returns a fresh row of len(header) cells from cells, or an *Error
// when there are more cells than columns.
func align(header, cells []string, sheet string, line int) ([]string, error) {
	if len(cells) > len(header) {
		return nil, &Error{Sheet: sheet, Line: line, Err: fmt.Errorf("%w: %d cells, %d columns", ErrTooManyCells, len(cells), len(header))}
	}
	row := make([]string, len(header))
	copy(row, cells)
	return row, nil
}
