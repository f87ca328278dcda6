package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
)

// checkBasic validates a standard-catalog item.
func checkBasic(b BasicItem) []error {
	var list []error
	bad := func(field, key string) { list = append(list, errs.Field(field, key, nil)) }
	if len(b.Code) != 12 {
		bad("code", "catalog.error.basic_code")
	}
	if strings.TrimSpace(b.Name) == "" {
		bad("name", "error.required")
	}
	if !slices.Contains([]string{Main, Sub, Handling}, b.Node) {
		bad("node", "catalog.error.node")
	}
	if _, ok := Types[b.Type]; !ok {
		bad("type", "catalog.error.type")
	}
	if !slices.Contains([]string{PowerList, PublicServiceList, FeeList}, b.List) {
		bad("list", "catalog.error.list")
	}
	if len(b.UseLevels) == 0 || slices.ContainsFunc(b.UseLevels, func(l int) bool { return l < LevelNation || l > LevelVillage }) {
		bad("use_levels", "catalog.error.use_level")
	}
	if !slices.ContainsFunc(b.LegalBasis, func(x Basis) bool { return strings.TrimSpace(x.Law) != "" }) {
		bad("legal_basis", "catalog.error.basis_required")
	}
	if b.Node != Main && b.ParentCode == "" {
		bad("parent_code", "catalog.error.parent_missing")
	}
	return list
}

// PutBasic creates or replaces standard-catalog items (parents before
// children) in one transaction with one audit entry. Every item is checked
// first; one bad item stores nothing.
func (s *Service) PutBasic(ctx context.Context, items []BasicItem) error {
	var bad []error
	for i, b := range items {
		for _, fe := range errs.Fields(errs.Join(checkBasic(b)...)) {
			c := *fe
			c.Field = fmt.Sprintf("basic[%d].%s", i, fe.Field)
			bad = append(bad, &c)
		}
	}
	if len(bad) > 0 {
		return errs.Join(bad...)
	}
	now := s.now()
	ev := audit.Event{Action: "catalog.basic.put", ObjectType: "catalog_standard", ObjectID: "standard",
		Detail: map[string]any{"count": len(items)}}
	return s.Audit.Change(ctx, s.DB, ev, func(tx *db.Tx, _ *audit.Event) error {
		st, err := tx.Prepare(ctx, `INSERT INTO catalog_basic_items (code, parent_code, node, name, name_en, item_type,
			list, use_levels, dept_kind, statutory_days, legal_basis, generated, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET parent_code = excluded.parent_code, node = excluded.node,
			name = excluded.name, name_en = excluded.name_en, item_type = excluded.item_type, list = excluded.list,
			use_levels = excluded.use_levels, dept_kind = excluded.dept_kind, statutory_days = excluded.statutory_days,
			legal_basis = excluded.legal_basis, generated = excluded.generated, updated_at = excluded.updated_at`)
		if err != nil {
			return err
		}
		defer st.Close()
		for i, b := range items {
			var parent any
			if b.ParentCode != "" {
				parent = b.ParentCode
			}
			_, err := st.ExecContext(ctx, b.Code, parent, b.Node, b.Name, b.NameEN, b.Type, b.List, levels(b.UseLevels),
				b.DeptKind, b.StatutoryDays, string(mustJSON(b.LegalBasis)), b.Generated, now)
			if db.IsForeignKeyViolation(err) {
				return errs.Field(fmt.Sprintf("basic[%d].parent_code", i), "catalog.error.parent_missing", nil)
			} else if err != nil {
				return fmt.Errorf("basic item %s: %w", b.Code, err)
			}
		}
		return nil
	})
}

func levels(ls []int) string {
	parts := make([]string, len(ls))
	for i, l := range ls {
		parts[i] = strconv.Itoa(l)
	}
	return strings.Join(parts, ",")
}

func parseLevels(s string) []int {
	var out []int
	for _, p := range strings.Split(s, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(p)); err == nil {
			out = append(out, n)
		}
	}
	return out
}

const basicCols = `code, parent_code, node, name, name_en, item_type, list, use_levels, dept_kind, statutory_days,
	legal_basis, generated, updated_at`

func scanBasic(r scanner) (BasicItem, error) {
	var b BasicItem
	var parent sql.NullString
	var days sql.NullInt64
	var lv, basis string
	if err := r.Scan(&b.Code, &parent, &b.Node, &b.Name, &b.NameEN, &b.Type, &b.List, &lv, &b.DeptKind, &days,
		&basis, &b.Generated, &b.UpdatedAt); err != nil {
		return BasicItem{}, err
	}
	b.ParentCode, b.StatutoryDays, b.UseLevels, b.UpdatedAt = parent.String, int(days.Int64), parseLevels(lv), b.UpdatedAt.UTC()
	return b, json.Unmarshal([]byte(basis), &b.LegalBasis)
}

// Basic reads one standard item.
func (s *Service) Basic(ctx context.Context, code string) (BasicItem, error) {
	b, err := scanBasic(s.DB.QueryRow(ctx, "SELECT "+basicCols+" FROM catalog_basic_items WHERE code = ?", code))
	if errors.Is(err, sql.ErrNoRows) {
		return BasicItem{}, fmt.Errorf("basic item %s: %w", code, db.ErrNotFound)
	}
	return b, err
}

// BasicItems lists the standard catalog in code order; level > 0 keeps the
// items whose use levels include it.
func (s *Service) BasicItems(ctx context.Context, level int) ([]BasicItem, error) {
	rows, err := s.DB.Query(ctx, "SELECT "+basicCols+" FROM catalog_basic_items ORDER BY code")
	if err != nil {
		return nil, fmt.Errorf("list basic items: %w", err)
	}
	defer rows.Close()
	var out []BasicItem
	for rows.Next() {
		b, err := scanBasic(rows)
		if err != nil {
			return nil, err
		}
		if level == 0 || slices.Contains(b.UseLevels, level) {
			out = append(out, b)
		}
	}
	return out, rows.Err()
}
