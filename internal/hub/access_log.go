package hub

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/ids"
)

// The access log is group-committed: reads hand their entry to one writer
// goroutine, which commits whatever has queued up (at most accessBatch
// entries) in one multi-row INSERT. Reads never take the write lock
// themselves, so a profile read costs a channel send, not a durable commit.
//
// The writer commits at once when it has been idle, and otherwise at most
// once per accessCommitEvery, so a lone read is durable within one commit
// and a busy hall commits in batches. A longer interval was measured and
// rejected: on SQLite a reader connection empties its page cache whenever
// another connection has committed (a third of a profile's CPU time went
// to re-reading pages in a pprof at 20,000 persons), which suggested
// committing less often; but at 6.6 M persons, 100 ms between commits made
// profile reads slower, not faster (p50 452-562 µs against 136 µs at 2 ms,
// HTTP p99 42 ms against 6.3 ms; BenchmarkProfile, BenchmarkVerifyHTTP, same
// hour, same store). Memory-mapping the file does not help either: the
// pager unmaps it on the same change (p50 360 µs against 111 µs).
//
// A SQLite file of its own for the log (govhall-access.db, its own writer)
// was built and taken back, twice measured. First it seemed to hurt HTTP
// (p99 9.8-22.5 ms against 4.6-5.9), as did writing no entry at all; the
// benchmark was to blame: with no commits to empty them, the readers'
// 64 MiB page caches were still filling while it measured, and each new
// page is fresh memory the kernel faults in (14% of the CPU profile in
// pcache1AllocPage and sqlite3MemMalloc). Measured again at steady state
// (BenchmarkVerifyHTTP now warms up until the faults stop; 6.6 M persons,
// the store wholly in the OS page cache, alternating runs), the file of
// its own is still worse over HTTP: p99 5.6-6.5 ms against 3.6-4.5, its
// readers' caches still growing (0.5 faults per request against 0.06).
// In-process a profile read 9 pages instead of 16 and p50 was 135-138 µs
// against 175-222, but p99 was no better (1,119-1,695 µs against
// 1,012-1,596). With the log in the hall's file and the statement cache
// (db.stmtCache), a profile's p50 is 135-148 µs and p99 861-883 µs; with
// the log's INSERT skipped, 112 and 379-428 µs. A commit landed during
// 19-21% of the slowest 2% of reads against 1% of the fastest half.
//
// The rest of that tail is this machine's (a 2-vCPU VM), measured with
// the store in the OS page cache: a random 4 KiB read of the 6.6 GB file
// takes 3.5 µs at p50 but 75 µs at p99 (5 µs within any 256 MiB of it),
// and while the other vCPU also reads, 66-115 µs at p90 and 0.9-4 ms at
// p99.9. A profile makes 9-16 such reads, and the log's writer works on
// the other vCPU while reads run. With the writer's INSERT skipped and
// the readers' caches warmed first, a profile's p99 is 332-457 µs; with
// the log in a file of its own (2a1e477, measured again the same way)
// 624-947 µs in-process against 1,031-1,420 here, but HTTP verification
// at 1,000 requests/s had p99 5.7-7.0 ms against 4.3 (one run each), so
// it stays here.
//
// Two ways, both measured (BenchmarkProfile: profile-async-log and
// profile-sync-log): with Access.Sync a read waits until its entry is
// committed — a durable commit per read (p50 ~1 ms on SQLite); without it,
// the default, the read returns at once. The default is the second: a
// synchronous log would be most of a read's cost, and on SQLite the one
// writer connection is shared with imports, whose 20,000-row batches hold
// it for a second or more, so every read would stall behind them.
//
// What may be lost: nothing on a clean stop (Close writes the queue) and
// nothing while the store fails (a failed batch is kept and retried, and
// reads are refused until it is written, see write); a crash of the
// process loses the entries of the last accessCommitEvery plus one commit.
// MyAccessLog commits the queue before it reads, so a person sees a read
// made a moment ago.

const (
	accessBatch = 512
	accessQueue = 8192
	// accessCommitEvery paces the writer's commits (see above).
	accessCommitEvery = 2 * time.Millisecond
)

// accessEntry is one row of hub_access_log.
type accessEntry struct {
	at                time.Time
	kind, id, name    string
	purpose, ref      string
	subjKind, subjID  string
	detail, requestID string
	done              chan error // Sync and flush: told when the entry's batch is committed
	flushOnly         bool       // a marker that only asks to be told
}

type accessLog struct {
	db     *db.DB
	sync   bool
	queue  chan accessEntry
	mu     sync.RWMutex
	closed bool
	done   chan struct{}
	// failing is set while a batch cannot be committed: reads are refused
	// (a read that cannot be logged is not made) until a commit succeeds.
	failing atomic.Bool
}

var (
	errAccessLogClosed = errors.New("hub: the access log is closed")
	errAccessLogDown   = errors.New("hub: the access log cannot be written; reads are refused until it can")
)

