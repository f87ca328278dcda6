package catalog_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/tabular"
)

// fill stores a generated list in the hall.
func (h *sheetHall) fill(t testing.TB, n int, crlf bool) ([]catalog.BasicItem, []catalog.Item, []catalog.Duty) {
	t.Helper()
	basics, items, duties := genList(n, h.deps, crlf)
	if err := h.s.PutBasic(h.ctx, basics); err != nil {
		t.Fatal(err)
	}
	if err := h.s.CreateMany(h.ctx, slices.Clone(items)); err != nil {
		t.Fatal(err)
	}
	for _, d := range duties {
		if _, err := h.s.PutDuty(h.ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	return basics, items, duties
}

// snapshot is everything a store's catalog holds, normalised for comparison.
type snapshot struct {
	basics []any
	items  map[string]any
	duties []any
}

func (h *sheetHall) snapshot(t testing.TB) snapshot {
	t.Helper()
	var snap snapshot
	basics, err := h.s.BasicItems(h.ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range basics {
		snap.basics = append(snap.basics, normalize(b))
	}
	snap.items = map[string]any{}
	for off := 0; ; off += 1000 {
		items, _, err := h.s.Items(h.ctx, catalog.Filter{Jurisdiction: sheetCounty, Limit: 1000, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			snap.items[it.Code] = normalize(it)
		}
		if len(items) < 1000 {
			break
		}
	}
	duties, err := h.s.Duties(h.ctx, sheetCounty)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range duties {
		slices.Sort(d.Lead)
		slices.Sort(d.Cooperate)
		snap.duties = append(snap.duties, normalize(d))
	}
	return snap
}

// roundTrip exports a filled hall, imports the file into an empty hall,
// exports that, and checks that both files and both catalogs are the same.
func roundTrip(t *testing.T, d1, d2 *db.DB, n int, f tabular.Format, ext string) {
	a := newSheetHall(t, d1)
	a.fill(t, n, f == tabular.XLSX)
	dir := t.TempDir()
	first, second := filepath.Join(dir, "first"+ext), filepath.Join(dir, "second"+ext)
	st, err := a.s.Export(a.ctx, first, f, catalog.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Items != n || st.Duties != 2 || st.Basic == 0 {
		t.Fatalf("exported %+v, want %d items, 2 duties and the standard", st, n)
	}
	b := newSheetHall(t, d2)
	res, err := b.s.Import(b.ctx, first, catalog.ImportOptions{Jurisdiction: sheetCounty})
	if err != nil {
		t.Fatal(err)
	}
	if res.Items != n || res.Duties != 2 || res.Basic != st.Basic {
		t.Fatalf("imported %+v, exported %+v", res, st)
	}
	if _, err := b.s.Export(b.ctx, second, f, catalog.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	one, _ := os.ReadFile(first)
	two, _ := os.ReadFile(second)
	if !bytes.Equal(one, two) {
		t.Errorf("the second export differs from the first (%d and %d bytes)", len(one), len(two))
	}
	sa, sb := a.snapshot(t), b.snapshot(t)
	if !reflect.DeepEqual(sa.basics, sb.basics) {
		t.Error("the standard catalog changed in the round trip")
	}
	if !reflect.DeepEqual(sa.duties, sb.duties) {
		t.Errorf("duties changed:\n%+v\n%+v", sa.duties, sb.duties)
	}
	if len(sa.items) != n || len(sb.items) != n {
		t.Fatalf("%d items before, %d after, want %d", len(sa.items), len(sb.items), n)
	}
	bad := 0
	for code, it := range sa.items {
		if !reflect.DeepEqual(it, sb.items[code]) && bad < 3 {
			bad++
			t.Errorf("item %s changed:\nbefore %+v\nafter  %+v", code, it, sb.items[code])
		}
	}
}

func TestRoundTripIsLossless(t *testing.T) {
	for _, c := range []struct {
		name string
		f    tabular.Format
		ext  string
	}{{"xlsx", tabular.XLSX, ".xlsx"}, {"csv", tabular.CSV, ".csv"}} {
		t.Run(c.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				roundTrip(t, d, fresh(t, d), 40, c.f, c.ext)
			})
		})
	}
}

// TestLongCodesStayText checks a person opening the workbook sees the
// 18-digit implementation codes as text, not as 1.13E+17.
func TestLongCodesStayText(t *testing.T) {
	h := newSheetHall(t, dbtest.SQLite(t))
	_, items, _ := h.fill(t, 5, true)
	path := filepath.Join(t.TempDir(), "list.xlsx")
	if _, err := h.s.Export(h.ctx, path, tabular.XLSX, catalog.ExportOptions{Jurisdiction: sheetCounty}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := f.GetCellValue("事项", "B2")
	if err != nil {
		t.Fatal(err)
	}
	if got != items[0].Code {
		t.Fatalf("B2 of 事项 = %q, want the first item's code %s", got, items[0].Code)
	}
	typ, err := f.GetCellType("事项", "B2")
	if err != nil {
		t.Fatal(err)
	}
	if typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
		t.Fatalf("the code cell has type %v, want a string", typ)
	}
	if sheets := f.GetSheetList(); !slices.Equal(sheets, catalog.SheetNames()) {
		t.Fatalf("sheets %v, want %v", sheets, catalog.SheetNames())
	}
}

// TestLargeXLSXRoundTrip round-trips 1,000 items (with materials, fees,
// forms and flows) through XLSX on SQLite; BenchmarkSeedScaleXLSXRoundTrip
// does the seed's 10,000.
func TestLargeXLSXRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("large list: skipped with -short")
	}
	roundTrip(t, dbtest.SQLite(t), dbtest.SQLite(t), 1000, tabular.XLSX, ".xlsx")
}

// BenchmarkSeedScaleXLSXRoundTrip: a list of the seed's scale — 10,000
// items — exported to XLSX, imported into an empty SQLite hall and exported
// again; the files and the items must be the same. Reports the seconds of
// each step.
func BenchmarkSeedScaleXLSXRoundTrip(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		a := newSheetHall(b, dbtest.SQLite(b))
		a.fill(b, 10000, true)
		dir := b.TempDir()
		first, second := filepath.Join(dir, "first.xlsx"), filepath.Join(dir, "second.xlsx")
		h := newSheetHall(b, dbtest.SQLite(b))
		b.StartTimer()
		t0, c0 := time.Now(), processCPU()
		if _, err := a.s.Export(a.ctx, first, tabular.XLSX, catalog.ExportOptions{}); err != nil {
			b.Fatal(err)
		}
		t1, c1 := time.Now(), processCPU()
		if _, err := h.s.Import(h.ctx, first, catalog.ImportOptions{Jurisdiction: sheetCounty}); err != nil {
			b.Fatal(err)
		}
		t2, c2 := time.Now(), processCPU()
		if _, err := h.s.Export(h.ctx, second, tabular.XLSX, catalog.ExportOptions{}); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(t1.Sub(t0).Seconds(), "export-s")
		b.ReportMetric(t2.Sub(t1).Seconds(), "import-s")
		b.ReportMetric((c1 - c0).Seconds(), "export-cpu-s")
		b.ReportMetric((c2 - c1).Seconds(), "import-cpu-s")
		one, _ := os.ReadFile(first)
		two, _ := os.ReadFile(second)
		if !bytes.Equal(one, two) {
			b.Fatal("the second export differs from the first")
		}
		b.ReportMetric(float64(len(one))/1e6, "file-MB")
	}
}

