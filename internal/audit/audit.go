// Package audit owns the trace of every action: an append-only log of who
// did what to which object, when, from where and with what outcome. Each
// entry's hash covers the previous entry's hash, so removing, reordering or
// editing an entry breaks the chain at that point, and Verify names it.
//
// An entry is written in the same transaction as the change it records
// (Record inside db.WithTx, or Change which does both), so there is never a
// change without its trace or a trace without its change.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
)

// Hash algorithms of the chain. SM3 (GB/T 32905) is the default for
// government systems; SHA-256 is selectable. Each entry records its own
// algorithm, so a chain may change algorithm without breaking.
const (
	SM3    = "sm3"
	SHA256 = "sha256"
)

// Outcomes of an action.
const (
	OK     = "ok"
	Denied = "denied"
	Failed = "failed"
)

// Entry is one action in the trail.
type Entry struct {
	Seq        int64
	At         time.Time
	Actor      string
	ActorAddr  string
	RequestID  string
	Action     string // e.g. "org.department.create"
	ObjectType string // e.g. "department"
	ObjectID   string
	Outcome    string
	Detail     string // JSON object
	Alg        string
	PrevHash   string
	Hash       string
}

// Log appends entries. It carries the clock and the hash algorithm.
type Log struct {
	Alg string
	Now func() time.Time
}

// New returns a log hashing with alg ("" means SM3) and reading time from now
// (nil means time.Now).
func New(alg string, now func() time.Time) (*Log, error) {
	if alg == "" {
		alg = SM3
	}
	if alg != SM3 && alg != SHA256 {
		return nil, fmt.Errorf("audit hash %q: choose sm3 or sha256", alg)
	}
	if now == nil {
		now = time.Now
	}
	return &Log{Alg: alg, Now: now}, nil
}

// Event is what a caller says about an action; the rest comes from the
// context (actor, address, request ID) and the chain.
type Event struct {
	Action     string
	ObjectType string
	ObjectID   string
	Outcome    string // default OK
	Detail     any    // marshalled to JSON; nil means {}
}

// Record appends ev to the trail inside tx. Appends are serialised by the
// chain head row, so concurrent transactions on PostgreSQL cannot fork the
// chain: the second waits for the first to commit, then links to it.
func (l *Log) Record(ctx context.Context, tx *db.Tx, ev Event) (Entry, error) {
	a := actor.From(ctx)
	detail := "{}"
	if ev.Detail != nil {
		b, err := json.Marshal(ev.Detail)
		if err != nil {
			return Entry{}, fmt.Errorf("audit %s: detail: %w", ev.Action, err)
		}
		detail = string(b)
	}
	if ev.Outcome == "" {
		ev.Outcome = OK
	}
	e := Entry{
		// PostgreSQL keeps microseconds: truncate so the hashed time is the stored time.
		At:    l.Now().UTC().Truncate(time.Microsecond),
		Actor: a.String(), ActorAddr: a.Addr, RequestID: a.RequestID,
		Action: ev.Action, ObjectType: ev.ObjectType, ObjectID: ev.ObjectID,
		Outcome: ev.Outcome, Detail: detail, Alg: l.Alg,
	}
	if _, err := tx.Exec(ctx, "UPDATE audit_head SET seq = seq + 1 WHERE id = 1"); err != nil {
		return Entry{}, fmt.Errorf("audit %s: lock chain head: %w", ev.Action, err)
	}
	if err := tx.QueryRow(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&e.Seq, &e.PrevHash); err != nil {
		return Entry{}, fmt.Errorf("audit %s: read chain head: %w", ev.Action, err)
	}
	h, err := Sum(e)
	if err != nil {
		return Entry{}, err
	}
	e.Hash = h
	_, err = tx.Exec(ctx, `INSERT INTO audit_log
		(seq, at, actor, actor_addr, request_id, action, object_type, object_id, outcome, detail, alg, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, e.At, e.Actor, e.ActorAddr, e.RequestID, e.Action, e.ObjectType, e.ObjectID,
		e.Outcome, e.Detail, e.Alg, e.PrevHash, e.Hash)
	if err != nil {
		return Entry{}, fmt.Errorf("audit %s: append: %w", ev.Action, err)
	}
	if _, err := tx.Exec(ctx, "UPDATE audit_head SET hash = ? WHERE id = 1", e.Hash); err != nil {
		return Entry{}, fmt.Errorf("audit %s: move chain head: %w", ev.Action, err)
	}
	return e, nil
}

// Change runs fn in one transaction and records ev in it. fn may fill in
// ev's object ID and detail through the pointer (an ID known only after an
// insert, say). When fn fails the change rolls back and the attempt is
// recorded on its own with outcome "failed" (or "denied" for errors that
// say so through Outcome), so refused attempts leave a trace too.
func (l *Log) Change(ctx context.Context, d *db.DB, ev Event, fn func(tx *db.Tx, ev *Event) error) error {
	err := d.WithTx(ctx, func(tx *db.Tx) error {
		if err := fn(tx, &ev); err != nil {
			return err
		}
		_, err := l.Record(ctx, tx, ev)
		return err
	})
	if err == nil {
		return nil
	}
	failed := ev
	failed.Outcome = Failed
	var oc interface{ Outcome() string }
	if errors.As(err, &oc) && oc.Outcome() != "" {
		failed.Outcome = oc.Outcome()
	}
	// The code, not the message: messages may quote personal data.
	failed.Detail = map[string]string{"error": errs.CodeOf(err)}
	if rerr := d.WithTx(ctx, func(tx *db.Tx) error { _, e := l.Record(ctx, tx, failed); return e }); rerr != nil {
		return errors.Join(err, rerr)
	}
	return err
}

// Sum computes an entry's hash from its fields and the previous hash, with
// the entry's own algorithm. Every field is length-prefixed so that no two
// different entries encode to the same bytes.
func Sum(e Entry) (string, error) {
	var h hash.Hash
	switch e.Alg {
	case SM3:
		h = sm3.New()
	case SHA256:
		h = sha256.New()
	default:
		return "", fmt.Errorf("audit entry %d: unknown hash algorithm %q", e.Seq, e.Alg)
	}
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(e.Seq))
	h.Write(n[:])
	for _, f := range []string{
		e.PrevHash, e.At.UTC().Format(time.RFC3339Nano), e.Actor, e.ActorAddr, e.RequestID,
		e.Action, e.ObjectType, e.ObjectID, e.Outcome, e.Detail, e.Alg,
	} {
		binary.BigEndian.PutUint64(n[:], uint64(len(f)))
		h.Write(n[:])
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
