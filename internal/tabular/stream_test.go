package tabular

import (
	"io"
	"math/rand/v2"
	"runtime"
	"strconv"
	"testing"
)

// heapGrowth samples the live heap (after a collection) and remembers the
// largest growth over the baseline taken when it was made.
type heapGrowth struct {
	base, max uint64
}

func newHeapGrowth() *heapGrowth {
	h := &heapGrowth{}
	h.base = liveHeap()
	return h
}

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func (h *heapGrowth) sample() {
	if now := liveHeap(); now > h.base && now-h.base > h.max {
		h.max = now - h.base
	}
}

// TestStreamsHugeFiles pipes 200,000 generated rows (about 50 MB) from a
// writer straight into a reader and checks that the live heap never grows
// by more than a few MiB: neither side holds the table.
func TestStreamsHugeFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 200,000 rows")
	}
	const rows = 200_000
	for _, f := range []Format{CSV, JSONL} {
		t.Run(f.String(), func(t *testing.T) {
			pr, pw := io.Pipe()
			go func() { pw.CloseWithError(generate(pw, f, rows)) }()
			h := newHeapGrowth()
			r, err := NewReader(pr, f, Options{})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for ; ; n++ {
				row, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if want := "第" + strconv.Itoa(n) + "条记录，已核验"; row.Cells[14] != want {
					t.Fatalf("row %d: last cell %q, want %q", n, row.Cells[14], want)
				}
				if n%25_000 == 0 {
					h.sample()
				}
			}
			r.Close()
			if n != rows {
				t.Errorf("read %d rows, want %d", n, rows)
			}
			t.Logf("%d rows: live heap grew by at most %d KiB", n, h.max>>10)
			if h.max > 8<<20 {
				t.Errorf("live heap grew by %d KiB while streaming; want under 8 MiB", h.max>>10)
			}
		})
	}
}

// generate writes n benchmark rows in format f to w.
func generate(w io.Writer, f Format, n int) error {
	tw, err := NewWriter(w, f, "")
	if err != nil {
		return err
	}
	if err := tw.Write(benchColumns); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		if err := tw.Write(benchRow(rng, i)); err != nil {
			return err
		}
	}
	return tw.Close()
}

// TestXLSXStreamsPastTheInMemoryLimit writes a sheet whose XML is larger
// than the 16 MiB excelize keeps in memory, so reading goes through the
// streaming path, and checks the rows and the heap.
func TestXLSXStreamsPastTheInMemoryLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a 25,000-row workbook")
	}
	const rows = 25_000
	h := newHeapGrowth()
	path := writeBenchFile(t, XLSX, rows)
	h.sample()
	r, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n := 0
	for ; ; n++ {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if row.Line != n+2 || row.Cells[4] != "3416021988"+pad8(n) {
			t.Fatalf("row %d: line %d, ID number %q", n, row.Line, row.Cells[4])
		}
		if n%5_000 == 0 {
			h.sample()
		}
	}
	if n != rows {
		t.Errorf("read %d rows, want %d", n, rows)
	}
	t.Logf("%d rows: live heap grew by at most %d KiB", n, h.max>>10)
	if h.max > 16<<20 {
		t.Errorf("live heap grew by %d KiB; want under 16 MiB", h.max>>10)
	}
}

func pad8(n int) string {
	s := strconv.Itoa(n)
	for len(s) < 8 {
		s = "0" + s
	}
	return s
}
