package catalog

import (
	"strings"

	"github.com/govhall/govhall/internal/errs"
)

// record is one item, standard item or duty being assembled from its rows.
type record struct {
	kind     string // sheetItems, sheetBasic or sheetDuties
	key      string
	head     row   // the record's own row
	rows     []row // every row of the record, for a rejects file
	problems []Problem
	item     Item
	basic    BasicItem
	duty     Duty
	parts    map[string][]row // part → rows in order
	risks    map[string][]row // step key → risk rows
	leads    []string         // a duty's departments, as written
	coops    []string
}

func (r *record) bad() bool { return len(r.problems) > 0 }

// fail records a problem of one of the record's rows.
func (r *record) fail(at row, e *errs.Error) {
	r.problems = append(r.problems, Problem{Sheet: at.sheet, Line: at.line, Column: e.Field, Code: r.key, Err: e})
}

func (r *record) failCells(c *cells) {
	for _, e := range c.errs {
		r.fail(c.r, e)
	}
}

// assembly is a catalog file turned into records.
type assembly struct {
	records  []*record
	items    map[string]*record // by implementation code
	basics   map[string]*record // by basic code
	duties   map[string]*record // by jurisdiction/duty code
	loose    []Problem          // problems of rows that belong to no record
	looseRow []row
}

// assemble builds the records of a file; jurisdiction, when set, is the
// list's jurisdiction for rows that leave it empty.
func assemble(p *parts, jurisdiction string) *assembly {
	a := &assembly{items: map[string]*record{}, basics: map[string]*record{}, duties: map[string]*record{}}
	for _, r := range p.rows[sheetBasic] {
		b, c := basicRow(r)
		a.add(a.basics, &record{kind: sheetBasic, key: b.Code, head: r, basic: b}, c)
	}
	for _, r := range p.rows[sheetItems] {
		it, c := itemRow(r)
		rec := &record{kind: sheetItems, key: it.Code, head: r, item: it}
		rec.item.Jurisdiction = a.jurisdiction(rec, colJurisdiction, it.Jurisdiction, jurisdiction)
		a.add(a.items, rec, c)
	}
	for _, r := range p.rows[sheetDuties] {
		d, leads, coops, c := dutyRow(r)
		rec := &record{kind: sheetDuties, head: r, duty: d, leads: leads, coops: coops}
		rec.duty.Jurisdiction = a.jurisdiction(rec, colJurisdiction, d.Jurisdiction, jurisdiction)
		rec.key = rec.duty.Jurisdiction + "/" + d.Code
		a.add(a.duties, rec, c)
	}
	for _, s := range sheets {
		if s.name == sheetItems || s.name == sheetBasic || s.name == sheetDuties {
			continue
		}
		for _, r := range p.rows[s.name] {
			a.attach(r, jurisdiction)
		}
	}
	for _, rec := range a.records {
		switch rec.kind {
		case sheetItems:
			rec.buildItem()
		case sheetBasic, sheetDuties:
			rec.buildBases()
		}
	}
	return a
}

// jurisdiction settles a row's jurisdiction against the one the import is for.
func (a *assembly) jurisdiction(rec *record, col, cell, given string) string {
	switch {
	case cell == "" && given == "":
		rec.fail(rec.head, errs.Field(col, "catalog.sheet.required", nil))
	case cell == "":
		return given
	case given != "" && cell != given:
		rec.fail(rec.head, errs.Field(col, "catalog.sheet.other_jurisdiction", map[string]any{"value": cell, "want": given}))
	}
	return cell
}

// add files a record under its key; a key seen before fails both rows.
func (a *assembly) add(by map[string]*record, rec *record, c *cells) {
	rec.rows = append(rec.rows, rec.head)
	if rec.parts == nil {
		rec.parts, rec.risks = map[string][]row{}, map[string][]row{}
	}
	rec.failCells(c)
	a.records = append(a.records, rec)
	if rec.key == "" || strings.HasSuffix(rec.key, "/") {
		return
	}
	if first, dup := by[rec.key]; dup {
		col := sheets[sheetIndex[rec.kind]].columns[0]
		if rec.kind == sheetDuties {
			col = colDutyCode
		}
		e := errs.Field(col, "catalog.sheet.duplicate_code", map[string]any{"code": rec.key, "line": first.head.line})
		rec.fail(rec.head, e)
		first.fail(first.head, errs.Field(col, "catalog.sheet.duplicate_code", map[string]any{"code": rec.key, "line": rec.head.line}))
		return
	}
	by[rec.key] = rec
}