// processCPU is the CPU time the process has used (user and system, every
// thread): on a shared machine it says more than the wall clock.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkExport50k exports a 50,000-item list to XLSX and reports the
// peak heap while doing it: items are read 500 at a time and every sheet
// streams to its own temporary file, so the peak stays far below the
// size of the cells written (reported as cells-MB).
func BenchmarkExport50k(b *testing.B) {
	h := newSheetHall(b, dbtest.SQLite(b))
	h.fill(b, 50000, true)
	path := filepath.Join(b.TempDir(), "list.xlsx")
	for b.Loop() {
		runtime.GC()
		var base runtime.MemStats
		runtime.ReadMemStats(&base)
		peak := base.HeapInuse
		done := make(chan struct{})
		sampled := make(chan struct{})
		go func() {
			defer close(sampled)
			tick := time.NewTicker(5 * time.Millisecond)
			defer tick.Stop()
			var m runtime.MemStats
			for {
				select {
				case <-done:
					return
				case <-tick.C:
					runtime.ReadMemStats(&m)
					peak = max(peak, m.HeapInuse)
				}
			}
		}()
		st, err := h.s.Export(h.ctx, path, tabular.XLSX, catalog.ExportOptions{Jurisdiction: sheetCounty})
		close(done)
		<-sampled
		if err != nil || st.Items != 50000 {
			b.Fatal(st, err)
		}
		b.ReportMetric(float64(peak-base.HeapInuse)/1e6, "peak-heap-MB")
	}
	b.ReportMetric(float64(cellBytes(b, path))/1e6, "cells-MB")
}

// cellBytes is the size of the text in every cell of a workbook.
func cellBytes(b *testing.B, path string) int {
	f, err := excelize.OpenFile(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	n := 0
	for _, s := range f.GetSheetList() {
		rows, err := f.Rows(s)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			cells, _ := rows.Columns()
			for _, c := range cells {
				n += len(c)
			}
		}
		rows.Close()
	}
	return n
}

// TestEveryColumnIsUsed: exporting a complete list fills every column of
// the layout, so no column is offered that export and import ignore.
func TestEveryColumnIsUsed(t *testing.T) {
	h := newSheetHall(t, dbtest.SQLite(t))
	h.fill(t, 10, false)
	path := filepath.Join(t.TempDir(), "list.csv")
	if _, err := h.s.Export(h.ctx, path, tabular.CSV, catalog.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	r, err := tabular.Open(path, tabular.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	used := make([]bool, len(r.Header()))
	for {
		row, err := r.Next()
		if err != nil {
			break
		}
		for i, c := range row.Cells {
			used[i] = used[i] || c != ""
		}
	}
	for i, u := range used {
		if !u {
			t.Errorf("no row fills the column %s", r.Header()[i])
		}
	}
}
