package catalog

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/org"
	"github.com/govhall/govhall/internal/tabular"
)

// ExportOptions choose what an export holds. With neither field set it
// holds everything: the standard catalog and every jurisdiction's list.
type ExportOptions struct {
	Jurisdiction string // this jurisdiction's list: its items and duties
	Standard     bool   // the standard catalog (基本目录)
	// Progress, when set, hears the items exported so far of a list's total.
	Progress func(done, total int)
}

// ExportStats count what was written.
type ExportStats struct {
	Items, Basic, Duties int
}

// exportBatch is how many items are read from the store at a time: memory
// holds one batch, never the whole list.
const exportBatch = 500

// Export writes a catalog file (format CSV or XLSX) at path. The order is
// fixed — standard items by code, each jurisdiction's items in tree order
// (siblings by code), duties by code — so exporting what an export
// imported gives the same file.
func (s *Service) Export(ctx context.Context, path string, f tabular.Format, o ExportOptions) (ExportStats, error) {
	b, err := createBook(path, f, extraColumn{})
	if err != nil {
		return ExportStats{}, err
	}
	st, err := s.export(ctx, b, o)
	if cerr := b.Close(); err == nil {
		err = cerr
	}
	return st, err
}

func (s *Service) export(ctx context.Context, b book, o ExportOptions) (ExportStats, error) {
	var st ExportStats
	all := o.Jurisdiction == "" && !o.Standard
	lists := []string{}
	if o.Jurisdiction != "" {
		if _, err := s.orgService().Jurisdiction(ctx, o.Jurisdiction); isNotFound(err) {
			return st, errs.Field("jurisdiction", "catalog.sheet.unknown_jurisdiction", map[string]any{"code": o.Jurisdiction})
		} else if err != nil {
			return st, err
		}
		lists = append(lists, o.Jurisdiction)
	} else if all {
		var err error
		if lists, err = s.listJurisdictions(ctx); err != nil {
			return st, err
		}
	}
	e := &encoder{}
	var deps []org.Department
	for _, j := range lists {
		list, err := s.orgService().Departments(ctx, j)
		if err != nil {
			return st, err
		}
		deps = append(deps, list...)
	}
	e.deps = newDepartments(deps)
	if o.Standard || all {
		n, err := s.exportBasic(ctx, b, e)
		if err != nil {
			return st, err
		}
		st.Basic = n
	}
	for _, j := range lists {
		n, err := s.exportItems(ctx, b, e, j, o.Progress)
		if err != nil {
			return st, err
		}
		st.Items += n
		if n, err = s.exportDuties(ctx, b, e, j); err != nil {
			return st, err
		}
		st.Duties += n
	}
	return st, nil
}

// listJurisdictions lists the jurisdictions that have items or duties.
func (s *Service) listJurisdictions(ctx context.Context) ([]string, error) {
	rows, err := s.DB.Query(ctx, `SELECT jurisdiction_code FROM catalog_items UNION
		SELECT jurisdiction_code FROM catalog_duties ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("list jurisdictions with a catalog: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var j string
		if err := rows.Scan(&j); err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// writeRows writes a record's rows, refusing one that would not read back.
func writeRows(b book, e *encoder, what string, rows []row) error {
	if len(e.lossy) > 0 {
		err := e.lossyError(what)
		e.lossy = nil
		return err
	}
	for _, r := range rows {
		if err := b.write(r); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	return nil
}

func (s *Service) exportBasic(ctx context.Context, b book, e *encoder) (int, error) {
	list, err := s.BasicItems(ctx, 0)
	if err != nil {
		return 0, err
	}
	for _, x := range list {
		if err := writeRows(b, e, "basic item "+x.Code, e.basic(x)); err != nil {
			return 0, err
		}
	}
	return len(list), nil
}

func (s *Service) exportDuties(ctx context.Context, b book, e *encoder, j string) (int, error) {
	list, err := s.Duties(ctx, j)
	if err != nil {
		return 0, err
	}
	for _, d := range list {
		byRef := func(a, b int64) int { return strings.Compare(e.deps.ref(a), e.deps.ref(b)) }
		slices.SortFunc(d.Lead, byRef)
		slices.SortFunc(d.Cooperate, byRef)
		if err := writeRows(b, e, "duty "+d.Code, e.duty(d)); err != nil {
			return 0, err
		}
	}
	return len(list), nil
}

// node is an item's place in its list's tree.
type node struct {
	id, parent int64
	code       string
}

// treeOrder lists a jurisdiction's item IDs depth first, siblings by code,
// with each item's parent code.
func (s *Service) treeOrder(ctx context.Context, j string) ([]int64, map[int64]string, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, COALESCE(parent_id, 0), code FROM catalog_items
		WHERE jurisdiction_code = ? ORDER BY code`, j)
	if err != nil {
		return nil, nil, fmt.Errorf("read the tree of %s: %w", j, err)
	}
	defer rows.Close()
	var all []node
	code := map[int64]string{}
	children := map[int64][]int64{}
	for rows.Next() {
		var n node
		if err := rows.Scan(&n.id, &n.parent, &n.code); err != nil {
			return nil, nil, err
		}
		all = append(all, n)
		code[n.id] = n.code
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	parentCode := map[int64]string{}
	for _, n := range all { // code order, so children lists are in code order
		if _, ok := code[n.parent]; !ok {
			n.parent = 0
		}
		children[n.parent] = append(children[n.parent], n.id)
		parentCode[n.id] = code[n.parent]
	}
	order := make([]int64, 0, len(all))
	var walk func(id int64)
	walk = func(id int64) {
		for _, c := range children[id] {
			order = append(order, c)
			walk(c)
		}
	}
	walk(0)
	return order, parentCode, nil
}

func (s *Service) exportItems(ctx context.Context, b book, e *encoder, j string, progress func(done, total int)) (int, error) {
	order, parentCode, err := s.treeOrder(ctx, j)
	if err != nil {
		return 0, err
	}
	for start := 0; start < len(order); start += exportBatch {
		ids := order[start:min(start+exportBatch, len(order))]
		in := make([]string, len(ids))
		for i, id := range ids {
			in[i] = fmt.Sprint(id)
		}
		items, err := s.queryItems(ctx, "SELECT "+itemCols+" FROM catalog_items i WHERE i.id IN ("+
			strings.Join(in, ",")+")") // integers we read ourselves: safe to inline
		if err != nil {
			return 0, err
		}
		byID := make(map[int64]*Item, len(items))
		for i := range items {
			byID[items[i].ID] = &items[i]
		}
		for _, id := range ids {
			it := byID[id]
			if it == nil {
				return 0, fmt.Errorf("item %d vanished during export", id)
			}
			if err := writeRows(b, e, "item "+it.Code, e.item(*it, parentCode[id])); err != nil {
				return 0, err
			}
		}
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if progress != nil {
			progress(start+len(ids), len(order))
		}
	}
	return len(order), nil
}
