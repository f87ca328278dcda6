package hub

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
)

// A first load into an empty table drops its key and indexes, appends the
// rows without lookups, and builds them again at the end: one sort instead
// of a random-order B-tree insert per row. The import row's fresh flag says
// the keys are down; a killed first load resumes in the same mode, and no
// other import of that table may start until it has finished.

func (s *Service) tableEmpty(ctx context.Context, t *table) (bool, error) {
	var n int
	err := s.DB.QueryRow(ctx, "SELECT count(*) FROM (SELECT 1 FROM "+t.name+" LIMIT 1) one").Scan(&n)
	if err != nil {
		return false, fmt.Errorf("read %s: %w", t.name, err)
	}
	return n == 0, nil
}

// dropKeys takes the key and indexes of an empty table down and marks the
// import fresh; false when the key must stay (another table refers to it).
func (s *Service) dropKeys(ctx context.Context, t *table, imp importRow) (bool, error) {
	dropped, err := s.DB.DropPrimaryKey(ctx, t.name, t.pk)
	if err != nil || !dropped {
		return false, err
	}
	for _, ix := range t.indexNames {
		if _, err := s.DB.Exec(ctx, "DROP INDEX IF EXISTS "+ix); err != nil {
			return false, fmt.Errorf("drop index %s: %w", ix, err)
		}
	}
	_, err = s.DB.Exec(ctx, "UPDATE hub_imports SET fresh = ? WHERE id = ?", true, imp.ID)
	return true, err
}

// rebuildKeys builds the key and indexes after a first load of one or
// more files (imps, in load order). Rows that repeat a key are reduced to
// the one read last (the import's upsert semantics); each repeating row
// counts as an update of the import that read it instead of an insert.
func (s *Service) rebuildKeys(ctx context.Context, t *table, prov string, imps []*importRow) error {
	err := s.DB.AddPrimaryKey(ctx, t.name, t.pk, t.key)
	if errors.Is(err, db.ErrDuplicateKey) {
		var repeats map[int64]int64
		if repeats, err = s.DB.DeleteDuplicates(ctx, t.name, t.key, prov); err != nil {
			return err
		}
		for _, imp := range imps {
			imp.Inserted -= repeats[imp.ID]
			imp.Updated += repeats[imp.ID]
		}
		err = s.DB.AddPrimaryKey(ctx, t.name, t.pk, t.key)
	}
	if err != nil {
		return err
	}
	if err := s.buildIndexes(ctx, t); err != nil {
		return err
	}
	for _, imp := range imps {
		imp.Fresh = false
		if _, err := s.DB.Exec(ctx, "UPDATE hub_imports SET fresh = ?, rows_inserted = ?, rows_updated = ? WHERE id = ?",
			false, imp.Inserted, imp.Updated, imp.ID); err != nil {
			return err
		}
	}
	return nil
}

// An update load of many rows into a column a secondary index covers
// (births set the father and mother of most persons) would insert into the
// index at a random place per row; it drops the index instead and builds
// it after the load. Every load ends by building any index that is
// missing, so a killed load's index comes back with the next import.

// bigLoadRows is the estimated row count from which a load may drop an
// index; bytesPerRow estimates a file's rows from its size (on the low side).
var bigLoadRows int64 = 50000

const bytesPerRow = 128

// dropFedIndexes drops the indexes over cols when the file (size bytes)
// holds at least 1/16 as many rows as the table.
func (s *Service) dropFedIndexes(ctx context.Context, t *table, cols []string, size int64) error {
	est := size / bytesPerRow
	if est < bigLoadRows {
		return nil
	}
	var drop []string
	for i, c := range t.indexCols {
		if slices.Contains(cols, c) {
			drop = append(drop, t.indexNames[i])
		}
	}
	if len(drop) == 0 {
		return nil
	}
	var n int64
	if err := s.DB.QueryRow(ctx, "SELECT count(*) FROM "+t.name).Scan(&n); err != nil {
		return fmt.Errorf("count %s: %w", t.name, err)
	}
	if est < n/16 {
		return nil
	}
	for _, ix := range drop {
		if _, err := s.DB.Exec(ctx, "DROP INDEX IF EXISTS "+ix); err != nil {
			return fmt.Errorf("drop index %s: %w", ix, err)
		}
	}
	return nil
}

// buildIndexes builds the table's secondary indexes that are missing.
func (s *Service) buildIndexes(ctx context.Context, t *table) error {
	for _, ix := range t.indexes {
		if err := s.DB.BuildIndex(ctx, ix); err != nil {
			return err
		}
	}
	return nil
}

// checkNoUnfinishedFirstLoad refuses an import into a table whose first
// load (another file) was interrupted: that one must be re-run first, or
// with it, in the same run of files (allowed names the run's files).
func (s *Service) checkNoUnfinishedFirstLoad(ctx context.Context, f *format, id int64, allowed map[string]bool) error {
	var names []any
	for _, g := range formats {
		if g.table == f.table {
			names = append(names, g.name)
		}
	}
	rows, err := s.DB.Query(ctx, `SELECT file_name FROM hub_imports
		WHERE fresh = ? AND status <> 'done' AND id <> ? AND format IN (?, ?, ?) ORDER BY file_name`,
		append([]any{true, id}, append(names, "", "", "")[:3]...)...)
	if err != nil {
		return fmt.Errorf("read imports: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var other string
		if err := rows.Scan(&other); err != nil {
			return err
		}
		if !allowed[other] {
			return &errs.Error{Code: errs.Conflict, Field: "file", Key: "hub.error.first_load_unfinished",
				Args: map[string]any{"file": other}}
		}
	}
	return rows.Err()
}

// finish closes an import with its totals and its one audit entry.
func (s *Service) finish(ctx context.Context, imp *importRow, status, msg string) error {
	now := s.now()
	imp.Status, imp.Error = status, msg
	ev := audit.Event{Action: "hub.import", ObjectType: "hub_import", ObjectID: itoa(imp.ID),
		Detail: map[string]any{"source": imp.Source, "kind": imp.Kind, "format": imp.Format, "file": imp.FileName,
			"sha256": imp.SHA256, "status": status, "read": imp.Read, "inserted": imp.Inserted, "updated": imp.Updated,
			"unchanged": imp.Unchanged, "rejected": imp.Rejected}}
	if status != "done" {
		ev.Outcome = audit.Failed
	}
	return s.DB.WithTx(ctx, func(tx *db.Tx) error {
		// A file refused for its rows is checked again from the start when
		// it is imported again (with --partial, say): checked goes false.
		res, err := tx.Exec(ctx, `UPDATE hub_imports SET status = ?, error = ?, finished_at = ?, updated_at = ?,
			rows_read = ?, rows_inserted = ?, rows_updated = ?, rows_unchanged = ?, rows_rejected = ?, checked = ?
			WHERE id = ? AND claim = ?`, status, msg, now, now, imp.Read, imp.Inserted, imp.Updated, imp.Unchanged,
			imp.Rejected, status == "done", imp.ID, imp.claim)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return ErrLostClaim
		}
		if s.Audit == nil {
			return nil
		}
		_, err = s.Audit.Record(ctx, tx, ev)
		return err
	})
}
