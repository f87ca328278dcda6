package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
)

// Create adds one item as a draft (or as reported, when its status says so).
func (s *Service) Create(ctx context.Context, it Item) (Item, error) {
	if it.Status == "" {
		it.Status = Draft
	}
	if it.Status != Draft && it.Status != Reported {
		return Item{}, errs.Field("status", "catalog.error.create_status", nil)
	}
	items := []Item{it}
	if err := s.CreateMany(ctx, items); err != nil {
		return Item{}, err
	}
	return s.ItemByCode(ctx, it.Jurisdiction, it.Code)
}

// CreateMany adds items in one transaction with one audit entry, parents
// before children (ParentCode, within the same jurisdiction, resolves
// ParentID). Every item is checked first; if any is bad nothing is created
// and the error names each bad item's fields as items[i].field. Items with
// status Published are published at once as version 1 (the demo and
// imports of an approved list).
func (s *Service) CreateMany(ctx context.Context, items []Item) error {
	var bad []error
	for i := range items {
		it := &items[i]
		if it.Status == "" {
			it.Status = Draft
		}
		if err := Check(*it, it.Status == Published); err != nil {
			for _, fe := range errs.Fields(err) {
				c := *fe
				c.Field = fmt.Sprintf("items[%d].%s", i, fe.Field)
				bad = append(bad, &c)
			}
		}
	}
	if len(bad) > 0 {
		return errs.Join(bad...)
	}
	return s.createChecked(ctx, items)
}

// createChecked writes items that passed Check (CreateMany, or an import
// that checked every item while it read the file): one transaction, one
// audit entry; tree and department errors found while writing still name
// items[i].
func (s *Service) createChecked(ctx context.Context, items []Item) error {
	if len(items) == 0 {
		return nil
	}
	ev := audit.Event{Action: "catalog.items.create", ObjectType: "catalog_list", ObjectID: items[0].Jurisdiction,
		Detail: map[string]any{"count": len(items)}}
	return s.Audit.Change(ctx, s.DB, ev, func(tx *db.Tx, _ *audit.Event) error {
		w, err := s.newWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer w.close()
		for i := range items {
			if err := w.insert(ctx, &items[i]); err != nil {
				if fe, ok := errs.As(err); ok {
					c := *fe
					c.Field = fmt.Sprintf("items[%d].%s", i, fe.Field)
					return &c
				}
				return fmt.Errorf("item %s: %w", items[i].Code, err)
			}
		}
		return nil
	})
}

// writer inserts items with prepared statements, resolving parents and
// checking departments as it goes.
type writer struct {
	s                           *Service
	tx                          *db.Tx
	item, cover, event, version *sql.Stmt
	search                      *searchIndex
	parents                     map[string]parentRef // jurisdiction/code → parent
	deptJurisdiction            map[int64]string
	now                         time.Time
	approver                    string
}

type parentRef struct {
	id   int64
	node string
}

