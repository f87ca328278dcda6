package hub

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/hub/synth"
	"github.com/govhall/govhall/internal/tabular"
)

// BenchmarkImportCity imports every file of a generated manifest
// (GOVHALL_BENCH_MANIFEST, made by govhall hub generate) into a fresh
// store and reports each file's rows/s and the whole load's.
//
//	GOVHALL_BENCH_MANIFEST=/tmp/city/manifest.json go test ./internal/hub/ -run '^$' -bench City -benchtime 1x
func BenchmarkImportCity(b *testing.B) {
	m, dir := cityManifest(b)
	eachEngine(b, func(b *testing.B, open func() *db.DB) {
		var total int64
		var elapsed time.Duration
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			s := newService(b, open())
			b.StartTimer()
			var reqs []ImportRequest
			for _, f := range m.Files {
				reqs = append(reqs, ImportRequest{Source: f.Source, Kind: f.Kind, Path: filepath.Join(dir, f.File)})
			}
			start := time.Now()
			reps, err := s.ImportFiles(context.Background(), reqs, nil)
			elapsed += time.Since(start)
			if err != nil {
				b.Fatal(err)
			}
			for _, rep := range reps {
				total += rep.Read
				b.Logf("%s: %d rows in %v (%.0f rows/s)", rep.File, rep.Read, rep.Elapsed, float64(rep.Read)/rep.Elapsed.Seconds())
			}
		}
		b.ReportMetric(float64(total)/elapsed.Seconds(), "rows/s")
	})
}

// cityManifest reads the manifest GOVHALL_BENCH_MANIFEST names, and says
// the directory of its files.
func cityManifest(b *testing.B) (synth.Manifest, string) {
	path := os.Getenv("GOVHALL_BENCH_MANIFEST")
	if path == "" {
		b.Skip("GOVHALL_BENCH_MANIFEST names no manifest")
	}
	var m synth.Manifest
	raw, err := os.ReadFile(path)
	if err == nil {
		err = json.Unmarshal(raw, &m)
	}
	if err != nil {
		b.Fatal(err)
	}
	return m, filepath.Dir(path)
}

// BenchmarkBareLoadCity is BenchmarkImportCity's baseline: the rows of the
// manifest's first-load files (persons, entities, licences) loaded as they
// are, unchecked, into a fresh store whose keys and indexes are dropped
// and built after, as bareLoad does for persons. Only the inserts and the
// key builds are timed, not reading the files; marriages and births update
// persons and have no bare equivalent, so they are left out. What it
// reports is therefore a lower bound of loading the city on this machine
// and engine.
//
//	GOVHALL_BENCH_MANIFEST=/tmp/city/manifest.json go test ./internal/hub/ -run '^$' -bench BareLoadCity -benchtime 1x
func BenchmarkBareLoadCity(b *testing.B) {
	m, dir := cityManifest(b)
	eachEngine(b, func(b *testing.B, open func() *db.DB) {
		var rows int64
		var took time.Duration
		// The first-load files of each table, tables in manifest order
		// (each file's header read once).
		var tables []*table
		files := map[*table][]synth.ManifestFile{}
		for _, f := range m.Files {
			if t := firstLoadTable(b, filepath.Join(dir, f.File), f.Kind); t != nil {
				if files[t] == nil {
					tables = append(tables, t)
				}
				files[t] = append(files[t], f)
			}
		}
		for i := 0; i < b.N; i++ {
			d := open()
			for _, t := range tables {
				// Every file of the table, then its keys.
				var n int64
				var ins time.Duration
				dropKeys(b, d, t)
				for _, f := range files[t] {
					k, el := bareLoadFile(b, d, filepath.Join(dir, f.File), f.Kind)
					n, ins = n+k, ins+el
				}
				start := time.Now()
				buildKeys(b, d, t)
				keys := time.Since(start)
				b.Logf("%s: %d rows inserted in %v (%.0f rows/s), keys built in %v", t.name, n, ins.Round(time.Millisecond),
					float64(n)/ins.Seconds(), keys.Round(time.Millisecond))
				rows, took = rows+n, took+ins+keys
			}
		}
		b.ReportMetric(float64(rows)/took.Seconds(), "rows/s")
		b.ReportMetric(took.Seconds()/float64(b.N), "load-s")
	})
}

// firstLoadTable is the table a file of kind adds records to, or nil when
// its format only updates records (marriages, births).
func firstLoadTable(b *testing.B, path, kind string) *table {
	r, err := tabular.Open(path, tabular.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	if f := pickFormat(kind, r.Header()); f != nil && f.creates {
		return f.table
	}
	return nil
}

// bareLoadFile inserts the rows of path, as they are, with bareInsert in
// transactions of bareTxRows, and says how many and how long the inserts
// took (reading the file not counted).
func bareLoadFile(b *testing.B, d *db.DB, path, kind string) (int64, time.Duration) {
	r, err := tabular.Open(path, tabular.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	f := pickFormat(kind, r.Header())
	colmap, err := mapHeader(f, r.Header())
	if err != nil {
		b.Fatal(err)
	}
	var cols []string
	for _, j := range colmap {
		if c := f.fields[j].col; c != "" {
			cols = append(cols, c)
		}
	}
	cols = append(cols, f.prov)
	var n int64
	var took time.Duration
	chunk := make([][]any, 0, bareTxRows)
	flush := func() {
		start := time.Now()
		bareInsert(b, d, f.table.name, cols, chunk)
		took += time.Since(start)
		n += int64(len(chunk))
		chunk = chunk[:0]
	}
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		v := make([]any, 0, len(cols))
		for i, j := range colmap {
			if f.fields[j].col != "" {
				cell := ""
				if i < len(row.Cells) {
					cell = row.Cells[i]
				}
				v = append(v, cell)
			}
		}
		if chunk = append(chunk, append(v, int64(1))); len(chunk) == bareTxRows {
			flush()
		}
	}
	if len(chunk) > 0 {
		flush()
	}
	return n, took
}
