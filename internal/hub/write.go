package hub

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/govhall/govhall/internal/db"
)

// stored is a record as the batch sees it: read from the table, or new.
type stored struct {
	vals    []string // aligned with format.cols()
	isNew   bool
	changed bool
	// For the undo table: the line that first added or changed the
	// record, and a stored record's values and provenance before it.
	line int64
	old  []string
	prov sql.NullInt64
}

type conflict struct {
	subject, element, authSource, authValue, offered string
	line                                             int64
}

// outcome is what a batch does to the hub.
type outcome struct {
	inserts, updates             []*stored
	rejects                      []*rec
	conflicts                    []conflict
	inserted, updated, unchanged int64
	lastLine                     int64
}

type querier interface {
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// classify decides each row's fate against the stored records: insert,
// update, unchanged or rejected (with the conflicts that caused it).
// Blind, it assumes no row's key is stored (a first load, or an optimistic
// batch that a unique violation sends back for a second, looking pass).
func (r *run) classify(ctx context.Context, q querier, batch []*rec, blind bool) (*outcome, error) {
	o := &outcome{}
	if err := r.lookupHolders(ctx, q, batch); err != nil {
		return nil, err
	}
	var have map[string]*stored
	if !blind {
		var err error
		if have, err = r.fetch(ctx, q, batch); err != nil {
			return nil, err
		}
	}
	for _, rc := range batch {
		o.lastLine = rc.line
		if rc.rej == nil {
			r.apply(rc, have, o, blind)
		}
		if rc.rej != nil {
			o.rejects = append(o.rejects, rc)
		}
	}
	return o, nil
}

func (r *run) apply(rc *rec, have map[string]*stored, o *outcome, blind bool) {
	if blind {
		if rc.change == changeUpdate || rc.change == changeCancel {
			rc.fail(r.f.fields[0].en, "hub.reject.unknown_record", nil)
			return
		}
		o.inserts = append(o.inserts, &stored{vals: rc.vals, isNew: true, line: rc.line})
		o.inserted++
		return
	}
	cur := have[rc.key]
	if cur == nil {
		r.create(rc, have, o)
		return
	}
	if !r.refsExist(rc, have) {
		return
	}
	target := make([]string, len(cur.vals))
	copy(target, cur.vals)
	switch {
	case rc.change == changeCancel && r.f.status != "":
		target[r.colIndex(r.f.status)] = r.f.cancel
	case rc.change == changeCancel:
		for i := 1; i < len(target); i++ {
			if r.auth[i] {
				target[i] = ""
			}
		}
	default:
		var cs []conflict
		for i := 1; i < len(target); i++ {
			v := rc.vals[i]
			switch {
			case r.auth[i]:
				target[i] = v
			case v != "" && v != cur.vals[i]:
				cs = append(cs, conflict{subject: rc.key, element: r.f.table.subject + "." + r.cols[i],
					authSource: r.authSrc[i], authValue: cur.vals[i], offered: v, line: rc.line})
			}
		}
		if len(cs) > 0 {
			o.conflicts = append(o.conflicts, cs...)
			rc.fail(r.fieldOf(cs[0].element[len(r.f.table.subject)+1:]), "hub.reject.not_authoritative",
				map[string]any{"source": cs[0].authSource})
			return
		}
	}
	if equal(target, cur.vals) {
		o.unchanged++
		return
	}
	if !cur.isNew && !cur.changed {
		cur.old, cur.line = cur.vals, rc.line
		o.updates = append(o.updates, cur)
		o.updated++
	}
	cur.vals = target
	cur.changed = true
}

// create adds a record the table does not hold yet, when the row may.
func (r *run) create(rc *rec, have map[string]*stored, o *outcome) {
	switch {
	case rc.change == changeUpdate || rc.change == changeCancel:
		rc.fail(r.f.fields[0].en, "hub.reject.unknown_record", nil)
	case !r.f.creates:
		rc.fail(r.f.fields[0].en, "hub.reject.unknown_person", nil)
	case !r.auth[0]:
		rc.fail(r.f.fields[0].en, "hub.reject.not_authoritative", map[string]any{"source": r.authSrc[0]})
	}
	if rc.rej != nil || !r.refsExist(rc, have) {
		return
	}
	st := &stored{vals: rc.vals, isNew: true, line: rc.line}
	have[rc.key] = st
	o.inserts = append(o.inserts, st)
	o.inserted++
}

func (r *run) refsExist(rc *rec, have map[string]*stored) bool {
	for _, ref := range r.f.refs {
		v := rc.vals[r.colIndex(ref)]
		if v != "" && have[v] == nil {
			rc.fail(r.fieldOf(ref), "hub.reject.unknown_person", nil)
			return false
		}
	}
	return true
}

func (r *run) colIndex(col string) int {
	for i, c := range r.cols {
		if c == col {
			return i
		}
	}
	panic("hub: format " + r.f.name + " has no column " + col)
}

// fieldOf names the file field that offers a column.
func (r *run) fieldOf(col string) string {
	for _, fd := range r.f.fields {
		if fd.col == col {
			return fd.en
		}
	}
	return col
}

func equal(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// refOnly stands in fetch's map for a record that a row refers to and
// that exists, read from the key's index only (no row needs its values).
var refOnly = &stored{}

// fetch reads the stored records the batch's rows name, and which of the
// records their references name exist. Every row's own key is read in
// full, so a reference found only through the index (refOnly) is never
// a row's current record.
func (r *run) fetch(ctx context.Context, q querier, batch []*rec) (map[string]*stored, error) {
	var rowKeys, refKeys []any
	seen := make(map[string]bool, len(batch))
	for _, rc := range batch {
		if rc.rej == nil && !seen[rc.key] {
			seen[rc.key] = true
			rowKeys = append(rowKeys, rc.key)
		}
	}
	for _, rc := range batch {
		for _, ref := range r.f.refs {
			if v := rc.vals[r.colIndex(ref)]; rc.rej == nil && v != "" && !seen[v] {
				seen[v] = true
				refKeys = append(refKeys, v)
			}
		}
	}
	have := make(map[string]*stored, len(seen))
	err := r.lookup(ctx, q, r.cols, r.f.prov, rowKeys, func(vals []string, prov sql.NullInt64) {
		have[vals[0]] = &stored{vals: vals, prov: prov}
	})
	if err == nil {
		err = r.lookup(ctx, q, r.cols[:1], "", refKeys, func(vals []string, _ sql.NullInt64) { have[vals[0]] = refOnly })
	}
	return have, err
}

// lookup reads cols (and the provenance column prov, unless "") of the
// run's table's records with the given keys; see lookupIn.
func (r *run) lookup(ctx context.Context, q querier, cols []string, prov string, keys []any,
	found func([]string, sql.NullInt64)) error {
	return lookupIn(ctx, q, r.f.table, cols, prov, keys, found)
}

// lookupIn reads cols (and the provenance column prov, unless "") of
// table t's records with the given keys, 500 at a time, and hands each
// record's values to found.
func lookupIn(ctx context.Context, q querier, t *table, cols []string, prov string, keys []any,
	found func([]string, sql.NullInt64)) error {
	sel := "SELECT " + strings.Join(cols, ", ")
	if prov != "" {
		sel += ", " + prov
	}
	sel += " FROM " + t.name + " WHERE " + t.key + " IN ("
	for len(keys) > 0 {
		n := min(len(keys), 500)
		rows, err := q.Query(ctx, sel+strings.TrimSuffix(strings.Repeat("?,", n), ",")+")", keys[:n]...)
		if err != nil {
			return fmt.Errorf("read stored records of %s: %w", t.name, err)
		}
		for rows.Next() {
			vals := make([]string, len(cols))
			var pv sql.NullInt64
			ptrs := make([]any, len(cols), len(cols)+1)
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if prov != "" {
				ptrs = append(ptrs, &pv)
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return err
			}
			found(vals, pv)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		keys = keys[n:]
	}
	return nil
}

// newRows feeds inserted records to the bulk path, with the provenance.
type newRows struct {
	rows []*stored
	imp  any
}

func (n newRows) Len() int { return len(n.rows) }
func (n newRows) Row(i int, dst []any) {
	v := n.rows[i].vals
	for j := range v {
		dst[j] = v[j]
	}
	dst[len(v)] = n.imp
}

// optimistic says a batch can be inserted without looking first: every
// element is the source's, no row refers to another record or changes an
// existing one. Should a key exist after all, the insert fails on the key,
// the transaction rolls back and the batch is loaded again, looking.
func (r *run) optimistic(batch []*rec) bool {
	if !r.allAuth || len(r.f.refs) > 0 {
		return false
	}
	for _, rc := range batch {
		if rc.change == changeUpdate || rc.change == changeCancel {
			return false
		}
	}
	return true
}

// write commits one batch with the import's progress.
func (r *run) write(ctx context.Context, batch []*rec) error {
	blind := r.fresh || r.optimistic(batch)
	err := r.load(ctx, batch, blind)
	if blind && !r.fresh && db.IsUniqueViolation(err) {
		// An optimistic batch met a stored key: the transaction rolled
		// back; load the batch again, looking.
		err = r.load(ctx, batch, false)
	}
	return err
}

func (r *run) load(ctx context.Context, batch []*rec, blind bool) error {
	return r.s.DB.WithBulkTx(ctx, func(b *db.BulkTx) error {
		o, err := r.classify(ctx, b, batch, blind)
		if err != nil {
			return err
		}
		if r.discarding() || !r.imp.Partial && len(o.rejects) > 0 {
			// Without --partial a rejected row stops the writing.
			o.inserts, o.updates, o.conflicts = nil, nil, nil
			o.inserted, o.updated, o.unchanged = 0, 0, 0
		}
		if r.undoing() {
			if err := r.keepUndo(ctx, b, o); err != nil {
				return err
			}
		}
		cols := append(append([]string(nil), r.cols...), r.f.prov)
		if err := b.Insert(ctx, r.f.table.name, cols, newRows{rows: o.inserts, imp: r.imp.ID}); err != nil {
			return err
		}
		if err := r.update(ctx, b, o.updates); err != nil {
			return err
		}
		return r.commit(ctx, b.Tx, o, len(batch))
	})
}

// update writes the batch's changed records through one set-based
// UPDATE (db.BulkTx.Update), with the import as their provenance.
func (r *run) update(ctx context.Context, b *db.BulkTx, ups []*stored) error {
	// In key order, the update walks the key's B-tree once.
	slices.SortFunc(ups, func(a, b *stored) int { return strings.Compare(a.vals[0], b.vals[0]) })
	cols := append(append([]string(nil), r.cols...), r.f.prov)
	return b.Update(ctx, r.f.table.name, cols, newRows{rows: ups, imp: r.imp.ID})
}

// commit writes the batch's rejects, conflicts and the import's progress,
// refusing when another process has claimed the import meanwhile.
func (r *run) commit(ctx context.Context, tx *db.Tx, o *outcome, n int) error {
	now := r.s.now()
	for _, rc := range o.rejects {
		args, _ := json.Marshal(rc.rej.args)
		cells, _ := json.Marshal(rc.cells)
		if rc.rej.args == nil {
			args = []byte("{}")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO hub_rejects (import_id, line, field, reason_key, reason_args, cells)
			VALUES (?, ?, ?, ?, ?, ?)`, r.imp.ID, rc.line, rc.rej.field, rc.rej.key, string(args), string(cells)); err != nil {
			return fmt.Errorf("record rejected line %d: %w", rc.line, err)
		}
	}
	if err := r.settleConflicts(ctx, tx, o.updates); err != nil {
		return err
	}
	for _, c := range o.conflicts {
		if _, err := tx.Exec(ctx, `INSERT INTO hub_conflicts (subject_kind, subject_id, element, authoritative_source,
			authoritative_value, offered_value, offered_source, import_id, line, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.f.table.subject, c.subject, c.element, c.authSource, c.authValue, c.offered, r.req.Source,
			r.imp.ID, c.line, now); err != nil {
			return fmt.Errorf("record conflict: %w", err)
		}
	}
	next := r.imp
	next.Read += int64(n)
	next.Rejected += int64(len(o.rejects))
	next.Inserted += o.inserted
	next.Updated += o.updated
	next.Unchanged += o.unchanged
	next.LastLine = o.lastLine
	res, err := tx.Exec(ctx, `UPDATE hub_imports SET rows_read = ?, rows_inserted = ?, rows_updated = ?, rows_unchanged = ?,
		rows_rejected = ?, last_line = ?, updated_at = ? WHERE id = ? AND claim = ?`,
		next.Read, next.Inserted, next.Updated, next.Unchanged, next.Rejected, next.LastLine, now, r.imp.ID, r.imp.claim)
	if err != nil {
		return fmt.Errorf("record progress: %w", err)
	}
	if k, err := res.RowsAffected(); err != nil || k != 1 {
		return ErrLostClaim
	}
	r.imp = next
	r.conflicts += int64(len(o.conflicts))
	return nil
}
