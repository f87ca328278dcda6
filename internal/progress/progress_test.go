package progress

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)}
}

// takeOutput returns what was written since the last call.
func takeOutput(b *bytes.Buffer) string {
	s := b.String()
	b.Reset()
	return s
}

func TestTerminalBarShowsPercentCountRateAndETA(t *testing.T) {
	var out bytes.Buffer
	c := newClock()
	b := NewAt(&out, "导入人口", 1000, c.now, true)

	c.advance(time.Second)
	b.Add(250)
	want := "\r导入人口 [======>                 ]  25.0% 250/1,000 250/s ETA 3s"
	if got := takeOutput(&out); got != want {
		t.Errorf("after 250 of 1,000 in 1 s:\n got %q\nwant %q", got, want)
	}

	c.advance(50 * time.Millisecond)
	b.Add(10)
	if got := takeOutput(&out); got != "" {
		t.Errorf("redrew %q only 50 ms after the last draw; want at most 10 draws a second", got)
	}

	c.advance(59 * time.Second)
	b.Set(990)
	// one space blanks the last character of the longer "250/s" line
	want = "\r导入人口 [=======================>]  99.0% 990/1,000 16/s ETA 1s "
	if got := takeOutput(&out); got != want {
		t.Errorf("after 990 of 1,000 in 61 s:\n got %q\nwant %q", got, want)
	}

	c.advance(time.Second)
	b.Finish("3 条被拒")
	final := "导入人口: 990 in 1m01s, 16/s; 3 条被拒"
	// The final line blanks what is left of the longer bar line.
	pad := utf8.RuneCountInString(strings.TrimSpace(want)) - utf8.RuneCountInString(final)
	want = "\r" + final + strings.Repeat(" ", pad) + "\n"
	if got := takeOutput(&out); got != want {
		t.Errorf("finish:\n got %q\nwant %q", got, want)
	}

	c.advance(time.Hour)
	b.Add(5)
	b.Finish("again")
	if got := takeOutput(&out); got != "" {
		t.Errorf("drew %q after Finish", got)
	}
}

func TestPlainOutputEveryFiveSeconds(t *testing.T) {
	var out bytes.Buffer
	c := newClock()
	b := NewAt(&out, "export", 2_000_000, c.now, false)

	c.advance(4 * time.Second)
	b.Add(400_000)
	if got := takeOutput(&out); got != "" {
		t.Errorf("plain output before 5 s: %q", got)
	}
	c.advance(time.Second)
	b.Add(100_000)
	if got, want := takeOutput(&out), "export  25.0% 500,000/2,000,000 100,000/s ETA 15s\n"; got != want {
		t.Errorf("at 5 s:\n got %q\nwant %q", got, want)
	}
	c.advance(4 * time.Second)
	b.Add(1)
	if got := takeOutput(&out); got != "" {
		t.Errorf("second line after 4 s: %q", got)
	}
	c.advance(time.Second)
	b.Add(499_999)
	if got := takeOutput(&out); !strings.HasPrefix(got, "export  50.0% 1,000,000/2,000,000") || strings.Contains(got, "\r") {
		t.Errorf("at 10 s: %q", got)
	}
	c.advance(500 * time.Millisecond)
	b.Finish("")
	if got, want := takeOutput(&out), "export: 1,000,000 in 10.5s, 95,238/s\n"; got != want {
		t.Errorf("finish:\n got %q\nwant %q", got, want)
	}
}

func TestUnknownTotalShowsCountAndRate(t *testing.T) {
	var out bytes.Buffer
	c := newClock()
	b := NewAt(&out, "generate", 0, c.now, true)
	c.advance(2 * time.Second)
	b.Add(3000)
	if got, want := takeOutput(&out), "\rgenerate 3,000 1,500/s"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestNoTimePassedAndOvershoot(t *testing.T) {
	var out bytes.Buffer
	c := newClock()
	b := NewAt(&out, "x", 10, c.now, true)
	b.Add(1) // no time has passed: no rate, no ETA, no division by zero
	if got, want := takeOutput(&out), "\rx [==>                     ]  10.0% 1/10 0/s ETA --"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	c.advance(time.Second)
	b.Set(15) // more than announced: capped at 100 %
	if got, want := takeOutput(&out), "\rx [========================] 100.0% 15/10 15/s ETA 0s"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestConcurrentAddsAllCount(t *testing.T) {
	var out bytes.Buffer
	c := newClock()
	b := NewAt(&out, "hub", 80_000, c.now, false)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 10_000 {
				b.Add(1)
				c.advance(time.Millisecond)
			}
		})
	}
	wg.Wait()
	b.Finish("")
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	// 80 s of clock: a line at 5 s, 10 s, … 75 s whatever the interleaving
	// (the clock reaches 80 s only after the last Add), and a final line.
	if len(lines) != 16 {
		t.Errorf("%d lines, want 16:\n%s", len(lines), out.String())
	}
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "hub: 80,000 in 1m20s, 1,000/s") {
		t.Errorf("final line %q", last)
	}
}

func TestNewDetectsNonTerminals(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, b := range []*Bar{New(&bytes.Buffer{}, "a", 1), New(f, "a", 1)} {
		if b.tty {
			t.Errorf("%T taken for a terminal", b.w)
		}
	}
}

func TestFormatting(t *testing.T) {
	groups := map[int64]string{0: "0", 999: "999", 1000: "1,000", -1234567: "-1,234,567", 150_000: "150,000"}
	for n, want := range groups {
		if got := group(n); got != want {
			t.Errorf("group(%d) = %q, want %q", n, got, want)
		}
	}
	clocks := map[time.Duration]string{0: "0s", 59 * time.Second: "59s", 65 * time.Second: "1m05s",
		2*time.Hour + 10*time.Minute: "2h10m", 1499 * time.Millisecond: "1s"}
	for d, want := range clocks {
		if got := clock(d); got != want {
			t.Errorf("clock(%v) = %q, want %q", d, got, want)
		}
	}
}

// BenchmarkAdd is the cost a worker pays per batch, with the real clock and
// several goroutines adding at once.
func BenchmarkAdd(b *testing.B) {
	bar := New(&bytes.Buffer{}, "bench", 1<<62)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			bar.Add(1)
		}
	})
}
