package hub

import (
	"context"
	"io"
	"testing"

	"github.com/govhall/govhall/internal/tabular"
)

// BenchmarkParseRegistry is the reading side of an import alone: CSV
// decoding and the checks of every cell, per row.
func BenchmarkParseRegistry(b *testing.B) {
	path, rows := benchRegistry(b)
	r := &run{f: registryFormat, p: &parser{now: testNow, source: "public_security", divisions: map[string]bool{}}}
	for _, c := range bozhouCounties {
		r.p.divisions[c] = true
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rd, err := tabular.Open(path, tabular.Options{})
		if err != nil {
			b.Fatal(err)
		}
		_, colmap, _ := (&Service{}).mapHeaderOf(rd.Header())
		r.colmap = colmap
		c := make([]string, len(r.f.fields))
		n := 0
		for {
			row, err := rd.Next()
			if err == io.EOF {
				break
			}
			rc := &rec{}
			r.parseRow(row.Cells, c, rc)
			if rc.rej != nil {
				b.Fatalf("line %d rejected: %+v", row.Line, rc.rej)
			}
			n++
		}
		rd.Close()
		if n != rows {
			b.Fatalf("%d rows", n)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	_ = context.Background()
}

func (s *Service) mapHeaderOf(h []string) (*format, []int, error) {
	f := pickFormat(KindPopulation, h)
	m, err := mapHeader(f, h)
	return f, m, err
}
