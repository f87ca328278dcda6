package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/govhall/govhall/internal/db"
)

// itemCols are the columns scanItem reads, in its order.
const itemCols = `i.id, i.jurisdiction_code, i.code, i.parent_id, i.node, i.department_id, i.name, i.name_en,
	i.item_type, i.list, i.status, i.generated, i.version, i.effective_from, i.doc, i.created_at, i.updated_at`

type scanner interface{ Scan(dest ...any) error }

func scanItem(r scanner) (Item, error) {
	var it Item
	var parent, dept sql.NullInt64
	var eff sql.NullTime
	var doc string
	if err := r.Scan(&it.ID, &it.Jurisdiction, &it.Code, &parent, &it.Node, &dept, &it.Name, &it.NameEN,
		&it.Type, &it.List, &it.Status, &it.Generated, &it.Version, &eff, &doc, &it.CreatedAt, &it.UpdatedAt); err != nil {
		return Item{}, err
	}
	it.ParentID, it.DepartmentID = parent.Int64, dept.Int64
	if eff.Valid {
		it.EffectiveFrom = eff.Time.UTC()
	}
	it.CreatedAt, it.UpdatedAt = it.CreatedAt.UTC(), it.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(doc), &it.Doc); err != nil {
		return Item{}, fmt.Errorf("item %d: doc: %w", it.ID, err)
	}
	return it, nil
}

// Item reads an item at the version in force.
func (s *Service) Item(ctx context.Context, id int64) (Item, error) {
	return s.oneItem(ctx, "i.id = ?", id)
}

// ItemByCode reads an item of a jurisdiction by its code.
func (s *Service) ItemByCode(ctx context.Context, jurisdiction, code string) (Item, error) {
	return s.oneItem(ctx, "i.jurisdiction_code = ? AND i.code = ?", jurisdiction, code)
}

func (s *Service) oneItem(ctx context.Context, where string, args ...any) (Item, error) {
	it, err := scanItem(s.DB.QueryRow(ctx, "SELECT "+itemCols+" FROM catalog_items i WHERE "+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Item{}, fmt.Errorf("catalog item: %w", db.ErrNotFound)
	} else if err != nil {
		return Item{}, fmt.Errorf("read catalog item: %w", err)
	}
	if err := s.attach(ctx, []*Item{&it}); err != nil {
		return Item{}, err
	}
	return it, nil
}

// attach reads the covers and life events of items.
func (s *Service) attach(ctx context.Context, items []*Item) error {
	if len(items) == 0 {
		return nil
	}
	byID := make(map[int64]*Item, len(items))
	ids := make([]string, 0, len(items))
	for _, it := range items {
		byID[it.ID] = it
		ids = append(ids, fmt.Sprint(it.ID))
	}
	in := strings.Join(ids, ",") // integers we read ourselves: safe to inline
	for _, q := range []struct {
		sql string
		add func(*Item, string)
	}{
		{"SELECT item_id, basic_code FROM catalog_item_covers WHERE item_id IN (" + in + ") ORDER BY item_id, basic_code",
			func(it *Item, v string) { it.Covers = append(it.Covers, v) }},
		{"SELECT item_id, event FROM catalog_item_events WHERE item_id IN (" + in + ") ORDER BY item_id, event",
			func(it *Item, v string) { it.Events = append(it.Events, v) }},
	} {
		rows, err := s.DB.Query(ctx, q.sql)
		if err != nil {
			return fmt.Errorf("read item details: %w", err)
		}
		for rows.Next() {
			var id int64
			var v string
			if err := rows.Scan(&id, &v); err != nil {
				rows.Close()
				return err
			}
			q.add(byID[id], v)
		}
		if err := rows.Close(); err != nil {
			return err
		}
	}
	for _, it := range items {
		if it.Covers == nil {
			it.Covers = []string{}
		}
	}
	return nil
}

// Items lists items with the total count of the filter, ordered by
// jurisdiction and code.
func (s *Service) Items(ctx context.Context, f Filter) ([]Item, int, error) {
	where, args := f.where()
	var total int
	if err := s.DB.QueryRow(ctx, "SELECT count(*) FROM catalog_items i"+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count catalog items: %w", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	items, err := s.queryItems(ctx, "SELECT "+itemCols+" FROM catalog_items i"+where+
		" ORDER BY i.jurisdiction_code, i.code LIMIT ? OFFSET ?", append(args, limit, max(f.Offset, 0))...)
	return items, total, err
}

func (s *Service) queryItems(ctx context.Context, q string, args ...any) ([]Item, error) {
	rows, err := s.DB.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list catalog items: %w", err)
	}
	defer rows.Close()
	var items []Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ptrs := make([]*Item, len(items))
	for i := range items {
		ptrs[i] = &items[i]
	}
	return items, s.attach(ctx, ptrs)
}

