package hub

import (
	"context"
	"fmt"
	"path/filepath"
)

// Several files for one table in a row (a city's five licence files, one
// per issuing department) share one first load when the first of them
// finds the table empty: each file appends its rows with the keys down and
// the keys are built once, after the last. Each file keeps its own import
// (progress, rejects, provenance); those that are loaded wait, status
// running and fresh, until the keys are built. A killed run is re-run with
// the same files and resumes each of them.

// group is the state of one ImportFiles run.
type group struct {
	files   map[string]bool // base names of the run's files
	more    bool            // the file being imported leaves the keys down for the next
	down    *format         // the keys are down for the next file, loaded in this format
	waiting []*run          // loaded, waiting for the keys
	holders *holderKeys     // the licence holders read by an earlier licence file, or nil
}

func (g *group) names() map[string]bool {
	if g == nil {
		return nil
	}
	return g.files
}

// keysDown says the previous file of the run left the keys down for a
// file of format f.
func (g *group) keysDown(f *format) bool { return g != nil && g.down == f }

func (g *group) wait(r *run) {
	g.waiting = append(g.waiting, r)
	g.down = r.f
}

// take returns the runs waiting for the keys and forgets them.
func (g *group) take() []*run {
	if g == nil {
		return nil
	}
	w := g.waiting
	g.waiting, g.down = nil, nil
	return w
}

// closeFirstLoad builds the keys after the runs' first load (in load
// order) and finishes their imports: the last with status and msg, the
// others done.
func (s *Service) closeFirstLoad(ctx context.Context, f *format, runs []*run, status, msg string) error {
	imps := make([]*importRow, len(runs))
	for i, r := range runs {
		imps[i] = &r.imp
	}
	if err := s.rebuildKeys(ctx, f.table, f.prov, imps); err != nil {
		return err
	}
	for i, r := range runs {
		st, m := "done", ""
		if i == len(runs)-1 {
			st, m = status, msg
		}
		if err := s.finish(ctx, &r.imp, st, m); err != nil {
			return err
		}
		r.pending = false
	}
	return nil
}

// ImportFiles imports files in order, as Import does each, and calls each
// with every file's report once its import is finished. Consecutive files
// loading the same table in the same format share the first of them's
// first load into an empty table (see group), provided each following file
// only adds or replaces records (no change-type column) and its source is
// the authority of the records' key. The run stops after a file whose rows
// were rejected without Partial, and returns the reports so far.
func (s *Service) ImportFiles(ctx context.Context, reqs []ImportRequest, each func(ImportReport)) ([]ImportReport, error) {
	g := &group{files: map[string]bool{}}
	for _, req := range reqs {
		g.files[filepath.Base(req.Path)] = true
	}
	var reps []ImportReport
	type heldReport struct {
		i int
		r *run
	}
	var held []heldReport // reports waiting for the keys
	report := func(i int) {
		if each != nil {
			each(reps[i])
		}
	}
	for i, req := range reqs {
		g.more = false
		if i+1 < len(reqs) {
			var err error
			if g.more, err = s.canAppend(ctx, req, reqs[i+1]); err != nil {
				return reps, err
			}
		}
		rep, r, err := s.importFile(ctx, req, g)
		reps = append(reps, rep)
		if err != nil {
			return reps, err
		}
		if r != nil && r.pending {
			held = append(held, heldReport{i, r})
			continue
		}
		if w := g.take(); len(w) > 0 {
			// This file did not append (it was imported before): build
			// the keys the waiting files left down.
			if err := s.closeFirstLoad(ctx, w[len(w)-1].f, w, "done", ""); err != nil {
				return reps, err
			}
		}
		for _, h := range held {
			h.r.imp.fill(&reps[h.i])
			report(h.i)
		}
		held = nil
		report(i)
		if rep.Status != "done" || rep.Rejected > 0 && !req.Partial {
			break
		}
	}
	return reps, nil
}

// canAppend says next may append to the first load of req's table with
// the keys down: same kind and format, no change-type column, a source
// that is the authority of the key.
func (s *Service) canAppend(ctx context.Context, req, next ImportRequest) (bool, error) {
	if req.Kind != next.Kind {
		return false, nil
	}
	f, _, err := s.checkRequest(ctx, &req)
	if err != nil {
		return false, nil // the import itself reports it
	}
	nf, colmap, err := s.checkRequest(ctx, &next)
	if err != nil || nf != f || !f.creates {
		return false, nil
	}
	for _, j := range colmap {
		if f.fields[j] == changeField {
			return false, nil
		}
	}
	if f.kind == KindLicence {
		return true, nil
	}
	src, err := s.sources(ctx)
	if err != nil {
		return false, fmt.Errorf("read sources: %w", err)
	}
	return src[f.table.subject+"."+f.table.key] == next.Source, nil
}
