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
// reaches the hub (一数一源). That holds for an open conflict and for one
// the administrator referred to the authority (ResolutionReferred): the
// correction is what the referral asked for. A referred conflict keeps
// its note, and its referral moves to referred_at/referred_by (migration
// 0013), so taking the correcting import back restores it to referred
// (reopenSettled, undo.go).

// pendingConflicts is the condition of the conflicts an import may
// settle: open or referred. It is the predicate of the partial index
// hub_conflicts_pending, written the same way so both engines use it.
const pendingConflicts = "(resolved_at IS NULL OR resolution = '" + ResolutionReferred + "')"

// settleChunk bounds the keys of one lookup of open conflicts.
const settleChunk = 500

// openMatch is a pending conflict the batch's new values settle.
type openMatch struct {
	id       int64
	element  string
	referred bool // resolved as referred, not open
}

// settleConflicts closes, as corrected, the open and referred conflicts
// on the batch's changed records whose offered value this import's
// source, the element's authority, now gives. It runs in the batch's
// transaction (commit calls it) and writes one audit entry per conflict
// closed. It costs one probe of the partial index hub_conflicts_pending
// per batch when no conflict is pending, and nothing for a first load
// (no record changes).
func (r *run) settleConflicts(ctx context.Context, tx *db.Tx, ups []*stored) error {
	if len(ups) == 0 {
		return nil
	}
	var first int64
	err := tx.QueryRow(ctx, "SELECT id FROM hub_conflicts WHERE "+pendingConflicts+" LIMIT 1").Scan(&first)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return fmt.Errorf("look for pending conflicts: %w", err)
	}
	matches, err := r.openMatches(ctx, tx, ups)
	if err != nil {
		return err
	}
	now := r.s.now()
	by := "import:" + strconv.FormatInt(r.imp.ID, 10)
	for _, m := range matches {
		// A referral moves to referred_* (an open conflict's are empty):
		// the right-hand sides read the row as it was, on both engines.
		if _, err := tx.Exec(ctx, `UPDATE hub_conflicts SET
			referred_at = resolved_at, referred_by = resolved_by, referred_by_name = resolved_by_name,
			resolved_at = ?, resolution = ?, resolved_by = ?, resolved_by_name = ?, resolved_import = ?
			WHERE id = ? AND `+pendingConflicts,
			now, ResolutionCorrected, by, r.req.Source, r.imp.ID, m.id); err != nil {
			return fmt.Errorf("settle conflict %d: %w", m.id, err)
		}
		if r.s.Audit == nil {
			continue
		}
		detail := map[string]any{"element": m.element, "source": r.req.Source, "import": r.imp.ID}
		if m.referred {
			detail["was"] = ResolutionReferred
		}
		ev := audit.Event{Action: "hub.conflict.corrected", ObjectType: "hub_conflict", ObjectID: strconv.FormatInt(m.id, 10),
			Detail: detail}
		if _, err := r.s.Audit.Record(ctx, tx, ev); err != nil {
			return err
		}
	}
	return nil
}

// openMatches reads the pending (open or referred) conflicts on the
// changed records and keeps those whose offered value the record now
// holds in an element this source is the authority of.
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
		rows, err := tx.Query(ctx, `SELECT id, subject_id, element, offered_value, resolution FROM hub_conflicts
			WHERE subject_kind = ? AND `+pendingConflicts+` AND subject_id IN (`+
			strings.TrimSuffix(strings.Repeat("?,", n), ",")+")", args...)
		if err != nil {
			return nil, fmt.Errorf("read pending conflicts: %w", err)
		}
		for rows.Next() {
			var m openMatch
			var subject, offered, resolution string
			if err := rows.Scan(&m.id, &subject, &m.element, &offered, &resolution); err != nil {
				rows.Close()
				return nil, err
			}
			m.referred = resolution == ResolutionReferred
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