// where builds the filter's condition; every value is a placeholder.
func (f Filter) where() (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, v ...any) { conds = append(conds, cond); args = append(args, v...) }
	if f.Jurisdiction != "" {
		add("i.jurisdiction_code = ?", f.Jurisdiction)
	}
	if f.Prefix != "" {
		add("i.jurisdiction_code LIKE ?", f.Prefix+"%")
	}
	if f.List != "" {
		add("i.list = ?", f.List)
	}
	if f.Type != "" {
		add("i.item_type = ?", f.Type)
	}
	if f.DepartmentID != 0 {
		add("i.department_id = ?", f.DepartmentID)
	}
	if f.DeptKind != "" {
		add("i.department_id IN (SELECT id FROM departments WHERE kind = ?)", f.DeptKind)
	}
	if f.Event != "" {
		add("i.id IN (SELECT item_id FROM catalog_item_events WHERE event = ?)", f.Event)
	}
	switch f.Object {
	case ObjectPerson:
		add("i.for_persons = ?", true)
	case ObjectEnterprise:
		add("i.for_enterprises = ?", true)
	}
	if f.Status != "" {
		add("i.status = ?", f.Status)
	}
	if f.Node != "" {
		add("i.node = ?", f.Node)
	}
	if f.ParentID != 0 {
		add("i.parent_id = ?", f.ParentID)
	}
	if f.Level != "" {
		add("i.jurisdiction_code IN (SELECT code FROM jurisdictions WHERE level = ?)", f.Level)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// ItemVersion reads an item as it was at a version (what a case filed under
// that version sees).
func (s *Service) ItemVersion(ctx context.Context, id int64, version int) (Item, error) {
	var doc string
	err := s.DB.QueryRow(ctx, "SELECT doc FROM catalog_item_versions WHERE item_id = ? AND version = ?", id, version).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return Item{}, fmt.Errorf("catalog item %d version %d: %w", id, version, db.ErrNotFound)
	} else if err != nil {
		return Item{}, fmt.Errorf("read item version: %w", err)
	}
	var it Item
	if err := json.Unmarshal([]byte(doc), &it); err != nil {
		return Item{}, fmt.Errorf("item %d version %d: %w", id, version, err)
	}
	return it, nil
}

// Versions lists an item's versions, newest first.
func (s *Service) Versions(ctx context.Context, id int64) ([]Version, error) {
	rows, err := s.DB.Query(ctx, `SELECT item_id, version, status, diff, effective_from, approved_by, approved_at, note, created_at
		FROM catalog_item_versions WHERE item_id = ? ORDER BY version DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("list item versions: %w", err)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		var v Version
		var diff string
		var eff, appr sql.NullTime
		if err := rows.Scan(&v.ItemID, &v.Version, &v.Status, &diff, &eff, &v.ApprovedBy, &appr, &v.Note, &v.CreatedAt); err != nil {
			return nil, err
		}
		v.EffectiveFrom, v.ApprovedAt, v.CreatedAt = utc(eff), utc(appr), v.CreatedAt.UTC()
		if err := json.Unmarshal([]byte(diff), &v.Diff); err != nil {
			return nil, fmt.Errorf("item %d version %d diff: %w", id, v.Version, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func utc(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}
