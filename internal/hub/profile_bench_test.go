package hub

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/hub/synth"
	"github.com/govhall/govhall/internal/identity"
)

// The lookup speed targets (issue 5): a full profile (person, family,
// licences) p99 < 0.5 ms in-process, a 30-field prefill p99 < 2 ms, at a
// generated population of GOVHALL_BENCH_PERSONS persons (default 200,000;
// 6,600,000 is the whole city) with households, entities (1 per 22
// persons) and 3 licences per person. Each iteration reads a random
// person as a department system verifying within a case (so every read
// is authorized and access-logged); p50 and p99 are reported per read.
// "pk-lookup" is the baseline: one bare primary-key read of a name.
//
//	go test ./internal/hub/ -run '^$' -bench 'Profile|Prefill' -benchtime 20000x
//
// Loading the whole city takes minutes, so a store can be kept between
// runs: GOVHALL_BENCH_PROFILE_DB names a SQLite file and
// GOVHALL_BENCH_PROFILE_PG the postgres:// URL of an existing database.
// An empty one is loaded with the generated city on first use; one that
// holds persons already is read as it is (whatever its size: the
// benchmark logs it). The benchmark only adds access-log entries to it.

var benchCity struct {
	once sync.Once
	m    synth.Manifest
	dir  string
	err  error
}

func benchPersons() int {
	if v, err := strconv.Atoi(os.Getenv("GOVHALL_BENCH_PERSONS")); err == nil && v > 0 {
		return v
	}
	return 200000
}

// benchPopulation generates the city's exports once per test binary.
func benchPopulation(b *testing.B) (synth.Manifest, string) {
	b.Helper()
	benchCity.once.Do(func() {
		n := benchPersons()
		benchCity.dir, benchCity.err = os.MkdirTemp("", "govhall-hub-profile-bench-")
		if benchCity.err != nil {
			return
		}
		benchCity.m, benchCity.err = synth.Generate(context.Background(), synth.Config{Persons: n, Entities: n / 22,
			Licences: 3 * n, Seed: 2015, Dir: benchCity.dir})
	})
	if benchCity.err != nil {
		b.Fatalf("generate the benchmark population: %v", benchCity.err)
	}
	return benchCity.m, benchCity.dir
}

// profileStores runs fn on each engine's store: the kept one named by
// GOVHALL_BENCH_PROFILE_DB (SQLite) or GOVHALL_BENCH_PROFILE_PG, else a
// fresh one.
func profileStores(b *testing.B, fn func(b *testing.B, d *db.DB)) {
	b.Run("sqlite", func(b *testing.B) {
		if path := os.Getenv("GOVHALL_BENCH_PROFILE_DB"); path != "" {
			fn(b, dbtest.Open(b, db.Config{Path: path}))
			return
		}
		fn(b, dbtest.SQLite(b))
	})
	b.Run("postgres", func(b *testing.B) {
		if url := os.Getenv("GOVHALL_BENCH_PROFILE_PG"); url != "" {
			fn(b, dbtest.Open(b, db.Config{URL: url}))
			return
		}
		fn(b, dbtest.Postgres(b))
	})
}

// benchHub loads the generated city into d, unless it holds persons
// already, and returns the service with a random sample of 20,000 person
// ID numbers to read.
func benchHub(b *testing.B, d *db.DB) (*Service, []string) {
	b.Helper()
	ctx := context.Background()
	s := newService(b, d)
	var persons, licences int64
	if err := d.QueryRow(ctx, "SELECT count(*) FROM hub_persons").Scan(&persons); err != nil {
		b.Fatal(err)
	}
	if persons == 0 {
		m, dir := benchPopulation(b)
		start := time.Now()
		for _, f := range m.Files {
			rep, err := s.Import(ctx, ImportRequest{Source: f.Source, Kind: f.Kind, Path: filepath.Join(dir, f.File)})
			if err != nil || rep.Status != "done" {
				b.Fatalf("import %s: %+v %v", f.File, rep, err)
			}
		}
		b.Logf("loaded %d persons, %d entities, %d licences in %v", m.Persons, m.Entities, m.Licences, time.Since(start).Round(time.Second))
	}
	if err := d.QueryRow(ctx, "SELECT (SELECT count(*) FROM hub_persons), (SELECT count(*) FROM hub_licences)").
		Scan(&persons, &licences); err != nil {
		b.Fatal(err)
	}
	b.Logf("the store holds %d persons and %d licences", persons, licences)
	// A random sample of the whole population (both engines have random()).
	rows, err := d.Query(ctx, "SELECT id_number FROM hub_persons ORDER BY random() LIMIT 20000")
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var sample []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			b.Fatal(err)
		}
		sample = append(sample, id)
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return s, sample
}

