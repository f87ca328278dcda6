package audit

import (
	"context"
	"fmt"

	"github.com/govhall/govhall/internal/db"
)

// Report is the result of walking the chain.
type Report struct {
	Entries int64 // entries checked
	// BadSeq is the first entry that does not fit (0 when the chain is whole).
	BadSeq int64
	Reason string
	cause  string
}

// OK reports whether the whole chain verified.
func (r Report) OK() bool { return r.Reason == "" }

// Verify walks the chain in order, recomputing every hash, and stops at the
// first entry that does not fit: a hash that does not match its content, a
// link that does not match the previous hash, a gap in the sequence, or a
// head that does not point at the last entry (entries cut off the end).
// progress, when not nil, is called every 10,000 entries.
func Verify(ctx context.Context, d *db.DB, progress func(checked int64)) (Report, error) {
	var r Report
	rows, err := d.Query(ctx, `SELECT seq, at, actor, actor_addr, request_id, action, object_type, object_id,
		outcome, detail, alg, prev_hash, hash FROM audit_log ORDER BY seq`)
	if err != nil {
		return r, fmt.Errorf("verify audit chain: %w", err)
	}
	defer rows.Close()
	prev, want := "", int64(1)
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.Seq, &e.At, &e.Actor, &e.ActorAddr, &e.RequestID, &e.Action, &e.ObjectType,
			&e.ObjectID, &e.Outcome, &e.Detail, &e.Alg, &e.PrevHash, &e.Hash); err != nil {
			return r, fmt.Errorf("verify audit chain: read entry after %d: %w", want-1, err)
		}
		switch {
		case e.Seq != want:
			return fail(r, want, CauseMissing, fmt.Sprintf("entry %d is missing (next entry is %d)", want, e.Seq)), nil
		case e.PrevHash != prev:
			return fail(r, e.Seq, CauseLink, "its previous-hash link does not match the hash of the entry before it"), nil
		}
		sum, err := Sum(e)
		if err != nil {
			return fail(r, e.Seq, CauseAlgorithm, err.Error()), nil
		}
		if sum != e.Hash {
			return fail(r, e.Seq, CauseAltered, "its content does not match its hash (the entry was altered)"), nil
		}
		prev, want = e.Hash, want+1
		r.Entries++
		if progress != nil && r.Entries%10000 == 0 {
			progress(r.Entries)
		}
	}
	if err := rows.Err(); err != nil {
		return r, fmt.Errorf("verify audit chain: %w", err)
	}
	var headSeq int64
	var headHash string
	if err := d.QueryRow(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&headSeq, &headHash); err != nil {
		return r, fmt.Errorf("verify audit chain: read head: %w", err)
	}
	if headSeq != want-1 || headHash != prev {
		return fail(r, want, CauseHead, fmt.Sprintf("the chain head records %d entries but the log ends at %d (entries were removed from the end)", headSeq, want-1)), nil
	}
	return r, nil
}

func fail(r Report, seq int64, cause, reason string) Report {
	r.BadSeq, r.cause, r.Reason = seq, cause, reason
	return r
}
