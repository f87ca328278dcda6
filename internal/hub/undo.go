package hub

import (
	"context"
	"fmt"
	"strings"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
)

// A file into a table that holds records (marriages and births into the
// population, a delta export) is loaded in one pass: each batch is written
// as it is read. Without --partial a file with any rejected row must change
// nothing, so each batch first keeps, in the import's undo table, the
// previous values and provenance of every record it changes and the keys
// of the records it adds, committed with the batch. At the first rejected
// row the import stops writing, reads on to list every bad row, and puts
// the kept records back in one transaction; a file that passes drops its
// undo table. A killed import resumes with its undo table as committed.
//
// This replaced a check pass that read the whole file and looked up every
// key before the load looked them up all again: keeping a batch's previous
// values costs one appended row per changed record, a lookup costs a walk
// down the key's B-tree (the marriages and births of the whole city were
// 8.6 and 6.3 thousand rows/s with it).

func undoTable(importID int64) string { return "hub_undo_" + itoa(importID) }

// undoing says the run keeps undo rows: a load into a table that holds
// records, without --partial.
func (r *run) undoing() bool { return !r.fresh && !r.imp.Partial }

// createUndo creates the import's undo table (kept by a resumed import):
// the line that first changed the record, whether the record was absent,
// then the format's columns and the provenance column as they were.
func (r *run) createUndo(ctx context.Context) error {
	cols := []string{"line BIGINT NOT NULL", "absent BOOLEAN NOT NULL"}
	for _, c := range r.cols {
		cols = append(cols, c+" TEXT")
	}
	cols = append(cols, r.f.prov+" BIGINT")
	q := "CREATE TABLE IF NOT EXISTS " + undoTable(r.imp.ID) + " (" + strings.Join(cols, ", ") + ")"
	if _, err := r.s.DB.Exec(ctx, q); err != nil {
		return fmt.Errorf("create the undo table: %w", err)
	}
	return nil
}

// undoRows are a batch's undo rows: the records it adds, then those it
// changes, as they were.
type undoRows struct {
	adds, changes []*stored
}

func (u undoRows) Len() int { return len(u.adds) + len(u.changes) }
func (u undoRows) Row(i int, dst []any) {
	if i < len(u.adds) {
		st := u.adds[i]
		dst[0], dst[1], dst[2] = st.line, true, st.vals[0]
		for j := 3; j < len(dst); j++ {
			dst[j] = nil
		}
		return
	}
	st := u.changes[i-len(u.adds)]
	dst[0], dst[1] = st.line, false
	for j, v := range st.old {
		dst[2+j] = v
	}
	if st.prov.Valid {
		dst[len(dst)-1] = st.prov.Int64
	} else {
		dst[len(dst)-1] = nil
	}
}

// keepUndo writes the batch's undo rows in its transaction.
func (r *run) keepUndo(ctx context.Context, b *db.BulkTx, o *outcome) error {
	u := undoRows{adds: o.inserts, changes: o.updates}
	if u.Len() == 0 {
		return nil
	}
	cols := append(append([]string{"line", "absent"}, r.cols...), r.f.prov)
	return b.Insert(ctx, undoTable(r.imp.ID), cols, u)
}

// undo puts back the records the import changed and removes those it
// added, as its undo table kept them (the first change of each record),
// and drops the table, in one transaction.
func (r *run) undo(ctx context.Context) error {
	t, key, ut := r.f.table.name, r.f.table.key, undoTable(r.imp.ID)
	first := "(SELECT * FROM (SELECT u.*, row_number() OVER (PARTITION BY " + key + " ORDER BY line) AS undo_rank FROM " +
		ut + " u) ranked WHERE undo_rank = 1)"
	set := make([]string, 0, len(r.cols))
	for _, c := range append(r.cols[1:], r.f.prov) {
		set = append(set, c+" = f."+c)
	}
	err := r.s.DB.WithTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM "+t+" WHERE "+key+" IN (SELECT "+key+" FROM "+first+" f WHERE f.absent)"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE "+t+" SET "+strings.Join(set, ", ")+" FROM "+first+" f WHERE NOT f.absent AND "+
			t+"."+key+" = f."+key); err != nil {
			return err
		}
		if err := r.reopenSettled(ctx, tx); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "DROP TABLE "+ut)
		return err
	})
	if err != nil {
		return fmt.Errorf("put back the records of a rejected file: %w", err)
	}
	return nil
}

// dropUndo drops the undo table of an import that passed.
func (r *run) dropUndo(ctx context.Context) error {
	if _, err := r.s.DB.Exec(ctx, "DROP TABLE IF EXISTS "+undoTable(r.imp.ID)); err != nil {
		return fmt.Errorf("drop the undo table: %w", err)
	}
	return nil
}

// reopenSettled reopens the conflicts the taken-back import had closed as
// corrected (settleConflicts): the value that closed them is gone again.
// One that was referred before goes back to referred, with its referral.
func (r *run) reopenSettled(ctx context.Context, tx *db.Tx) error {
	res, err := tx.Exec(ctx, `UPDATE hub_conflicts SET
		resolution = CASE WHEN referred_at IS NULL THEN '' ELSE '`+ResolutionReferred+`' END,
		resolved_at = referred_at, resolved_by = referred_by, resolved_by_name = referred_by_name, resolved_import = NULL,
		referred_at = NULL, referred_by = '', referred_by_name = ''
		WHERE resolved_import = ? AND resolution = ?`, r.imp.ID, ResolutionCorrected)
	if err != nil {
		return fmt.Errorf("reopen conflicts: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 || r.s.Audit == nil {
		return err
	}
	_, err = r.s.Audit.Record(ctx, tx, audit.Event{Action: "hub.conflict.reopened", ObjectType: "hub_import",
		ObjectID: itoa(r.imp.ID), Detail: map[string]any{"conflicts": n, "reason": "import taken back"}})
	return err
}
