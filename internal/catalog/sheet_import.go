package catalog

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/org"
	"github.com/govhall/govhall/internal/tabular"
)

// ImportOptions say what an import is for.
type ImportOptions struct {
	// Jurisdiction, when set, is the list's jurisdiction: rows that name
	// another are refused, rows that name none belong to it.
	Jurisdiction string
	// Reported imports the list as a jurisdiction reported it (audited,
	// never applied for); otherwise items are drafts.
	Reported bool
	// Publish publishes every imported item as version 1 (an approved list).
	Publish bool
	// Partial imports the good records and keeps the bad ones as rejects;
	// otherwise one bad row imports nothing.
	Partial bool
	// Encoding of a CSV file (Auto detects UTF-8 or GB18030).
	Encoding tabular.Encoding
	// LicenceTypes, when set, are the e-licence type codes the data hub
	// knows: a material or result naming another is refused.
	LicenceTypes []string
	// Progress, when set, hears how far each step is: "read" (rows read,
	// total unknown: 0), "check" (records checked) and "store" (items
	// stored). It is called from the importing goroutine.
	Progress func(step string, done, total int)
}

func (o ImportOptions) progress(step string, done, total int) {
	if o.Progress != nil {
		o.Progress(step, done, total)
	}
}

// ImportResult is what an import did.
type ImportResult struct {
	Items, Basic, Duties int       // records imported
	Problems             []Problem // every problem, in file order (Partial: of the rejected records)
	rejects              []reject
}

// Rejected is the number of rejected rows.
func (r *ImportResult) Rejected() int { return len(r.rejects) }

type reject struct {
	r        row
	problems []Problem
}

// Import reads a catalog file (XLSX or CSV) and imports its standard items,
// implementation items and duties. Everything is validated first — cell
// formats, dictionary values, references between parts and to the store,
// and Check of every assembled item. Without Partial a single problem
// imports nothing and the error is an *ImportError listing every problem.
func (s *Service) Import(ctx context.Context, path string, o ImportOptions) (*ImportResult, error) {
	if o.Reported && o.Publish {
		return nil, errs.Field("publish", "catalog.sheet.reported_publish", nil)
	}
	p, err := readFile(path, o.Encoding, func(n int) { o.progress("read", n, 0) })
	if err != nil {
		return nil, err
	}
	var header []Problem
	for _, pr := range p.problems {
		if pr.Line <= 1 {
			header = append(header, pr)
		}
	}
	if len(header) > 0 { // the header is wrong: no row can be read with confidence
		sortProblems(header)
		return nil, &ImportError{Problems: header}
	}
	a := assemble(p, o.Jurisdiction)
	if err := s.verify(ctx, a, o); err != nil {
		return nil, err
	}
	a.fileRowProblems(p.problems)
	if o.Partial {
		a.propagate()
	}
	res := &ImportResult{}
	for _, rec := range a.records {
		res.Problems = append(res.Problems, rec.problems...)
	}
	res.Problems = append(res.Problems, a.loose...)
	sortProblems(res.Problems)
	if len(res.Problems) > 0 && !o.Partial {
		return nil, &ImportError{Problems: res.Problems}
	}
	res.rejects = a.rejects()
	if err := s.store(ctx, a, o, res); err != nil {
		return res, err
	}
	return res, nil
}

// fileRowProblems files what reading found wrong with a row (a cell outside
// its part, an unknown part) under the row's record, or as loose.
func (a *assembly) fileRowProblems(list []Problem) {
	at := map[string]*record{}
	for _, rec := range a.records {
		for _, r := range rec.rows {
			at[fmt.Sprint(r.sheet, "/", r.line)] = rec
		}
	}
	for _, pr := range list {
		if rec := at[fmt.Sprint(pr.Sheet, "/", pr.Line)]; rec != nil {
			pr.Code = rec.key
			rec.problems = append(rec.problems, pr)
			continue
		}
		a.loose = append(a.loose, pr)
		a.looseRow = append(a.looseRow, row{sheet: pr.Sheet, line: pr.Line})
	}
}

// propagate rejects what depends on a rejected record: the children of a
// rejected item or standard item, and items covering a rejected standard
// item.
func (a *assembly) propagate() {
	for changed := true; changed; {
		changed = false
		for _, rec := range a.records {
			if rec.bad() {
				continue
			}
			var dep *record
			var col string
			switch rec.kind {
			case sheetItems:
				dep, col = a.items[rec.item.ParentCode], "上级实施编码"
				for _, c := range rec.item.Covers {
					if b := a.basics[c]; b != nil && b.bad() {
						dep, col = b, colBasicCode
					}
				}
			case sheetBasic:
				dep, col = a.basics[rec.basic.ParentCode], "上级基本编码"
			}
			if dep != nil && dep.bad() {
				rec.fail(rec.head, errs.Field(col, "catalog.sheet.depends_on_rejected", map[string]any{"code": dep.key}))
				changed = true
			}
		}
	}
}