// accessLog starts the writer on first use.
func (s *Service) accessLog() *accessLog {
	s.accessOnce.Do(func() {
		l := &accessLog{db: s.DB, sync: s.Access.Sync, queue: make(chan accessEntry, accessQueue), done: make(chan struct{})}
		go l.run()
		s.Access.log = l
	})
	return s.Access.log
}

// add queues e; with sync it waits for the commit.
func (l *accessLog) add(ctx context.Context, e accessEntry) error {
	if l.sync {
		e.done = make(chan error, 1)
	}
	if err := l.send(ctx, e); err != nil {
		return err
	}
	if !l.sync {
		return nil
	}
	select {
	case err := <-e.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *accessLog) send(ctx context.Context, e accessEntry) error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		return errAccessLogClosed
	}
	if l.failing.Load() && !e.flushOnly {
		return errAccessLogDown
	}
	select {
	case l.queue <- e:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// flush waits until everything queued before it is committed.
func (l *accessLog) flush(ctx context.Context) error {
	m := accessEntry{flushOnly: true, done: make(chan error, 1)}
	if err := l.send(ctx, m); err != nil {
		if errors.Is(err, errAccessLogClosed) {
			return nil // Close flushed everything
		}
		return err
	}
	select {
	case err := <-m.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// close stops taking entries and waits until the queue is written.
func (l *accessLog) close() {
	l.mu.Lock()
	if !l.closed {
		l.closed = true
		close(l.queue)
	}
	l.mu.Unlock()
	<-l.done
}

func (l *accessLog) run() {
	defer close(l.done)
	batch := make([]accessEntry, 0, accessBatch)
	var last time.Time // the last commit
	for e := range l.queue {
		batch = append(batch[:0], e)
		if wait := accessCommitEvery - time.Since(last); !l.sync && !e.flushOnly && wait > 0 {
			batch = l.gather(batch, wait)
		}
		batch = l.drain(batch)
		err := l.write(batch)
		last = time.Now()
		for _, b := range batch {
			if b.done != nil {
				b.done <- err
			}
		}
	}
}

// gather adds what arrives within wait (up to accessBatch); a flush
// request ends the wait.
func (l *accessLog) gather(batch []accessEntry, wait time.Duration) []accessEntry {
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for len(batch) < accessBatch {
		select {
		case e, ok := <-l.queue:
			if !ok {
				return batch
			}
			batch = append(batch, e)
			if e.flushOnly {
				return batch
			}
		case <-timer.C:
			return batch
		}
	}
	return batch
}

// drain adds what is queued already (up to accessBatch), without waiting.
func (l *accessLog) drain(batch []accessEntry) []accessEntry {
	for len(batch) < accessBatch {
		select {
		case e, ok := <-l.queue:
			if !ok {
				return batch
			}
			batch = append(batch, e)
		default:
			return batch
		}
	}
	return batch
}

// write commits one batch. A failed commit is retried, not dropped: with
// backoff up to a second for as long as the log is open (reads are refused
// meanwhile, see failing), three times once it is closing; only then is
// the batch given up, with a log line that names no person.
func (l *accessLog) write(batch []accessEntry) error {
	var rows []accessEntry
	for _, e := range batch {
		if !e.flushOnly {
			rows = append(rows, e)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	q := "INSERT INTO hub_access_log (at, accessor_kind, accessor_id, accessor_name, purpose, purpose_ref, subject_kind, subject_id, detail, request_id) VALUES " +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", len(rows)), ", ")
	args := make([]any, 0, len(rows)*10)
	for _, e := range rows {
		args = append(args, e.at, e.kind, e.id, e.name, e.purpose, e.ref, e.subjKind, e.subjID, e.detail, e.requestID)
	}
	var err error
	for try := 0; ; try++ {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_, err = l.db.Exec(ctx, q, args...)
		cancel()
		if err == nil {
			l.failing.Store(false)
			return nil
		}
		l.failing.Store(true)
		l.mu.RLock()
		closing := l.closed
		l.mu.RUnlock()
		if closing && try >= 2 {
			break
		}
		slog.Error("hub: access log entries not written yet; reads are refused meanwhile", "entries", len(rows), "try", try+1,
			"err", ids.MaskText(err.Error()))
		time.Sleep(min(time.Duration(try+1)*50*time.Millisecond, time.Second))
	}
	slog.Error("hub: access log entries lost", "entries", len(rows), "err", ids.MaskText(err.Error()))
	return err
}

// logText makes a caller's text storable on both engines: valid UTF-8
// without NUL (which PostgreSQL refuses in text, and which would otherwise
// make a whole batch of other reads' entries fail).
func logText(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// Close flushes the access log and stops its writer; reads after Close
// are refused.
func (s *Service) Close() error {
	s.accessLog().close()
	return nil
}
