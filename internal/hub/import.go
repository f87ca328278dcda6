package hub

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/tabular"
)

// DefaultBatch is how many rows an import commits at once: large enough
// that a commit's cost vanishes, small enough that a kill loses seconds.
const DefaultBatch = 20000

// ImportRequest is one department export to import.
type ImportRequest struct {
	// Source is the department kind that exported the file (the city-level
	// bureau of that function), e.g. public_security.
	Source string
	// Kind is population, entity or licence.
	Kind string
	Path string
	// Options: encoding of a CSV file, sheet of an XLSX file.
	Options tabular.Options
	// RejectsPath, when set, receives the rejected rows as CSV: line, field,
	// reason and the original cells.
	RejectsPath string
	// Partial imports the good rows of a file that has bad ones. Without
	// it the whole file is checked first and, when any row is rejected,
	// nothing is imported (Status "failed").
	Partial bool
	// BatchSize is the number of rows per committed batch (0: DefaultBatch).
	BatchSize int
	// Progress, when set, is called after each batch with the rows read
	// so far.
	Progress func(done int64)
}

// ImportReport is the outcome of Import.
type ImportReport struct {
	ImportID        int64
	Source, Kind    string
	Format          string // registry, marriages, births, entities, licences
	File            string
	Size            int64
	SHA256          string
	Status          string // done or failed
	AlreadyImported bool   // the same file from the same source was imported before: nothing changed
	Resumed         bool   // a killed or failed import of this file went on after its last committed line
	Read            int64
	Inserted        int64
	Updated         int64
	Unchanged       int64
	Rejected        int64
	Conflicts       int64
	Elapsed         time.Duration
}

// Import loads one department export into the hub. It streams the file in
// constant memory and commits a batch at a time together with the import's
// progress, so a killed import re-run with the same file resumes after the
// last committed line and never writes a row twice. The same file (same
// SHA-256, source and kind) imported again changes nothing. One audit
// entry records each finished import.
//
// A file that cannot be read, or whose header has an unknown or missing
// column, fails at once and imports nothing. Rejected rows (bad check
// characters, impossible dates, divisions outside the city, values offered
// by a source that is not the element's authority, unknown persons,
// licence holders in neither the population nor the entity database…) are
// kept with their line and reason, and written to RejectsPath.
func (s *Service) Import(ctx context.Context, req ImportRequest) (ImportReport, error) {
	rep, _, err := s.importFile(ctx, req, nil)
	return rep, err
}

// importFile is Import within a run of files (g, or nil); it returns the
// run of the load, nil when the file was imported before.
func (s *Service) importFile(ctx context.Context, req ImportRequest, g *group) (ImportReport, *run, error) {
	start := time.Now()
	f, colmap, err := s.checkRequest(ctx, &req)
	if err != nil {
		return ImportReport{}, nil, err
	}
	sum, size, err := fileDigest(req.Path)
	if err != nil {
		return ImportReport{}, nil, fmt.Errorf("import %s: %w", filepath.Base(req.Path), err)
	}
	imp, err := s.startImport(ctx, req, f, sum, size)
	if err != nil {
		return ImportReport{}, nil, err
	}
	rep := ImportReport{ImportID: imp.ID, Source: req.Source, Kind: req.Kind, Format: f.name,
		File: filepath.Base(req.Path), Size: size, SHA256: sum}
	if imp.Status == "done" {
		rep.AlreadyImported = true
		imp.fill(&rep)
		return rep, nil, nil
	}
	rep.Resumed = imp.Checked && imp.LastLine > 0
	r, err := s.newRun(ctx, req, f, colmap, imp)
	if err == nil {
		r.g = g
		err = r.run(ctx)
	}
	if err != nil {
		s.markFailed(imp, err)
		return rep, nil, fmt.Errorf("import %s: %w", filepath.Base(req.Path), err)
	}
	if req.RejectsPath != "" {
		if err := s.writeRejects(ctx, imp.ID, f, colmap, req.RejectsPath); err != nil {
			return rep, nil, fmt.Errorf("import %s: %w", filepath.Base(req.Path), err)
		}
	}
	r.imp.fill(&rep)
	rep.Conflicts = r.conflicts
	rep.Elapsed = time.Since(start)
	return rep, r, nil
}

// checkRequest checks the source and kind, opens the file once to read its
// header, and maps its columns to the format's fields.
func (s *Service) checkRequest(ctx context.Context, req *ImportRequest) (*format, []int, error) {
	switch req.Kind {
	case KindPopulation, KindEntity, KindLicence:
	default:
		return nil, nil, errs.Field("kind", "hub.error.kind", map[string]any{"value": req.Kind})
	}
	var n int
	err := s.DB.QueryRow(ctx, `SELECT count(*) FROM hub_sources WHERE department_kind = ?`, req.Source).Scan(&n)
	if err != nil {
		return nil, nil, fmt.Errorf("read sources: %w", err)
	}
	if n == 0 {
		return nil, nil, errs.Field("source", "hub.error.source", map[string]any{"value": req.Source})
	}
	rd, err := tabular.Open(req.Path, req.Options)
	if err != nil {
		return nil, nil, &errs.Error{Code: errs.Invalid, Field: "file", Key: "hub.error.unreadable",
			Args: map[string]any{"file": filepath.Base(req.Path), "reason": err.Error()}, Err: err}
	}
	defer rd.Close()
	f := pickFormat(req.Kind, rd.Header())
	colmap, err := mapHeader(f, rd.Header())
	return f, colmap, err
}