// rejects are the rows of the rejected records and the rows that belong to
// none, in file order within each part.
func (a *assembly) rejects() []reject {
	var out []reject
	for _, rec := range a.records {
		if !rec.bad() {
			continue
		}
		for _, r := range rec.rows {
			var ps []Problem
			for _, p := range rec.problems {
				if p.Sheet == r.sheet && p.Line == r.line {
					ps = append(ps, p)
				}
			}
			if len(ps) == 0 {
				ps = []Problem{{Sheet: r.sheet, Line: r.line, Code: rec.key,
					Err: errs.New(errs.Invalid, "catalog.sheet.record_rejected")}}
			}
			out = append(out, reject{r: r, problems: ps})
		}
	}
	for i, r := range a.looseRow {
		out = append(out, reject{r: r, problems: []Problem{a.loose[i]}})
	}
	return out
}

// WriteRejects writes the rejected rows to path (CSV or XLSX, by its
// extension) in the layout of a catalog file, each row with the reasons in
// a last column 错误原因 (in lang). Corrected, the file imports again.
func (r *ImportResult) WriteRejects(path, lang string) error {
	f, err := tabular.FormatOf(path)
	if err != nil {
		return err
	}
	b, err := createBook(path, f, extraColumn{name: reasonColumn, on: true})
	if err != nil {
		return err
	}
	for _, rj := range r.rejects {
		msgs := make([]string, len(rj.problems))
		for i, p := range rj.problems {
			msgs[i] = p.Message(lang)
		}
		out := rj.r
		out.cells = append(append([]string(nil), rj.r.cells...), strings.Join(msgs, "\n"))
		if err := b.write(out); err != nil {
			b.Close()
			return err
		}
	}
	return b.Close()
}

// store writes the good records: the standard items, each jurisdiction's
// items, then the duties.
func (s *Service) store(ctx context.Context, a *assembly, o ImportOptions, res *ImportResult) error {
	var basics []BasicItem
	for _, rec := range ordered(a.records, sheetBasic, a.basicParent) {
		basics = append(basics, rec.basic)
	}
	if len(basics) > 0 {
		if err := s.PutBasic(ctx, basics); err != nil {
			return fmt.Errorf("import standard catalog: %w", err)
		}
		res.Basic = len(basics)
	}
	byJ := map[string][]Item{}
	var order []string
	for _, rec := range ordered(a.records, sheetItems, a.itemParent) {
		it := rec.item
		it.Status = itemStatus(o)
		if byJ[it.Jurisdiction] == nil {
			order = append(order, it.Jurisdiction)
		}
		byJ[it.Jurisdiction] = append(byJ[it.Jurisdiction], it)
	}
	for _, j := range order {
		// Every item passed Check while the file was verified.
		if err := s.createChecked(ctx, byJ[j]); err != nil {
			return fmt.Errorf("import the list of %s (%d items imported before it): %w", j, res.Items, err)
		}
		res.Items += len(byJ[j])
		o.progress("store", res.Items, len(a.items))
	}
	for _, rec := range a.records {
		if rec.kind == sheetDuties && !rec.bad() {
			if _, err := s.PutDuty(ctx, rec.duty); err != nil {
				return fmt.Errorf("import duty %s: %w", rec.duty.Code, err)
			}
			res.Duties++
		}
	}
	return nil
}

func itemStatus(o ImportOptions) string {
	switch {
	case o.Reported:
		return Reported
	case o.Publish:
		return Published
	}
	return Draft
}

// ordered lists the good records of a kind, parents before children (file
// order otherwise).
func ordered(recs []*record, kind string, parent func(*record) *record) []*record {
	done := map[*record]bool{}
	var out []*record
	var visit func(r *record, depth int)
	visit = func(r *record, depth int) {
		if done[r] || r.bad() || depth > len(recs) {
			return
		}
		if p := parent(r); p != nil {
			visit(p, depth+1)
		}
		done[r] = true
		out = append(out, r)
	}
	for _, r := range recs {
		if r.kind == kind && !r.bad() {
			visit(r, 0)
		}
	}
	return out
}

func (a *assembly) itemParent(r *record) *record {
	if p := a.items[r.item.ParentCode]; p != nil && p.item.Jurisdiction == r.item.Jurisdiction {
		return p
	}
	return nil
}

func (a *assembly) basicParent(r *record) *record { return a.basics[r.basic.ParentCode] }

// orgService reads jurisdictions and departments from the same store.
func (s *Service) orgService() *org.Service {
	return &org.Service{DB: s.DB, Audit: s.Audit, Now: s.Now}
}

// isNotFound reports whether err says a record does not exist.
func isNotFound(err error) bool { return errors.Is(err, db.ErrNotFound) }
