package hub

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/tabular"
)

// run is one pass-by-pass execution of an import.
type run struct {
	s         *Service
	req       ImportRequest
	f         *format
	cols      []string // f.cols()
	colmap    []int
	p         *parser
	imp       importRow
	auth      []bool // per cols: the source is the element's authority
	allAuth   bool
	authSrc   []string
	fresh     bool // first load into an empty table: no lookups, keys rebuilt at the end
	conflicts int64
	pause     time.Duration
	g         *group // the run of files this one is imported with, or nil
	pending   bool   // loaded with the keys down for the group's next file
	holders   holderCheck
}

// BatchPauseEnv names a test-only hook: a duration to sleep after each
// committed batch, so a test can kill an import between two batches.
const BatchPauseEnv = "GOVHALL_HUB_TEST_BATCH_PAUSE"

func (s *Service) newRun(ctx context.Context, req ImportRequest, f *format, colmap []int, imp importRow) (*run, error) {
	if req.BatchSize <= 0 {
		req.BatchSize = DefaultBatch
	}
	r := &run{s: s, req: req, f: f, cols: f.cols(), colmap: colmap, imp: imp, fresh: imp.Fresh}
	if d, err := time.ParseDuration(os.Getenv(BatchPauseEnv)); err == nil {
		r.pause = d
	}
	var err error
	if r.p, err = s.newParser(ctx, req.Source); err != nil {
		return nil, err
	}
	src, err := s.sources(ctx)
	if err != nil {
		return nil, err
	}
	r.auth, r.authSrc = make([]bool, len(r.cols)), make([]string, len(r.cols))
	for i, c := range r.cols {
		r.authSrc[i] = src[f.table.subject+"."+c]
		// Licence rows are checked by type instead (parseLicence).
		r.auth[i] = f.kind == KindLicence || r.authSrc[i] == req.Source
	}
	r.allAuth = !slices.Contains(r.auth, false)
	return r, nil
}

func (r *run) run(ctx context.Context) error {
	if err := r.s.checkNoUnfinishedFirstLoad(ctx, r.f, r.imp.ID, r.g.names()); err != nil {
		return err
	}
	if err := r.startFirstLoad(ctx); err != nil {
		return err
	}
	// The file is read once and written as it is read. Without --partial
	// a rejected row stops the writing; the rows are then read on for the
	// rejects file, and what was written is taken back: a first load
	// deletes the rows carrying its provenance, any other load puts back
	// what its undo table kept (see undo.go).
	if err := r.useHolderSet(ctx); err != nil {
		return err
	}
	if !r.imp.Checked {
		// From here on a re-run resumes the load.
		r.imp.Checked = true
		if _, err := r.s.DB.Exec(ctx, "UPDATE hub_imports SET checked = ? WHERE id = ?", true, r.imp.ID); err != nil {
			return err
		}
	}
	if r.fresh {
		if err := r.pass(ctx); err != nil {
			return err
		}
		return r.endFirstLoad(ctx)
	}
	ctx = db.WithBulkCache(ctx, db.LookupCacheKiB)
	if r.undoing() {
		if err := r.createUndo(ctx); err != nil {
			return err
		}
	}
	if err := r.s.dropFedIndexes(ctx, r.f.table, r.cols, r.imp.Size); err != nil {
		return err
	}
	if err := r.pass(ctx); err != nil {
		return err
	}
	status, msg := "done", ""
	var err error
	switch {
	case r.discarding():
		status, msg = "failed", rejectedMsg(r.imp.Rejected)
		err = r.undo(ctx)
		r.imp.Inserted, r.imp.Updated, r.imp.Unchanged = 0, 0, 0
	case r.undoing():
		err = r.dropUndo(ctx)
	}
	if err != nil {
		return err
	}
	if err := r.s.buildIndexes(ctx, r.f.table); err != nil {
		return err
	}
	return r.s.finish(ctx, &r.imp, status, msg)
}

// startFirstLoad takes the table's keys down for a first load: into an
// empty table, or appending to the group's first load (the previous file
// left the keys down for this one). A resumed first load takes them down
// again should they have been rebuilt meanwhile.
func (r *run) startFirstLoad(ctx context.Context) error {
	join := r.g.keysDown(r.f)
	if !r.fresh && !join && r.imp.LastLine == 0 && r.f.creates && r.auth[0] {
		empty, err := r.s.tableEmpty(ctx, r.f.table)
		if err != nil || !empty {
			return err
		}
		join = true
	}
	if !r.fresh && !join {
		return nil
	}
	var err error
	r.fresh, err = r.s.dropKeys(ctx, r.f.table, r.imp)
	return err
}

// endFirstLoad takes back the rows of a refused file, then leaves the keys
// down for the group's next file or builds them and finishes the imports
// that waited for them.
func (r *run) endFirstLoad(ctx context.Context) error {
	if r.discarding() {
		if _, err := r.s.DB.Exec(ctx, "DELETE FROM "+r.f.table.name+" WHERE "+r.f.prov+" = ?", r.imp.ID); err != nil {
			return fmt.Errorf("take back the rows of a rejected file: %w", err)
		}
		r.imp.Inserted, r.imp.Updated = 0, 0
	}
	if r.g != nil && r.g.more && !r.discarding() {
		r.pending = true
		r.g.wait(r)
		_, err := r.s.DB.Exec(ctx, "UPDATE hub_imports SET rows_inserted = ?, updated_at = ? WHERE id = ?",
			r.imp.Inserted, r.s.now(), r.imp.ID)
		return err
	}
	status, msg := "done", ""
	if r.discarding() {
		status, msg = "failed", rejectedMsg(r.imp.Rejected)
	}
	return r.s.closeFirstLoad(ctx, r.f, append(r.g.take(), r), status, msg)
}