// attach files a row of a nested part under its record.
func (a *assembly) attach(r row, jurisdiction string) {
	var rec *record
	var col, key string
	switch {
	case r.sheet == sheetBasis && strings.TrimSpace(r.get(colCode)) == "" && strings.TrimSpace(r.get(colBasicCode)) != "":
		col, key = colBasicCode, strings.TrimSpace(r.get(colBasicCode))
		rec = a.basics[key]
	case r.sheet == sheetBasis && strings.TrimSpace(r.get(colCode)) == "" && strings.TrimSpace(r.get(colDutyCode)) != "":
		col, key = colDutyCode, strings.TrimSpace(r.get(colDutyCode))
		rec = a.dutyFor(key, jurisdiction)
	default:
		col, key = colCode, strings.TrimSpace(r.get(colCode))
		rec = a.items[key]
	}
	if rec == nil {
		k := "catalog.sheet.unknown_item"
		if key == "" {
			k = "catalog.sheet.required"
		}
		a.loose = append(a.loose, Problem{Sheet: r.sheet, Line: r.line, Column: col, Code: key,
			Err: errs.Field(col, k, map[string]any{"code": key})})
		a.looseRow = append(a.looseRow, r)
		return
	}
	rec.rows = append(rec.rows, r)
	if r.sheet == sheetRisks {
		k := strings.TrimSpace(r.get(colStepKey))
		rec.risks[k] = append(rec.risks[k], r)
		return
	}
	rec.parts[r.sheet] = append(rec.parts[r.sheet], r)
}

// dutyFor finds a duty by code: a basis row names no jurisdiction, so the
// code must be unique in the file unless the import is for one jurisdiction.
func (a *assembly) dutyFor(code, jurisdiction string) *record {
	if jurisdiction != "" {
		return a.duties[jurisdiction+"/"+code]
	}
	var found *record
	for k, rec := range a.duties {
		if strings.HasSuffix(k, "/"+code) {
			if found != nil {
				return nil
			}
			found = rec
		}
	}
	return found
}

// buildItem reads the item's nested rows into its Doc.
func (rec *record) buildItem() {
	it := &rec.item
	d := &it.Doc
	read := func(part string, fn func(row) *cells) {
		for _, r := range rec.parts[part] {
			rec.failCells(fn(r))
		}
	}
	read(sheetBasis, func(r row) *cells { b, c := basisRow(r); d.LegalBasis = append(d.LegalBasis, b); return c })
	read(sheetCovers, func(r row) *cells {
		c := &cells{r: r}
		it.Covers = append(it.Covers, c.required(colBasicCode))
		return c
	})
	read(sheetMaterials, func(r row) *cells { m, c := materialRow(r); d.Materials = append(d.Materials, m); return c })
	read(sheetFees, func(r row) *cells { f, c := feeRow(r); d.Fees = append(d.Fees, f); return c })
	read(sheetForm, func(r row) *cells { f, c := fieldRow(r); d.Form = append(d.Form, f); return c })
	read(sheetFlow, func(r row) *cells { s, c := stepRow(r); d.Flow = append(d.Flow, s); return c })
	read(sheetResults, func(r row) *cells { x, c := resultRow(r); d.Results = append(d.Results, x); return c })
	for key, rows := range rec.risks {
		i := stepIndex(d.Flow, key)
		for _, r := range rows {
			k, c := riskRow(r)
			rec.failCells(c)
			if i < 0 {
				rec.fail(r, errs.Field(colStepKey, "catalog.sheet.unknown_step", map[string]any{"key": key}))
				continue
			}
			d.Flow[i].Risks = append(d.Flow[i].Risks, k)
		}
	}
}

func stepIndex(steps []Step, key string) int {
	for i, s := range steps {
		if s.Key == key {
			return i
		}
	}
	return -1
}

// buildBases reads the legal bases of a standard item or a duty.
func (rec *record) buildBases() {
	var list []Basis
	for _, r := range rec.parts[sheetBasis] {
		b, c := basisRow(r)
		rec.failCells(c)
		list = append(list, b)
	}
	if rec.kind == sheetBasic {
		rec.basic.LegalBasis = list
	} else {
		rec.duty.LegalBasis = list
	}
}