// verifier is a department system's context, allowed to read anyone
// within a case.
func verifier() context.Context {
	return as(identity.Principal{System: &identity.APIToken{ID: 1, Name: "bench", Prefix: "ghtk_bench", Scopes: []string{"hub.verify"}}})
}

// latencies times fn b.N times and reports p50 and p99 in microseconds,
// and the CPU time the process spent per call (all goroutines: the
// access-log writer's share included), which a busy machine disturbs
// less than the wall-clock percentiles.
func latencies(b *testing.B, fn func(i int)) {
	b.Helper()
	d := make([]time.Duration, b.N)
	cpu0, reads0 := cpuTime(), readCalls()
	b.ResetTimer()
	for i := range b.N {
		t0 := time.Now()
		fn(i)
		d[i] = time.Since(t0)
	}
	b.StopTimer()
	cpu, reads := cpuTime()-cpu0, readCalls()-reads0
	slices.Sort(d)
	b.ReportMetric(float64(d[len(d)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(d[len(d)*99/100].Nanoseconds())/1e3, "p99-µs")
	b.ReportMetric(float64(cpu.Nanoseconds())/1e3/float64(b.N), "cpu-µs/op")
	if reads0 >= 0 {
		b.ReportMetric(float64(reads)/float64(b.N), "read-calls/op")
	}
}

// readCalls is the number of read system calls the process has made
// (Linux: /proc/self/io syscr; -1 elsewhere): SQLite reads a page it does
// not hold in its cache with one, so this counts pages read per lookup,
// whatever the load of the machine.
func readCalls() int64 {
	data, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return -1
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "syscr: "); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err == nil {
				return n
			}
		}
	}
	return -1
}

// cpuTime is the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkProfile(b *testing.B) {
	profileStores(b, func(b *testing.B, d *db.DB) {
		s, sample := benchHub(b, d)
		ctx, p := verifier(), Purpose{Kind: PurposeVerification, Ref: "BENCH-1"}
		b.Run("pk-lookup", func(b *testing.B) {
			latencies(b, func(i int) {
				var name string
				if err := d.QueryRow(ctx, "SELECT name FROM hub_persons WHERE id_number = ?", sample[i%len(sample)]).Scan(&name); err != nil {
					b.Fatal(err)
				}
			})
		})
		for _, mode := range []struct {
			name string
			sync bool
		}{{"profile-async-log", false}, {"profile-sync-log", true}} {
			b.Run(mode.name, func(b *testing.B) {
				s := &Service{DB: s.DB, Audit: s.Audit, Now: s.Now}
				s.Access.Sync = mode.sync
				defer s.Close()
				latencies(b, func(i int) {
					if _, err := s.Profile(ctx, sample[i%len(sample)], p); err != nil {
						b.Fatal(err)
					}
				})
			})
		}
		s.Close()
	})
}

// benchForm is a 30-field form: the birth-service registration's 21
// fields padded with more hub elements.
func benchForm() []catalog.Field {
	form := slices.Clone(birthServiceForm)
	for i, el := range []string{"person.status", "person.id_number", "person.name", "person.phone", "person.birth_date",
		"person.sex", "person.spouse.name", "person.children.count", "person.hukou_address"} {
		form = append(form, catalog.Field{Key: "extra_" + strconv.Itoa(i), Type: "text", HubElement: el})
	}
	return form
}

func BenchmarkPrefill(b *testing.B) {
	profileStores(b, func(b *testing.B, d *db.DB) {
		s, sample := benchHub(b, d)
		defer s.Close()
		ctx, p := verifier(), Purpose{Kind: PurposeVerification, Ref: "BENCH-1"}
		form := benchForm()
		if len(form) != 30 {
			b.Fatalf("form has %d fields, want 30", len(form))
		}
		b.Run("form-30", func(b *testing.B) {
			latencies(b, func(i int) {
				if _, err := s.Prefill(ctx, Applicant{Kind: SubjectPerson, ID: sample[i%len(sample)]}, form, p); err != nil {
					b.Fatal(err)
				}
			})
		})
	})
}
