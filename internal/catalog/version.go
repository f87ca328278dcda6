package catalog

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
)

// Revise changes an item. A draft or reported item changes in place; a
// published item keeps what is in force and gets a pending version (with
// its diff against the version in force) for Publish to approve. Where an
// item sits (jurisdiction, code, node, parent) does not change by revision.
func (s *Service) Revise(ctx context.Context, it Item) (Version, error) {
	cur, err := s.Item(ctx, it.ID)
	if err != nil {
		return Version{}, err
	}
	it.Jurisdiction, it.Code, it.Node, it.ParentID, it.ParentCode = cur.Jurisdiction, cur.Code, cur.Node, cur.ParentID, ""
	it.Status, it.Version, it.CreatedAt, it.EffectiveFrom = cur.Status, cur.Version, cur.CreatedAt, cur.EffectiveFrom
	if err := Check(it, false); err != nil {
		return Version{}, err
	}
	now := s.now()
	v := Version{ItemID: it.ID, Status: Draft, Diff: Diff(cur, it), CreatedAt: now}
	if len(v.Diff) == 0 {
		return Version{}, errs.New(errs.Invalid, "catalog.error.no_change")
	}
	ev := audit.Event{Action: "catalog.item.revise", ObjectType: "catalog_item", ObjectID: strconv.FormatInt(it.ID, 10),
		Detail: map[string]any{"changes": len(v.Diff)}}
	err = s.Audit.Change(ctx, s.DB, ev, func(tx *db.Tx, _ *audit.Event) error {
		if cur.Status == Draft || cur.Status == Reported {
			v.Version = cur.Version
			return s.overwrite(ctx, tx, it, now)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM catalog_item_versions WHERE item_id = ? AND status = ?", it.ID, Draft); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(version), 0) + 1 FROM catalog_item_versions WHERE item_id = ?",
			it.ID).Scan(&v.Version); err != nil {
			return err
		}
		it.Version = v.Version
		return insertVersion(ctx, tx, it, v)
	})
	if err != nil {
		return Version{}, fmt.Errorf("revise item %d: %w", it.ID, err)
	}
	return v, nil
}

func insertVersion(ctx context.Context, tx *db.Tx, it Item, v Version) error {
	snap, err := json.Marshal(it)
	if err != nil {
		return err
	}
	diff, err := json.Marshal(v.Diff)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO catalog_item_versions (item_id, version, status, doc, diff, effective_from,
		approved_by, approved_at, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		it.ID, v.Version, v.Status, string(snap), string(diff), nullTime(v.EffectiveFrom), v.ApprovedBy,
		nullTime(v.ApprovedAt), v.Note, v.CreatedAt)
	return err
}

// overwrite replaces the item row (and its covers and events) with it.
func (s *Service) overwrite(ctx context.Context, tx *db.Tx, it Item, now time.Time) error {
	doc, err := json.Marshal(it.Doc)
	if err != nil {
		return err
	}
	x, err := newSearchIndex(ctx, tx)
	if err != nil {
		return err
	}
	defer x.close()
	if err := x.forget(ctx, it.ID); err != nil {
		return err
	}
	args := append([]any{nullID(it.DepartmentID)}, columns(it, doc, now)...)
	_, err = tx.Exec(ctx, `UPDATE catalog_items SET department_id = ?, name = ?, name_en = ?, item_type = ?, list = ?,
		status = ?, case_type = ?, statutory_days = ?, promised_days = ?, for_persons = ?, for_enterprises = ?,
		online = ?, visits = ?, has_fee = ?, generated = ?, version = ?, effective_from = ?, doc = ?, search_text = ?,
		created_at = ?, updated_at = ? WHERE id = ?`, append(args, it.ID)...)
	if err != nil {
		return err
	}
	for _, t := range []string{"catalog_item_covers", "catalog_item_events"} {
		if _, err := tx.Exec(ctx, "DELETE FROM "+t+" WHERE item_id = ?", it.ID); err != nil {
			return err
		}
	}
	w := &writer{tx: tx}
	if w.cover, err = tx.Prepare(ctx, "INSERT INTO catalog_item_covers (item_id, basic_code) VALUES (?, ?)"); err != nil {
		return err
	}
	if w.event, err = tx.Prepare(ctx, "INSERT INTO catalog_item_events (item_id, event) VALUES (?, ?)"); err != nil {
		w.close()
		return err
	}
	defer w.close()
	if err := w.details(ctx, &it); err != nil {
		return err
	}
	return x.index(ctx, it)
}

