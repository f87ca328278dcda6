package synth

import (
	"context"
	"testing"
)

// BenchmarkGeneratePersons measures persons written per second to CSV
// (with their marriage and birth rows; no entities or licences). The
// target is 500,000 persons/s.
func BenchmarkGeneratePersons(b *testing.B) {
	const n = 200_000
	dir := b.TempDir()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Generate(context.Background(), Config{Persons: n, Seed: int64(i), Dir: dir}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "persons/s")
}

// BenchmarkGenerateLicences measures licences written per second to CSV.
func BenchmarkGenerateLicences(b *testing.B) {
	const n = 200_000
	dir := b.TempDir()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Generate(context.Background(), Config{Persons: n / 3, Licences: n, Seed: int64(i), Dir: dir}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "licences/s")
}