func (s *Service) newWriter(ctx context.Context, tx *db.Tx) (*writer, error) {
	w := &writer{s: s, tx: tx, parents: map[string]parentRef{}, deptJurisdiction: map[int64]string{},
		now: s.now(), approver: actor.From(ctx).ID}
	var err error
	prep := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = tx.Prepare(ctx, q)
		return st
	}
	w.item = prep(`INSERT INTO catalog_items (jurisdiction_code, code, parent_id, node, department_id, name, name_en,
		item_type, list, status, case_type, statutory_days, promised_days, for_persons, for_enterprises, online,
		visits, has_fee, generated, version, effective_from, doc, search_text, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`)
	w.cover = prep("INSERT INTO catalog_item_covers (item_id, basic_code) VALUES (?, ?)")
	w.event = prep("INSERT INTO catalog_item_events (item_id, event) VALUES (?, ?)")
	w.version = prep(`INSERT INTO catalog_item_versions (item_id, version, status, doc, diff, effective_from,
		approved_by, approved_at, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err == nil {
		w.search, err = newSearchIndex(ctx, tx)
	}
	if err != nil {
		w.close()
		return nil, fmt.Errorf("prepare catalog writes: %w", err)
	}
	return w, nil
}

func (w *writer) close() {
	for _, st := range []*sql.Stmt{w.item, w.cover, w.event, w.version} {
		if st != nil {
			st.Close()
		}
	}
	if w.search != nil {
		w.search.close()
	}
}

func (w *writer) insert(ctx context.Context, it *Item) error {
	if err := w.resolve(ctx, it); err != nil {
		return err
	}
	it.CreatedAt, it.UpdatedAt = w.now, w.now
	it.Version = 0
	if it.Status == Published {
		it.Version, it.EffectiveFrom = 1, w.now
	}
	doc, err := json.Marshal(it.Doc)
	if err != nil {
		return err
	}
	err = w.item.QueryRowContext(ctx, append([]any{it.Jurisdiction, it.Code, nullID(it.ParentID), it.Node,
		nullID(it.DepartmentID)}, columns(*it, doc, w.now)...)...).Scan(&it.ID)
	if db.IsUniqueViolation(err) {
		return errs.Field("code", "catalog.error.code_exists", map[string]any{"code": it.Code})
	} else if err != nil {
		return err
	}
	w.parents[it.Jurisdiction+"/"+it.Code] = parentRef{it.ID, it.Node}
	if err := w.details(ctx, it); err != nil {
		return err
	}
	if it.Status == Published {
		if err := w.search.index(ctx, *it); err != nil {
			return err
		}
		snap, err := json.Marshal(it)
		if err != nil {
			return err
		}
		if _, err := w.version.ExecContext(ctx, it.ID, 1, Published, string(snap), "[]", w.now, w.approver, w.now,
			"", w.now); err != nil {
			return err
		}
	}
	return nil
}

// columns are the values of catalog_items from name to updated_at.
func columns(it Item, doc []byte, now time.Time) []any {
	var eff any
	if !it.EffectiveFrom.IsZero() {
		eff = it.EffectiveFrom.UTC()
	}
	d := it.Doc
	return []any{it.Name, it.NameEN, it.Type, it.List, it.Status, d.CaseType, d.Statutory.Days,
		d.Promised.Days, forPersons(d), forEnterprises(d), d.Online, d.Visits,
		len(d.Fees) > 0, it.Generated, it.Version, eff, string(doc), searchText(it), it.CreatedAt, now}
}

func (w *writer) details(ctx context.Context, it *Item) error {
	for _, c := range uniq(it.Covers) {
		if _, err := w.cover.ExecContext(ctx, it.ID, c); err != nil {
			return err
		}
	}
	for _, e := range uniq(it.Events) {
		if _, err := w.event.ExecContext(ctx, it.ID, e); err != nil {
			return err
		}
	}
	return nil
}

// resolve finds the parent and checks the tree order (main → sub →
// handling, all in one jurisdiction) and the department's jurisdiction.
func (w *writer) resolve(ctx context.Context, it *Item) error {
	if it.ParentID == 0 && it.ParentCode != "" {
		p, ok := w.parents[it.Jurisdiction+"/"+it.ParentCode]
		if !ok {
			err := w.tx.QueryRow(ctx, "SELECT id, node FROM catalog_items WHERE jurisdiction_code = ? AND code = ?",
				it.Jurisdiction, it.ParentCode).Scan(&p.id, &p.node)
			if errors.Is(err, sql.ErrNoRows) {
				return errs.Field("parent_code", "catalog.error.parent_missing", nil)
			} else if err != nil {
				return err
			}
		}
		it.ParentID = p.id
		if !parentFits(p.node, it.Node) {
			return errs.Field("node", "catalog.error.parent_node", nil)
		}
	} else if it.ParentID != 0 {
		var node, j string
		err := w.tx.QueryRow(ctx, "SELECT node, jurisdiction_code FROM catalog_items WHERE id = ?", it.ParentID).Scan(&node, &j)
		if errors.Is(err, sql.ErrNoRows) || j != it.Jurisdiction {
			return errs.Field("parent_id", "catalog.error.parent_missing", nil)
		} else if err != nil {
			return err
		}
		if !parentFits(node, it.Node) {
			return errs.Field("node", "catalog.error.parent_node", nil)
		}
	} else if it.Node != Main && it.Node != Handling {
		return errs.Field("parent_code", "catalog.error.parent_missing", nil)
	}
	if it.DepartmentID == 0 {
		return nil
	}
	j, ok := w.deptJurisdiction[it.DepartmentID]
	if !ok {
		err := w.tx.QueryRow(ctx, "SELECT jurisdiction_code FROM departments WHERE id = ?", it.DepartmentID).Scan(&j)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		w.deptJurisdiction[it.DepartmentID] = j
	}
	if j != it.Jurisdiction {
		return errs.Field("department_id", "catalog.error.department", nil)
	}
	return nil
}

// parentFits: a sub-item sits under a main item; a business-handling item
// under a main item or a sub-item. A main item has no parent.
func parentFits(parent, child string) bool {
	switch child {
	case Sub:
		return parent == Main
	case Handling:
		return parent == Main || parent == Sub
	}
	return false
}

// forPersons and forEnterprises say whom an item serves (the for_persons
// and for_enterprises columns, and the search index's tags).
func forPersons(d Doc) bool { return slices.Contains(d.Objects, ObjectPerson) }

func forEnterprises(d Doc) bool {
	return slices.ContainsFunc(d.Objects, func(o int) bool { return o >= ObjectEnterprise && o <= ObjectUnincorp })
}

func searchText(it Item) string {
	parts := []string{it.Code, it.NameEN}
	for _, b := range it.Doc.LegalBasis {
		parts = append(parts, b.Law)
	}
	for _, r := range it.Doc.Results {
		parts = append(parts, r.Name)
	}
	for _, m := range it.Doc.Materials {
		parts = append(parts, m.Name)
	}
	return strings.Join(parts, " ")
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func uniq(v []string) []string {
	out := slices.Clone(v)
	slices.Sort(out)
	return slices.Compact(out)
}
