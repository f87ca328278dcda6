package hub

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
)

// A conflict closes by itself when the element's authoritative source
// imports or pushes the value another source offered: the authority has
// corrected its own record, which is the only way the offered value ever
// reaches the hub (一数一源).

// settleChunk bounds the keys of one lookup of open conflicts.
const settleChunk = 500

// openMatch is an open conflict the batch's new values settle.
type openMatch struct {
	id      int64
	element string
}

// settleConflicts closes, as corrected, the open conflicts on the
// batch's changed records whose offered value this import's source, the
// element's authority, now gives. It runs in the batch's transaction
// (commit calls it) and writes one audit entry per conflict closed. It
// costs one indexed probe per batch when no conflict is open, and
// nothing for a first load (no record changes).
func (r *run) settleConflicts(ctx context.Context, tx *db.Tx, ups []*stored) error {
	if len(ups) == 0 {
		return nil
	}
	var first int64
	err := tx.QueryRow(ctx, "SELECT id FROM hub_conflicts WHERE resolved_at IS NULL LIMIT 1").Scan(&first)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return fmt.Errorf("look for open conflicts: %w", err)
	}
	matches, err := r.openMatches(ctx, tx, ups)
	if err != nil {
		return err
	}
	now := r.s.now()
	by := "import:" + strconv.FormatInt(r.imp.ID, 10)
	for _, m := range matches {
		if _, err := tx.Exec(ctx, `UPDATE hub_conflicts SET resolved_at = ?, resolution = ?, resolved_by = ?,
			resolved_by_name = ?, resolved_import = ? WHERE id = ? AND resolved_at IS NULL`,
			now, ResolutionCorrected, by, r.req.Source, r.imp.ID, m.id); err != nil {
			return fmt.Errorf("settle conflict %d: %w", m.id, err)
		}
		if r.s.Audit == nil {
			continue
		}
		ev := audit.Event{Action: "hub.conflict.corrected", ObjectType: "hub_conflict", ObjectID: strconv.FormatInt(m.id, 10),
			Detail: map[string]any{"element": m.element, "source": r.req.Source, "import": r.imp.ID}}
		if _, err := r.s.Audit.Record(ctx, tx, ev); err != nil {
			return err
		}
	}
	return nil
}

// openMatches reads the open conflicts on the changed records and keeps
// those whose offered value the record now holds in an element this
// source is the authority of.
func (r *run) openMatches(ctx context.Context, tx *db.Tx, ups []*stored) ([]openMatch, error) {
	byKey := make(map[string]*stored, len(ups))
	keys := make([]any, 0, len(ups))
	for _, st := range ups {
		if byKey[st.vals[0]] == nil {
			byKey[st.vals[0]] = st
			keys = append(keys, st.vals[0])
		}
	}
	col := make(map[string]int, len(r.cols))
	for i, c := range r.cols {
		if i > 0 && r.auth[i] {
			col[r.f.table.subject+"."+c] = i
		}
	}
	var out []openMatch
	for len(keys) > 0 {
		n := min(len(keys), settleChunk)
		args := append([]any{r.f.table.subject}, keys[:n]...)
		rows, err := tx.Query(ctx, `SELECT id, subject_id, element, offered_value FROM hub_conflicts
			WHERE subject_kind = ? AND resolved_at IS NULL AND subject_id IN (`+
			strings.TrimSuffix(strings.Repeat("?,", n), ",")+")", args...)
		if err != nil {
			return nil, fmt.Errorf("read open conflicts: %w", err)
		}
		for rows.Next() {
			var m openMatch
			var subject, offered string
			if err := rows.Scan(&m.id, &subject, &m.element, &offered); err != nil {
				rows.Close()
				return nil, err
			}
			if i, ok := col[m.element]; ok && byKey[subject].vals[i] == offered {
				out = append(out, m)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		keys = keys[n:]
	}
	return out, nil
}