func rejectedMsg(n int64) string {
	return fmt.Sprintf("%d rows rejected; nothing imported (use --partial to import the good rows)", n)
}

// discarding: a load without --partial has met a rejected row, so it
// writes no more records and will take back those it wrote.
func (r *run) discarding() bool { return !r.imp.Partial && r.imp.Rejected > 0 }

// pass streams the file through the parser (one goroutine) into the
// writer (this one), a batch at a time, after the last committed line.
func (r *run) pass(ctx context.Context) error {
	rd, err := tabular.Open(r.req.Path, r.req.Options)
	if err != nil {
		return err
	}
	defer rd.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []*rec, 1) // one parsed ahead: memory stays at ~3 batches
	errc := make(chan error, 1)
	skip := r.imp.LastLine
	go func() {
		defer close(batches)
		errc <- r.produce(ctx, rd, skip, batches)
	}()
	for b := range batches {
		if err := r.write(ctx, b); err != nil {
			cancel()
			for range batches {
			}
			return err
		}
		if r.req.Progress != nil {
			r.req.Progress(r.imp.Read)
		}
		if r.pause > 0 {
			time.Sleep(r.pause)
		}
	}
	return <-errc
}

// produce reads and parses rows after line skip and sends them in batches.
func (r *run) produce(ctx context.Context, rd tabular.Reader, skip int64, out chan<- []*rec) error {
	n := r.req.BatchSize
	batch := make([]*rec, 0, n)
	send := func() error {
		select {
		case out <- batch:
		case <-ctx.Done():
			return ctx.Err()
		}
		batch = make([]*rec, 0, n)
		return nil
	}
	c := make([]string, len(r.f.fields))
	for {
		row, err := rd.Next()
		if err == io.EOF {
			break
		}
		var te *tabular.Error
		if err != nil && !(errors.As(err, &te) && errors.Is(err, tabular.ErrTooManyCells) && te.Line > 0) {
			return err
		}
		if err != nil {
			row = tabular.Row{Line: te.Line}
		}
		if int64(row.Line) <= skip {
			continue
		}
		rc := &rec{line: int64(row.Line)}
		if err != nil {
			rc.fail("", "hub.reject.too_many_cells", nil)
		} else {
			r.parseRow(row.Cells, c, rc)
			if err := r.probeHolder(ctx, rc); err != nil {
				return err
			}
		}
		if rc.rej != nil || r.f == licencesFormat && r.holders.perBatch(rc.vals[3]) {
			// The rejects file shows a rejected row's cells; the writer
			// may yet reject a row whose holder it looks up.
			rc.cells = row.Cells
		}
		batch = append(batch, rc)
		if len(batch) == n {
			if err := send(); err != nil {
				return err
			}
		}
	}
	if len(batch) > 0 {
		return send()
	}
	return nil
}

// parseRow trims the cells, puts them in field order and parses them.
func (r *run) parseRow(cells, c []string, rc *rec) {
	clear(c)
	for i, v := range cells {
		if i < len(r.colmap) {
			c[r.colmap[i]] = trim(v)
		}
	}
	r.f.parse(r.p, c, rc)
	if rc.rej != nil {
		rc.cells = cells
	}
}

// newParser loads what rows are checked against.
func (s *Service) newParser(ctx context.Context, source string) (*parser, error) {
	p := &parser{now: s.now(), source: source, divisions: map[string]bool{}}
	for _, c := range bozhouCounties {
		p.divisions[c] = true
	}
	rows, err := s.DB.Query(ctx, "SELECT code FROM jurisdictions WHERE level = 'county' AND code LIKE '3416%'")
	if err != nil {
		return nil, fmt.Errorf("read divisions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			return nil, err
		}
		p.divisions[code[:6]] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	types, err := s.LicenceTypes(ctx)
	if err != nil {
		return nil, err
	}
	p.types = map[string]LicenceType{}
	for _, t := range types {
		p.types[t.Code] = t
	}
	return p, nil
}

// bozhouCounties are the GB/T 2260 codes of Bozhou's districts and
// counties: 谯城区, 涡阳县, 蒙城县, 利辛县. The hall's own county-level
// jurisdictions (the development zone among them) are added from org.
var bozhouCounties = []string{"341602", "341621", "341622", "341623"}

func (s *Service) sources(ctx context.Context) (map[string]string, error) {
	rows, err := s.DB.Query(ctx, "SELECT element, department_kind FROM hub_sources")
	if err != nil {
		return nil, fmt.Errorf("read sources: %w", err)
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var e, k string
		if err := rows.Scan(&e, &k); err != nil {
			return nil, err
		}
		m[e] = k
	}
	return m, rows.Err()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