// Publish approves an item's pending version — or the draft item itself —
// effective from the given time (zero = now), approved by the actor in ctx.
// It is checked for publication first (minimum granularity: a merged leaf
// is refused). A version effective in the future is scheduled; Activate
// puts it in force when its time comes.
func (s *Service) Publish(ctx context.Context, id int64, effective time.Time, note string) (Version, error) {
	now := s.now()
	if effective.IsZero() || effective.Before(now) {
		effective = now
	}
	var v Version
	ev := audit.Event{Action: "catalog.item.publish", ObjectType: "catalog_item", ObjectID: strconv.FormatInt(id, 10)}
	err := s.Audit.Change(ctx, s.DB, ev, func(tx *db.Tx, e *audit.Event) error {
		cand, pending, err := s.candidate(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := Check(cand, true); err != nil {
			return err
		}
		v = Version{ItemID: id, Version: cand.Version, Status: "scheduled", EffectiveFrom: effective,
			ApprovedBy: actor.From(ctx).ID, ApprovedAt: now, Note: note, CreatedAt: now}
		if !effective.After(now) {
			v.Status = Published
		}
		if pending {
			_, err = tx.Exec(ctx, `UPDATE catalog_item_versions SET status = ?, effective_from = ?, approved_by = ?,
				approved_at = ?, note = ? WHERE item_id = ? AND version = ?`,
				v.Status, effective, v.ApprovedBy, now, note, id, v.Version)
		} else {
			cand.Version = 1
			v.Version, v.Diff = 1, []Change{}
			err = insertVersion(ctx, tx, cand, v)
		}
		if err != nil {
			return err
		}
		e.Detail = map[string]any{"version": v.Version, "effective_from": effective.Format(time.RFC3339), "status": v.Status}
		if v.Status == Published {
			return s.putInForce(ctx, tx, id, v.Version, effective, now)
		}
		return nil
	})
	if err != nil {
		return Version{}, fmt.Errorf("publish item %d: %w", id, err)
	}
	return v, nil
}

// candidate is what Publish would put in force: the pending version of a
// published item, or a draft item as it stands.
func (s *Service) candidate(ctx context.Context, tx *db.Tx, id int64) (Item, bool, error) {
	var doc string
	err := tx.QueryRow(ctx, "SELECT doc FROM catalog_item_versions WHERE item_id = ? AND status = ?", id, Draft).Scan(&doc)
	if err == nil {
		var it Item
		return it, true, json.Unmarshal([]byte(doc), &it)
	} else if !errors.Is(err, sql.ErrNoRows) {
		return Item{}, false, err
	}
	it, err := scanItem(tx.QueryRow(ctx, "SELECT "+itemCols+" FROM catalog_items i WHERE i.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Item{}, false, fmt.Errorf("catalog item %d: %w", id, db.ErrNotFound)
	} else if err != nil {
		return Item{}, false, err
	}
	if it.Status != Draft {
		return Item{}, false, errs.New(errs.Conflict, "catalog.error.nothing_to_publish")
	}
	if err := s.attachTx(ctx, tx, &it); err != nil {
		return Item{}, false, err
	}
	return it, false, nil
}

// attachTx reads covers and events inside a transaction.
func (s *Service) attachTx(ctx context.Context, tx *db.Tx, it *Item) error {
	it.Covers, it.Events = []string{}, nil
	for _, q := range []struct {
		sql string
		to  *[]string
	}{{"SELECT basic_code FROM catalog_item_covers WHERE item_id = ? ORDER BY basic_code", &it.Covers},
		{"SELECT event FROM catalog_item_events WHERE item_id = ? ORDER BY event", &it.Events}} {
		rows, err := tx.Query(ctx, q.sql, it.ID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return err
			}
			*q.to = append(*q.to, v)
		}
		if err := rows.Close(); err != nil {
			return err
		}
	}
	return nil
}

// putInForce makes a version the item's current state; the version it
// replaces is superseded.
func (s *Service) putInForce(ctx context.Context, tx *db.Tx, id int64, version int, effective, now time.Time) error {
	var doc string
	if err := tx.QueryRow(ctx, "SELECT doc FROM catalog_item_versions WHERE item_id = ? AND version = ?", id, version).Scan(&doc); err != nil {
		return err
	}
	var it Item
	if err := json.Unmarshal([]byte(doc), &it); err != nil {
		return err
	}
	it.ID, it.Status, it.Version, it.EffectiveFrom = id, Published, version, effective
	if _, err := tx.Exec(ctx, "UPDATE catalog_item_versions SET status = ? WHERE item_id = ? AND status = ? AND version <> ?",
		"superseded", id, Published, version); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE catalog_item_versions SET status = ?, doc = ? WHERE item_id = ? AND version = ?",
		Published, string(mustJSON(it)), id, version); err != nil {
		return err
	}
	return s.overwrite(ctx, tx, it, now)
}

