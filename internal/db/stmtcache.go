package db

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// stmtCacheMax bounds how many distinct read queries are kept prepared.
// The hall's queries are a few hundred fixed texts; queries whose text
// varies with their arguments (an IN list of n placeholders) could
// otherwise grow the cache without end, so past the bound a new text is
// run unprepared, as before the cache. Statements are never evicted: one
// in use by another reader must not be closed under it.
const stmtCacheMax = 512

// stmtCacheMaxArgs keeps long IN lists out of the cache: their parse is
// paid for by the hundreds of keys they look up, and their many lengths
// would fill it.
const stmtCacheMaxArgs = 64

// stmtCache keeps the SQLite reader pool's statements prepared, keyed by
// their text: database/sql prepares a statement once on each connection
// that runs it and keeps it there. Parsing a statement costs modernc's
// SQLite more than running a primary-key lookup: the API token check of
// every request spent 70 µs of its 160 in sqlite3_prepare (CPU profile of
// BenchmarkVerifyHTTP at 6.6 M persons). PostgreSQL needs no such cache:
// pgx keeps each connection's statements prepared itself.
type stmtCache struct {
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
	full  bool
}

// stmt returns q prepared on pool, or nil when it is not cached and
// cannot be (the cache is full, or preparing failed: the caller then runs
// q unprepared, which reports the same error the usual way).
func (c *stmtCache) stmt(ctx context.Context, pool *sql.DB, q string) *sql.Stmt {
	if strings.Count(q, "?") > stmtCacheMaxArgs {
		return nil
	}
	c.mu.RLock()
	st, full := c.stmts[q], c.full
	c.mu.RUnlock()
	if st != nil || full {
		return st
	}
	// Prepare outside the lock; a context that ends must not end the
	// statement's life, which outlasts this call.
	st, err := pool.PrepareContext(context.WithoutCancel(ctx), q)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if have := c.stmts[q]; have != nil { // another caller was first
		st.Close()
		return have
	}
	if len(c.stmts) >= stmtCacheMax {
		c.full = true
		st.Close()
		return nil
	}
	if c.stmts == nil {
		c.stmts = make(map[string]*sql.Stmt)
	}
	c.stmts[q] = st
	return st
}

// close closes every cached statement.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.stmts {
		st.Close()
	}
	c.stmts, c.full = nil, false
}
