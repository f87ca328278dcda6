package hub

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/hub/synth"
	"github.com/govhall/govhall/internal/tabular"
)

// The ingest speed target (issue 5): importing persons runs at ≥ 150,000
// records/s on SQLite and at ≥ 0.7 × the bare load of the same rows into
// the same engine, measured in the same run. Both benchmarks load the same
// generated registry export (GOVHALL_BENCH_PERSONS rows, default 200,000)
// into a fresh store per iteration and report rows/s.
//
//	go test ./internal/hub/ -run '^$' -bench 'Persons' -benchtime 3x

var benchFile struct {
	once sync.Once
	path string
	rows int
	err  error
}

// benchRegistry generates the registry export once per test binary.
func benchRegistry(b *testing.B) (string, int) {
	b.Helper()
	benchFile.once.Do(func() {
		n := 200000
		if v, err := strconv.Atoi(os.Getenv("GOVHALL_BENCH_PERSONS")); err == nil && v > 0 {
			n = v
		}
		dir, err := os.MkdirTemp("", "govhall-hub-bench-")
		if err != nil {
			benchFile.err = err
			return
		}
		m, err := synth.Generate(context.Background(), synth.Config{Persons: n, Seed: 1, Dir: dir})
		if err != nil {
			benchFile.err = err
			return
		}
		for _, f := range m.Files {
			if f.Source == "public_security" && f.Kind == KindPopulation {
				benchFile.path, benchFile.rows = filepath.Join(dir, f.File), f.Rows
			}
		}
	})
	if benchFile.err != nil || benchFile.path == "" {
		b.Fatalf("generate the benchmark file: %v", benchFile.err)
	}
	return benchFile.path, benchFile.rows
}

func eachEngine(b *testing.B, fn func(b *testing.B, open func() *db.DB)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, func() *db.DB { return dbtest.SQLite(b) }) })
	b.Run("postgres", func(b *testing.B) { fn(b, func() *db.DB { return dbtest.Postgres(b) }) })
}

// BenchmarkImportPersons is the whole import: read and check the CSV file
// (SHA-256, then one pass that checks and writes), build the keys.
func BenchmarkImportPersons(b *testing.B) {
	path, rows := benchRegistry(b)
	eachEngine(b, func(b *testing.B, open func() *db.DB) {
		var elapsed time.Duration
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			s := newService(b, open())
			b.StartTimer()
			start := time.Now()
			rep, err := s.Import(context.Background(), ImportRequest{Source: "public_security", Kind: KindPopulation, Path: path})
			elapsed += time.Since(start)
			if err != nil || rep.Inserted != int64(rows) {
				b.Fatalf("import: %v %+v", err, rep)
			}
		}
		b.ReportMetric(float64(rows)*float64(b.N)/elapsed.Seconds(), "rows/s")
	})
}

// BenchmarkBareInsertPersons is the baseline: the same rows, already in
// memory, loaded into the same table with the key and indexes dropped and
// built after. SQLite: one prepared INSERT in transactions of 50,000 rows;
// PostgreSQL: COPY.
func BenchmarkBareInsertPersons(b *testing.B) {
	path, rows := benchRegistry(b)
	data := bareRows(b, path)
	eachEngine(b, func(b *testing.B, open func() *db.DB) {
		var elapsed time.Duration
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			d := open()
			b.StartTimer()
			start := time.Now()
			bareLoad(b, d, data)
			elapsed += time.Since(start)
		}
		if n := count(b, open(), "SELECT count(*) FROM hub_persons"); n != 0 {
			b.Fatal("a fresh store is not empty")
		}
		b.ReportMetric(float64(rows)*float64(b.N)/elapsed.Seconds(), "rows/s")
	})
}

var bareCols = append(append([]string(nil), registryFormat.cols()...), "registry_import")

// bareRows reads the file into memory in the stored form (the columns of
// the registry format), unchecked.
func bareRows(b *testing.B, path string) [][]any {
	r, err := tabular.Open(path, tabular.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	var out [][]any
	for {
		row, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			b.Fatal(err)
		}
		c := row.Cells
		v := []any{c[0], c[1], c[2], map[string]string{"男": "M", "女": "F"}[c[3]], c[4], c[5], c[6], c[7], c[8], c[9], "normal", int64(1)}
		out = append(out, v)
	}
}

type memRows [][]any

func (m memRows) Len() int             { return len(m) }
func (m memRows) Row(i int, dst []any) { copy(dst, m[i]) }

func bareLoad(b *testing.B, d *db.DB, data [][]any) {
	t := personsTable
	dropKeys(b, d, t)
	for start := 0; start < len(data); start += bareTxRows {
		bareInsert(b, d, t.name, bareCols, data[start:min(start+bareTxRows, len(data))])
	}
	buildKeys(b, d, t)
}

// bareTxRows is the bare load's transaction size.
const bareTxRows = 50000

// dropKeys drops t's key and indexes, for a load that builds them after.
func dropKeys(b *testing.B, d *db.DB, t *table) {
	ctx := context.Background()
	if _, err := d.DropPrimaryKey(ctx, t.name, t.pk); err != nil {
		b.Fatal(err)
	}
	for _, ix := range t.indexNames {
		if _, err := d.Exec(ctx, "DROP INDEX "+ix); err != nil {
			b.Fatal(err)
		}
	}
}

// buildKeys builds what dropKeys dropped.
func buildKeys(b *testing.B, d *db.DB, t *table) {
	ctx := context.Background()
	if err := d.AddPrimaryKey(ctx, t.name, t.pk, t.key); err != nil {
		b.Fatal(err)
	}
	for _, ix := range t.indexes {
		if _, err := d.Exec(ctx, ix); err != nil {
			b.Fatal(err)
		}
	}
}

// bareInsert loads rows into table's cols in one transaction: SQLite, one
// prepared INSERT; PostgreSQL, COPY.
func bareInsert(b *testing.B, d *db.DB, table string, cols []string, rows [][]any) {
	ctx := context.Background()
	q := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES (?" + strings.Repeat(", ?", len(cols)-1) + ")"
	err := d.WithBulkTx(ctx, func(tx *db.BulkTx) error {
		if d.Engine == db.Postgres {
			return tx.Insert(ctx, table, cols, memRows(rows))
		}
		st, err := tx.Prepare(ctx, q)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, v := range rows {
			if _, err := st.ExecContext(ctx, v...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
