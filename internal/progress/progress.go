// Package progress draws the progress of long work (bulk imports,
// generators, exports): on a terminal a bar redrawn in place, otherwise (a
// log file, a pipe, CI) a plain line every few seconds, so logs stay short.
//
// The text is numbers and a few symbols (%, /s, ETA), the same in every
// language; the caller's label and summary carry the words.
package progress

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

const (
	ttyEvery   = 100 * time.Millisecond // at most 10 redraws a second
	plainEvery = 5 * time.Second        // one plain line every 5 s
	barCells   = 24
)

// Bar reports the progress of one piece of work. Add and Set are safe for
// concurrent use and cheap (an atomic add and a clock read), so workers call
// them once per batch; drawing happens inside them when a draw is due.
type Bar struct {
	w     io.Writer
	label string
	total int64
	now   func() time.Time
	tty   bool
	start time.Time

	count atomic.Int64
	due   atomic.Int64 // UnixNano of the next draw
	done  atomic.Bool

	mu    sync.Mutex // serialises writes to w
	shown int        // characters in the line last drawn on a terminal
}

// New starts a bar on w; total 0 means unknown (the bar then shows the count
// and the rate). It draws in place when w is a terminal.
func New(w io.Writer, label string, total int64) *Bar {
	return NewAt(w, label, total, time.Now, isTerminal(w))
}

// NewAt is New with the clock and the terminal decision given, for tests
// and for callers that know better (a --no-progress-bar flag).
func NewAt(w io.Writer, label string, total int64, now func() time.Time, tty bool) *Bar {
	b := &Bar{w: w, label: label, total: max(total, 0), now: now, tty: tty, start: now()}
	first := b.start // a terminal shows the bar on the first Add
	if !tty {
		first = first.Add(plainEvery)
	}
	b.due.Store(first.UnixNano())
	return b
}

// isTerminal reports whether w is a character device that is not a dumb
// terminal. (golang.org/x/term is not among the known-good modules; the
// file mode tells enough for deciding how to draw.)
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("TERM") == "dumb" {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Add counts n more units done.
func (b *Bar) Add(n int64) {
	b.count.Add(n)
	b.tick()
}

// Set says n units are done in all, for work that knows its position (bytes
// read of a file) rather than counting.
func (b *Bar) Set(n int64) {
	b.count.Store(n)
	b.tick()
}

// tick draws when a draw is due; of several goroutines arriving at once
// exactly one draws.
func (b *Bar) tick() {
	if b.done.Load() {
		return
	}
	t := b.now()
	due := b.due.Load()
	if t.UnixNano() < due {
		return
	}
	every := plainEvery
	if b.tty {
		every = ttyEvery
	}
	if !b.due.CompareAndSwap(due, t.Add(every).UnixNano()) {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done.Load() {
		return
	}
	if b.tty {
		b.redraw(b.line(t, true))
	} else {
		fmt.Fprintln(b.w, b.line(t, false))
	}
}

// redraw overwrites the terminal line, blanking what the new line does not
// cover. The caller holds mu.
func (b *Bar) redraw(s string) {
	n := utf8.RuneCountInString(s)
	pad := max(b.shown-n, 0)
	b.shown = n
	io.WriteString(b.w, "\r"+s+strings.Repeat(" ", pad))
}

// Finish ends the bar with a line of the total, the elapsed time and the
// average rate, followed by summary when it is not empty. Later calls to
// Add, Set and Finish draw nothing.
func (b *Bar) Finish(summary string) {
	if !b.done.CompareAndSwap(false, true) {
		return
	}
	t := b.now()
	n := b.count.Load()
	elapsed := t.Sub(b.start)
	s := fmt.Sprintf("%s: %s in %s, %s/s", b.label, group(n), seconds(elapsed), group(int64(rate(n, elapsed))))
	if summary != "" {
		s += "; " + summary
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tty {
		b.redraw(s)
		io.WriteString(b.w, "\n")
		return
	}
	fmt.Fprintln(b.w, s)
}

// line renders the state at t: label, (bar,) percent, count/total, rate and
// ETA; with an unknown total only label, count and rate.
func (b *Bar) line(t time.Time, withBar bool) string {
	n := b.count.Load()
	r := rate(n, t.Sub(b.start))
	if b.total == 0 {
		return fmt.Sprintf("%s %s %s/s", b.label, group(n), group(int64(r)))
	}
	frac := min(float64(n)/float64(b.total), 1)
	var sb strings.Builder
	sb.WriteString(b.label)
	if withBar {
		sb.WriteString(" [" + bar(frac) + "]")
	}
	eta := "--"
	if r > 0 {
		eta = clock(time.Duration(float64(max(b.total-n, 0)) / r * float64(time.Second)))
	}
	fmt.Fprintf(&sb, " %5.1f%% %s/%s %s/s ETA %s", frac*100, group(n), group(b.total), group(int64(r)), eta)
	return sb.String()
}

// rate is units per second since the start, 0 before any time has passed.
func rate(n int64, elapsed time.Duration) float64 {
	if elapsed <= 0 {
		return 0
	}
	return float64(n) / elapsed.Seconds()
}

// bar draws frac of barCells as "=====>    ".
func bar(frac float64) string {
	full := int(frac * barCells)
	if full >= barCells {
		return strings.Repeat("=", barCells)
	}
	return strings.Repeat("=", full) + ">" + strings.Repeat(" ", barCells-full-1)
}

// group writes n with thousands separators: 1,234,567.
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

// clock writes a remaining time the way people read it: 45s, 3m05s, 2h10m.
func clock(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	switch {
	case s < 60:
		return strconv.FormatInt(s, 10) + "s"
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	}
	return fmt.Sprintf("%dh%02dm", s/3600, s%3600/60)
}

// seconds writes an elapsed time with a tenth of a second below a minute.
func seconds(d time.Duration) string {
	if d < time.Minute {
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
	}
	return clock(d)
}