// mapHeader returns, for each file column, the format field it holds; an
// unknown or repeated column, or a missing required one, is an error.
func mapHeader(f *format, header []string) ([]int, error) {
	colmap := make([]int, len(header))
	seen := make([]bool, len(f.fields))
	for i, h := range header {
		j := f.matchField(h)
		if j < 0 || seen[j] {
			return nil, errs.Field("header", "hub.error.unknown_column",
				map[string]any{"column": strings.TrimSpace(h), "format": f.name, "position": i + 1})
		}
		seen[j], colmap[i] = true, j
	}
	for j, fd := range f.fields {
		if !seen[j] && !fd.optional {
			return nil, errs.Field("header", "hub.error.missing_column",
				map[string]any{"column": fd.zh + "[" + fd.en + "]", "format": f.name})
		}
	}
	return colmap, nil
}

func fileDigest(path string) (string, int64, error) {
	file, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer file.Close()
	h := sha256.New()
	n, err := io.Copy(h, file)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// importRow is a row of hub_imports.
type importRow struct {
	ID                                             int64
	Source, Kind, Format, FileName, SHA256, Status string
	Size                                           int64
	Partial, Checked, Fresh                        bool
	Read, Inserted, Updated, Unchanged, Rejected   int64
	LastLine                                       int64
	StartedAt, UpdatedAt                           time.Time
	FinishedAt                                     sql.NullTime
	Error                                          string
	claim                                          string
}

func (imp *importRow) fill(r *ImportReport) {
	r.Status, r.Read, r.Inserted, r.Updated = imp.Status, imp.Read, imp.Inserted, imp.Updated
	r.Unchanged, r.Rejected = imp.Unchanged, imp.Rejected
}

const importCols = `id, source, kind, format, file_name, file_size, sha256, status, partial, checked, fresh,
	rows_read, rows_inserted, rows_updated, rows_unchanged, rows_rejected, last_line,
	started_at, updated_at, finished_at, error`

func scanImport(row interface{ Scan(...any) error }) (importRow, error) {
	var i importRow
	err := row.Scan(&i.ID, &i.Source, &i.Kind, &i.Format, &i.FileName, &i.Size, &i.SHA256, &i.Status,
		&i.Partial, &i.Checked, &i.Fresh, &i.Read, &i.Inserted, &i.Updated, &i.Unchanged, &i.Rejected,
		&i.LastLine, &i.StartedAt, &i.UpdatedAt, &i.FinishedAt, &i.Error)
	return i, err
}

// startImport finds the import of this file (same source, kind and
// SHA-256) or creates it, and claims it: a second process running the same
// import at the same time loses its claim at its next commit and stops.
func (s *Service) startImport(ctx context.Context, req ImportRequest, f *format, sum string, size int64) (importRow, error) {
	var b [12]byte
	_, _ = rand.Read(b[:])
	claim := hex.EncodeToString(b[:])
	now := s.now()
	var imp importRow
	err := s.DB.WithTx(ctx, func(tx *db.Tx) error {
		var err error
		imp, err = scanImport(tx.QueryRow(ctx, "SELECT "+importCols+" FROM hub_imports WHERE source = ? AND kind = ? AND sha256 = ?",
			req.Source, req.Kind, sum))
		if errors.Is(err, sql.ErrNoRows) {
			err = tx.QueryRow(ctx, `INSERT INTO hub_imports (source, kind, format, file_name, file_size, sha256, status,
				partial, claim, started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?) RETURNING id`,
				req.Source, req.Kind, f.name, filepath.Base(req.Path), size, sum, req.Partial, claim, now, now).Scan(&imp.ID)
			imp = importRow{ID: imp.ID, Source: req.Source, Kind: req.Kind, Format: f.name, FileName: filepath.Base(req.Path),
				Size: size, SHA256: sum, Status: "running", Partial: req.Partial, StartedAt: now, UpdatedAt: now}
			return err
		}
		if err != nil || imp.Status == "done" {
			return err
		}
		// A failed check, or a first run without --partial after one with
		// it, starts over; a load that had begun goes on.
		if !imp.Checked {
			if _, err := tx.Exec(ctx, "DELETE FROM hub_rejects WHERE import_id = ?", imp.ID); err != nil {
				return err
			}
			imp.Read, imp.Rejected, imp.LastLine, imp.Inserted, imp.Updated, imp.Unchanged = 0, 0, 0, 0, 0, 0
		}
		imp.Status, imp.Error = "running", ""
		imp.Partial = req.Partial || imp.Partial && imp.Checked
		_, err = tx.Exec(ctx, `UPDATE hub_imports SET status = 'running', error = '', partial = ?, claim = ?, updated_at = ?,
			rows_read = ?, rows_rejected = ?, last_line = ?, rows_inserted = ?, rows_updated = ?, rows_unchanged = ?,
			file_name = ? WHERE id = ?`, imp.Partial, claim, now, imp.Read, imp.Rejected, imp.LastLine,
			imp.Inserted, imp.Updated, imp.Unchanged, filepath.Base(req.Path), imp.ID)
		return err
	})
	if err != nil {
		return importRow{}, fmt.Errorf("start import of %s: %w", filepath.Base(req.Path), err)
	}
	imp.claim = claim
	return imp, nil
}

// markFailed records why an import stopped; a re-run resumes it.
func (s *Service) markFailed(imp importRow, cause error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	msg := cause.Error()
	if len(msg) > 500 {
		msg = msg[:500]
	}
	_, _ = s.DB.Exec(ctx, "UPDATE hub_imports SET status = 'failed', error = ?, updated_at = ? WHERE id = ? AND claim = ?",
		msg, s.now(), imp.ID, imp.claim)
}

// ErrLostClaim stops an import that another process has taken over.
var ErrLostClaim = errors.New("another process took over this import")