// Activate puts in force every scheduled version whose time has come, and
// reports how many it did.
func (s *Service) Activate(ctx context.Context) (int, error) {
	now := s.now()
	rows, err := s.DB.Query(ctx, `SELECT item_id, version, effective_from FROM catalog_item_versions
		WHERE status = ? AND effective_from <= ? ORDER BY effective_from, item_id`, "scheduled", now)
	if err != nil {
		return 0, fmt.Errorf("find scheduled versions: %w", err)
	}
	type due struct {
		id  int64
		v   int
		eff time.Time
	}
	var list []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, &d.v, &d.eff); err != nil {
			rows.Close()
			return 0, err
		}
		list = append(list, d)
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	for _, d := range list {
		ev := audit.Event{Action: "catalog.item.activate", ObjectType: "catalog_item", ObjectID: strconv.FormatInt(d.id, 10),
			Detail: map[string]any{"version": d.v}}
		if err := s.Audit.Change(ctx, s.DB, ev, func(tx *db.Tx, _ *audit.Event) error {
			return s.putInForce(ctx, tx, d.id, d.v, d.eff.UTC(), now)
		}); err != nil {
			return 0, fmt.Errorf("activate item %d version %d: %w", d.id, d.v, err)
		}
	}
	return len(list), nil
}

// Withdraw takes a published item out of the catalog; cases filed under it
// keep their version.
func (s *Service) Withdraw(ctx context.Context, id int64, note string) error {
	ev := audit.Event{Action: "catalog.item.withdraw", ObjectType: "catalog_item", ObjectID: strconv.FormatInt(id, 10),
		Detail: map[string]any{"note": note}}
	return s.Audit.Change(ctx, s.DB, ev, func(tx *db.Tx, _ *audit.Event) error {
		x, err := newSearchIndex(ctx, tx)
		if err != nil {
			return err
		}
		defer x.close()
		if err := x.forget(ctx, id); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, "UPDATE catalog_items SET status = ?, updated_at = ? WHERE id = ? AND status = ?",
			Withdrawn, s.now(), id, Published)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.New(errs.Conflict, "catalog.error.not_published")
		}
		return nil
	})
}

// Diff lists what differs between two versions of an item, field by field
// (paths such as doc.promised.days or doc.materials[1].name).
func Diff(old, new Item) []Change {
	a, b := flatten(old), flatten(new)
	var out []Change
	for _, k := range slices.Sorted(maps.Keys(union(a, b))) {
		if a[k] != b[k] {
			out = append(out, Change{Field: k, Old: a[k], New: b[k]})
		}
	}
	return out
}

// flatten turns the user-visible content of an item into path → value.
func flatten(it Item) map[string]string {
	view := map[string]any{"name": it.Name, "name_en": it.NameEN, "type": it.Type, "list": it.List,
		"department_id": it.DepartmentID, "covers": it.Covers, "events": it.Events, "doc": it.Doc}
	var generic any
	dec := json.NewDecoder(bytes.NewReader(mustJSON(view)))
	dec.UseNumber()
	_ = dec.Decode(&generic)
	out := map[string]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, x := range t {
				p := k
				if prefix != "" {
					p = prefix + "." + k
				}
				walk(p, x)
			}
		case []any:
			for i, x := range t {
				walk(fmt.Sprintf("%s[%d]", prefix, i), x)
			}
		case nil:
		default:
			if s := fmt.Sprint(t); s != "" && s != "false" && s != "0" {
				out[prefix] = s
			}
		}
	}
	walk("", generic)
	return out
}

func union(a, b map[string]string) map[string]bool {
	out := make(map[string]bool, len(a))
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only our own plain structs reach here
	}
	return b
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}
