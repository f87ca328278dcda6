package audit

import (
	"context"
	"fmt"

	"github.com/govhall/govhall/internal/db"
)

// Default and largest page of Latest.
const (
	LatestPage    = 50
	MaxLatestPage = 500
)

// Latest returns up to limit entries before seq before (0 or less: from the
// newest), newest first: the audit administrator's page reads the trail
// backwards a page at a time, passing the last seq it showed.
func Latest(ctx context.Context, d *db.DB, before int64, limit int) ([]Entry, error) {
	if limit <= 0 {
		limit = LatestPage
	}
	limit = min(limit, MaxLatestPage)
	q, args := `SELECT seq, at, actor, actor_addr, request_id, action, object_type, object_id,
		outcome, detail, alg, prev_hash, hash FROM audit_log`, []any{}
	if before > 0 {
		q, args = q+" WHERE seq < ?", append(args, before)
	}
	rows, err := d.Query(ctx, q+" ORDER BY seq DESC LIMIT ?", append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("read audit entries: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.Seq, &e.At, &e.Actor, &e.ActorAddr, &e.RequestID, &e.Action, &e.ObjectType,
			&e.ObjectID, &e.Outcome, &e.Detail, &e.Alg, &e.PrevHash, &e.Hash); err != nil {
			return nil, fmt.Errorf("read audit entries: %w", err)
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read audit entries: %w", err)
	}
	return out, nil
}

// Causes of a broken chain, for pages that explain a Report in the
// reader's language.
const (
	CauseMissing   = "missing"   // an entry is missing from the sequence
	CauseLink      = "link"      // the previous-hash link does not match
	CauseAltered   = "altered"   // the content does not match the hash
	CauseAlgorithm = "algorithm" // an entry names an unknown hash algorithm
	CauseHead      = "head"      // entries were cut off the end
)

// Cause is the kind of break a Report found ("" when the chain verified),
// for pages that explain it in the reader's language; Verify sets it next
// to the English Reason.
func (r Report) Cause() string { return r.cause }
