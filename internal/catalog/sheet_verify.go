package catalog

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/org"
)

// storeFacts is what verification needs from the store: the jurisdictions
// and departments named, the item codes taken, the standard's codes.
type storeFacts struct {
	jurisdictions map[string]bool
	deps          *departments
	taken         map[string]map[string]string // jurisdiction → existing item code → node
	basic         map[string]string            // standard code → node, in the store or the file
}

// verify checks every record against the others and against the store,
// recording problems on the records. An error is a store failure.
func (s *Service) verify(ctx context.Context, a *assembly, o ImportOptions) error {
	f, err := s.facts(ctx, a)
	if err != nil {
		return err
	}
	for i, rec := range a.records {
		if i%500 == 0 {
			o.progress("check", i, len(a.records))
		}
		switch rec.kind {
		case sheetBasic:
			a.verifyBasic(rec, f)
		case sheetItems:
			a.verifyItem(rec, f, o)
		case sheetDuties:
			verifyDuty(rec, f)
		}
	}
	a.findCycles()
	o.progress("check", len(a.records), len(a.records))
	return nil
}

func (s *Service) facts(ctx context.Context, a *assembly) (*storeFacts, error) {
	f := &storeFacts{jurisdictions: map[string]bool{}, taken: map[string]map[string]string{}, basic: map[string]string{}}
	o := s.orgService()
	var deps []org.Department
	for _, rec := range a.records {
		j := rec.item.Jurisdiction + rec.duty.Jurisdiction
		if j == "" || len(j) != 12 {
			continue
		}
		if _, seen := f.jurisdictions[j]; seen {
			continue
		}
		_, err := o.Jurisdiction(ctx, j)
		if err != nil && !isNotFound(err) {
			return nil, err
		}
		f.jurisdictions[j] = err == nil
		list, err := o.Departments(ctx, j)
		if err != nil {
			return nil, err
		}
		deps = append(deps, list...)
		if f.taken[j], err = s.codesOf(ctx, j); err != nil {
			return nil, err
		}
	}
	f.deps = newDepartments(deps)
	rows, err := s.DB.Query(ctx, "SELECT code, node FROM catalog_basic_items")
	if err != nil {
		return nil, fmt.Errorf("read standard codes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var code, node string
		if err := rows.Scan(&code, &node); err != nil {
			return nil, err
		}
		f.basic[code] = node
	}
	for code, rec := range a.basics {
		f.basic[code] = rec.basic.Node
	}
	return f, rows.Err()
}

// codesOf lists the item codes a jurisdiction already has, with their node.
func (s *Service) codesOf(ctx context.Context, j string) (map[string]string, error) {
	rows, err := s.DB.Query(ctx, "SELECT code, node FROM catalog_items WHERE jurisdiction_code = ?", j)
	if err != nil {
		return nil, fmt.Errorf("read item codes: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var code, node string
		if err := rows.Scan(&code, &node); err != nil {
			return nil, err
		}
		out[code] = node
	}
	return out, rows.Err()
}

func (a *assembly) verifyBasic(rec *record, f *storeFacts) {
	b := rec.basic
	if b.ParentCode != "" {
		if node, ok := f.basic[b.ParentCode]; !ok {
			rec.fail(rec.head, errs.Field("上级基本编码", "catalog.sheet.unknown_parent", map[string]any{"code": b.ParentCode}))
		} else if !parentFits(node, b.Node) {
			rec.fail(rec.head, errs.Field(colNode, "catalog.error.parent_node", nil))
		}
	}
	if rec.bad() {
		return
	}
	basicCols := map[string]string{"code": colBasicCode, "name": colName, "node": colNode, "type": colType,
		"list": colList, "use_levels": colUseLevels, "legal_basis": "法律法规名称", "parent_code": "上级基本编码"}
	for _, e := range errs.Fields(errs.Join(checkBasic(b)...)) {
		c := *e
		c.Field = basicCols[e.Field]
		rec.fail(rec.head, &c)
	}
}

func (a *assembly) verifyItem(rec *record, f *storeFacts, o ImportOptions) {
	it := &rec.item
	if ok, known := f.jurisdictions[it.Jurisdiction]; known && !ok {
		rec.fail(rec.head, errs.Field(colJurisdiction, "catalog.sheet.unknown_jurisdiction", map[string]any{"code": it.Jurisdiction}))
	}
	if _, ok := f.taken[it.Jurisdiction][it.Code]; ok && it.Code != "" {
		rec.fail(rec.head, errs.Field(colCode, "catalog.error.code_exists", map[string]any{"code": it.Code}))
	}
	a.verifyParent(rec, f)
	rec.resolveDepartment(f.deps)
	for i, c := range it.Covers {
		if _, ok := f.basic[c]; !ok && c != "" {
			rec.fail(rec.parts[sheetCovers][i], errs.Field(colBasicCode, "catalog.sheet.unknown_basic", map[string]any{"code": c}))
		}
	}
	for _, c := range it.Doc.Prerequisites {
		if _, ok := f.basic[c]; !ok {
			rec.fail(rec.head, errs.Field("前置事项", "catalog.sheet.unknown_basic", map[string]any{"code": c}))
		}
	}
	rec.verifyLicences(o.LicenceTypes)
	if rec.bad() {
		return // Check would repeat what the cells already said
	}
	it.Status = itemStatus(o)
	for _, e := range errs.Fields(Check(*it, it.Status == Published)) {
		rec.failCheck(e)
	}
}

// verifyLicences checks the e-licence types of materials and results
// against the hub's, when the import knows them.
func (rec *record) verifyLicences(known []string) {
	if known == nil {
		return
	}
	for _, p := range []struct{ part, col string }{{sheetMaterials, "电子证照类型"}, {sheetResults, "结果证照类型"}} {
		for _, r := range rec.parts[p.part] {
			if v := strings.TrimSpace(r.get(p.col)); v != "" && !slices.Contains(known, v) {
				rec.fail(r, errs.Field(p.col, "catalog.sheet.unknown_licence_type", map[string]any{"value": v}))
			}
		}
	}
}

// verifyParent finds the item's parent in the file or the store and checks
// the granularity tree (main → sub → handling).
func (a *assembly) verifyParent(rec *record, f *storeFacts) {
	it := rec.item
	if it.ParentCode == "" {
		if it.Node == Sub {
			rec.fail(rec.head, errs.Field("上级实施编码", "catalog.error.parent_missing", nil))
		}
		return
	}
	node, ok := f.taken[it.Jurisdiction][it.ParentCode]
	if p := a.items[it.ParentCode]; p != nil && p.item.Jurisdiction == it.Jurisdiction {
		node, ok = p.item.Node, true
	}
	switch {
	case !ok:
		rec.fail(rec.head, errs.Field("上级实施编码", "catalog.sheet.unknown_parent", map[string]any{"code": it.ParentCode}))
	case !parentFits(node, it.Node):
		rec.fail(rec.head, errs.Field(colNode, "catalog.error.parent_node", nil))
	}
}

// resolveDepartment finds the implementing department by credit code or
// name within the item's jurisdiction.
func (rec *record) resolveDepartment(d *departments) {
	name := strings.TrimSpace(rec.head.get("实施主体"))
	credit := strings.TrimSpace(rec.head.get("实施主体编码"))
	j := rec.item.Jurisdiction
	switch {
	case credit != "":
		id, ok, _ := d.find(j, credit)
		if !ok || d.byID[id].CreditCode != credit {
			rec.fail(rec.head, errs.Field("实施主体编码", "catalog.sheet.unknown_department", map[string]any{"value": credit}))
		} else if name != "" && d.byID[id].Name != name {
			rec.fail(rec.head, errs.Field("实施主体", "catalog.sheet.department_mismatch", map[string]any{"value": name}))
		}
		rec.item.DepartmentID = id
	case name != "":
		id, ok, ambiguous := d.find(j, name)
		switch {
		case ambiguous:
			rec.fail(rec.head, errs.Field("实施主体", "catalog.sheet.ambiguous_department", map[string]any{"value": name}))
		case !ok:
			rec.fail(rec.head, errs.Field("实施主体", "catalog.sheet.unknown_department", map[string]any{"value": name}))
		}
		rec.item.DepartmentID = id
	}
}

// failCheck files a Check error on the row and column it concerns.
func (rec *record) failCheck(e *errs.Error) {
	at := locate(e.Field)
	r := rec.head
	switch {
	case at.part == sheetRisks:
		steps := rec.parts[sheetFlow]
		if at.index < len(steps) {
			key := strings.TrimSpace(steps[at.index].get(colStepKey))
			if at.sub < len(rec.risks[key]) {
				r = rec.risks[key][at.sub]
			}
		}
	case at.part != sheetItems:
		rows := rec.parts[at.part]
		if at.index >= 0 && at.index < len(rows) {
			r = rows[at.index]
		} else if at.index < 0 && len(rows) > 0 {
			r = rows[0]
		}
	}
	c := *e
	c.Field = at.column // "" when the problem is the row's as a whole
	rec.fail(r, &c)
}

func verifyDuty(rec *record, f *storeFacts) {
	d := &rec.duty
	if ok, known := f.jurisdictions[d.Jurisdiction]; known && !ok {
		rec.fail(rec.head, errs.Field(colJurisdiction, "catalog.sheet.unknown_jurisdiction", map[string]any{"code": d.Jurisdiction}))
	}
	if len(d.LegalBasis) == 0 || strings.TrimSpace(d.LegalBasis[0].Law) == "" {
		rec.fail(rec.head, errs.Field("法律法规名称", "catalog.error.basis_required", nil))
	}
	seen := map[int64]bool{}
	for _, side := range []struct {
		col   string
		names []string
		ids   *[]int64
	}{{"牵头部门", rec.leads, &d.Lead}, {"配合部门", rec.coops, &d.Cooperate}} {
		for _, n := range side.names {
			id, ok, ambiguous := f.deps.find(d.Jurisdiction, strings.TrimSpace(n))
			switch {
			case ambiguous:
				rec.fail(rec.head, errs.Field(side.col, "catalog.sheet.ambiguous_department", map[string]any{"value": n}))
			case !ok:
				rec.fail(rec.head, errs.Field(side.col, "catalog.sheet.unknown_department", map[string]any{"value": n}))
			case seen[id]:
				rec.fail(rec.head, errs.Field(side.col, "catalog.error.duty_role_twice", nil))
			default:
				seen[id] = true
				*side.ids = append(*side.ids, id)
			}
		}
	}
}

// findCycles fails items and standard items whose parents lead back to
// themselves.
func (a *assembly) findCycles() {
	for _, rec := range a.records {
		var next func(*record) *record
		col := "上级实施编码"
		switch rec.kind {
		case sheetItems:
			next = a.itemParent
		case sheetBasic:
			next, col = a.basicParent, "上级基本编码"
		default:
			continue
		}
		p := next(rec)
		for i := 0; p != nil && i <= len(a.records); i++ {
			if p == rec {
				rec.fail(rec.head, errs.Field(col, "catalog.sheet.cycle", nil))
				break
			}
			p = next(p)
		}
	}
}
