package hub

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/hub/synth"
)

// BenchmarkImportCity imports every file of a generated manifest
// (GOVHALL_BENCH_MANIFEST, made by govhall hub generate) into a fresh
// store and reports each file's rows/s and the whole load's.
//
//	GOVHALL_BENCH_MANIFEST=/tmp/city/manifest.json go test ./internal/hub/ -run '^$' -bench City -benchtime 1x
func BenchmarkImportCity(b *testing.B) {
	path := os.Getenv("GOVHALL_BENCH_MANIFEST")
	if path == "" {
		b.Skip("GOVHALL_BENCH_MANIFEST names no manifest")
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	var m synth.Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		b.Fatal(err)
	}
	eachEngine(b, func(b *testing.B, open func() *db.DB) {
		var total int64
		var elapsed time.Duration
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			s := newService(b, open())
			b.StartTimer()
			var reqs []ImportRequest
			for _, f := range m.Files {
				reqs = append(reqs, ImportRequest{Source: f.Source, Kind: f.Kind, Path: filepath.Join(filepath.Dir(path), f.File)})
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
