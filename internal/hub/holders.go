package hub

import (
	"context"
	"database/sql"
	"fmt"
)

// A licence names its holder: a person of hub_persons (holder kind 111,
// a citizen ID number) or an entity of hub_entities (001, a unified social
// credit code). A licence whose holder is in neither is rejected: nobody
// could ever reuse it as a material.
//
// How the holders are looked up depends on the file's size. A small file
// (a push, a department's daily delta) looks its batch's holders up with
// one IN (…) query per 500 keys, in the batch's transaction. That costs
// ≈3 µs a key (SQLite through the pure-Go driver, 1 M persons), which
// would add about a minute to the city's 19.8 M licences. A big file
// instead reads the holder key space once, on the first row of each holder
// kind, into a compact sorted set (holderset.go) that the parser goroutine
// probes, beside the writer rather than in its transaction. Files of a
// manifest share the set while no population or entity file comes between
// them.
//
// Measured (BenchmarkHolderKeys, 2-core VM, 1 M persons in SQLite):
// reading the keys costs ≈0.35–0.43 µs a key, a probe ≈0.9 µs with the
// benchmark's random string fetch, a lookup ≈3 µs a key. Loading 3 M
// licences (5 files, one first load) against 1 M persons and 50 k
// entities took 29.1–32.1 s before the check and 29.3–33.0 s with it
// (≈97 k rows/s both, the difference within the machine's noise; the
// key read shows as +0.4 s in the first file); peak RSS 204–224 MiB
// before, 214–238 MiB after. The city's 6.6 M persons make a 53 MB set
// read in ≈2.5 s.

// holderSetRows is the estimated row count of a licence file from which
// its holders may be read into memory; a smaller file always looks them
// up per batch.
var holderSetRows int64 = 10000

// keyReadsPerLookup: reading a key costs about a ninth of looking one up,
// so the set pays when the file has more than about a ninth as many rows
// as the holders' table; a kind whose table holds more than
// keyReadsPerLookup × the file's estimated rows is looked up per batch
// instead. (Variables so tests can take each way.)
var keyReadsPerLookup int64 = 9

const licenceRowBytes = 300 // a licence row is ≈300–360 bytes with its data

// Reject reasons of a licence whose holder is not in the hub.
const (
	rejectHolderPerson = "hub.reject.holder_not_in_population"
	rejectHolderEntity = "hub.reject.holder_not_in_entities"
)

// holderCheck is the run's way to check licence holders: in memory for
// the kinds set holds, per batch in SQL for the others (every kind when
// set is nil).
type holderCheck struct {
	set *holderKeys
}

// perBatch says the holders of kind are looked up per batch.
func (c holderCheck) perBatch(kind string) bool {
	if c.set == nil {
		return true
	}
	if kind == HolderEntity {
		return c.set.lookupEnts
	}
	return c.set.lookupPersons
}

// useHolderSet decides, at the start of a licence run, how its holders are
// checked, and keeps the group's set across its licence files.
func (r *run) useHolderSet(ctx context.Context) error {
	if r.f.kind != KindLicence {
		if r.g != nil {
			r.g.holders = nil // the holders may change: read them again
		}
		return nil
	}
	est := r.imp.Size / licenceRowBytes
	if est < holderSetRows {
		return nil
	}
	if r.g != nil && r.g.holders != nil {
		r.holders.set = r.g.holders
		return nil
	}
	h := &holderKeys{}
	var err error
	if h.lookupPersons, err = r.s.holdsMore(ctx, registryFormat, est*keyReadsPerLookup); err != nil {
		return err
	}
	if h.lookupEnts, err = r.s.holdsMore(ctx, entitiesFormat, est*keyReadsPerLookup); err != nil {
		return err
	}
	r.holders.set = h
	if r.g != nil {
		r.g.holders = h
	}
	return nil
}

// holdsMore says the table of format f holds at least n rows, as the
// imports that created its rows count them: counting the table itself
// would read its key index as reading the keys does.
func (s *Service) holdsMore(ctx context.Context, f *format, n int64) (bool, error) {
	var got int64
	err := s.DB.QueryRow(ctx, "SELECT coalesce(sum(rows_inserted), 0) FROM hub_imports WHERE format = ? AND status = 'done'",
		f.name).Scan(&got)
	if err != nil {
		return false, fmt.Errorf("count %s: %w", f.table.name, err)
	}
	return got >= n, nil
}

// probeHolder rejects a parsed licence row whose holder is not in the set
// (in the parser goroutine), reading the holder kind's keys on first use.
func (r *run) probeHolder(ctx context.Context, rc *rec) error {
	if rc.rej != nil || r.f != licencesFormat || r.holders.perBatch(rc.vals[3]) {
		return nil
	}
	ok, err := r.holders.set.has(ctx, r.s, rc.vals[3], rc.vals[4])
	if err == nil && !ok {
		rc.fail("holder_id", holderReject(rc.vals[3]), nil)
	}
	return err
}

func holderReject(kind string) string {
	if kind == HolderEntity {
		return rejectHolderEntity
	}
	return rejectHolderPerson
}

// lookupHolders rejects the batch's licence rows whose holder is not in
// the hub, looking the holders up in q (the batch's transaction); those of
// a kind held in memory were probed already.
func (r *run) lookupHolders(ctx context.Context, q querier, batch []*rec) error {
	if r.f != licencesFormat {
		return nil
	}
	keys := map[string][]any{}
	seen := map[string]bool{}
	for _, rc := range batch {
		if rc.rej != nil || !r.holders.perBatch(rc.vals[3]) {
			continue
		}
		if k, id := rc.vals[3], rc.vals[4]; !seen[k+id] {
			seen[k+id] = true
			keys[k] = append(keys[k], id)
		}
	}
	found := make(map[string]bool, len(seen))
	for kind, ids := range keys {
		t := personsTable
		if kind == HolderEntity {
			t = entitiesTable
		}
		err := lookupIn(ctx, q, t, []string{t.key}, "", ids, func(v []string, _ sql.NullInt64) { found[kind+v[0]] = true })
		if err != nil {
			return fmt.Errorf("read licence holders: %w", err)
		}
	}
	for _, rc := range batch {
		if rc.rej == nil && r.holders.perBatch(rc.vals[3]) && !found[rc.vals[3]+rc.vals[4]] {
			rc.fail("holder_id", holderReject(rc.vals[3]), nil)
		}
	}
	return nil
}
