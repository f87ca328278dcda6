package hub

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/ids"
)

// The access log is group-committed: reads hand their entry to one writer
// goroutine, which commits whatever has queued up (at most accessBatch
// entries) in one multi-row INSERT, lingering accessLinger for more when
// the queue was empty. Reads never take the write lock themselves, so a
// profile read costs a channel send, not a durable commit.
//
// Two ways, both measured (BenchmarkProfile: profile-async-log and
// profile-sync-log, 200,000 persons, SQLite, one reader at a time, on a
// shared 2-core machine): with Access.Sync a read waits until its entry is
// committed (fail-closed: a read whose entry cannot be written returns an
// error) — p50 1.4 ms, a durable commit per read; without it, the default,
// the read returns at once — p50 0.18 ms. The default is the second: a
// synchronous log would be most of a read's cost, and on SQLite the one
// writer connection is shared with imports, whose 20,000-row batches hold
// it for a second or more, so every read would stall behind them. The
// price is a loss window: a crash (not a clean stop) loses the entries of
// the last accessLinger plus one commit, and at most accessQueue entries
// because a full queue makes reads wait. Close, and MyAccessLog before it
// reads, flush the queue.

const (
	accessBatch  = 512
	accessQueue  = 8192
	accessLinger = 2 * time.Millisecond
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
}

var errAccessLogClosed = errors.New("hub: the access log is closed")

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
	for e := range l.queue {
		batch = append(batch[:0], e)
		if l.sync {
			batch = l.drain(batch) // a waiting read pays for every linger: none
		} else {
			batch = l.gather(batch)
		}
		err := l.write(batch)
		for _, b := range batch {
			if b.done != nil {
				b.done <- err
			}
		}
	}
}

// gather adds what is queued (up to accessBatch), lingering briefly when
// nothing more has arrived yet.
func (l *accessLog) gather(batch []accessEntry) []accessEntry {
	timer := time.NewTimer(accessLinger)
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

// write commits one batch, retrying a failed commit twice; the log line of
// a lost batch names no person, only how many entries were lost.
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
	for try := range 3 {
		if try > 0 {
			time.Sleep(time.Duration(try) * 50 * time.Millisecond)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_, err = l.db.Exec(ctx, q, args...)
		cancel()
		if err == nil {
			return nil
		}
	}
	slog.Error("hub: access log entries lost", "entries", len(rows), "err", ids.MaskText(err.Error()))
	return err
}

// Close flushes the access log and stops its writer; reads after Close
// are refused.
func (s *Service) Close() error {
	s.accessLog().close()
	s.Access.stmts.close()
	return nil
}
