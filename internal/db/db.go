// Package db owns the connection to the store: the embedded SQLite database
// or a PostgreSQL server, the small dialect layer between them, the numbered
// migrations of each engine, and transactions. SQL itself lives in the
// package that owns the tables and is written once, in the subset both
// engines accept, with ? placeholders; Rebind turns them into $n for
// PostgreSQL.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// Engine names a storage engine.
type Engine string

// The two engines govhall runs on.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DB is the store: one writer pool and one reader pool. For SQLite the
// writer pool holds exactly one connection (SQLite has one writer at a time;
// queuing in Go is cheaper than SQLITE_BUSY retries) and readers run in
// parallel thanks to WAL. For PostgreSQL both are the same pool.
type DB struct {
	Engine Engine
	// Path is the SQLite database file; empty for PostgreSQL.
	Path string
	w, r *sql.DB
	// reads keeps the SQLite reader pool's statements prepared (nil for
	// PostgreSQL).
	reads *stmtCache
}

// Config says where the store is.
type Config struct {
	// URL selects PostgreSQL when it starts with postgres:// or postgresql://.
	URL string
	// Path is the SQLite database file, used when URL is empty.
	Path string
	// ReadConns caps the SQLite reader pool (default 4).
	ReadConns int
}

// ErrNotFound is returned (wrapped) when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// IsPostgresURL reports whether s selects PostgreSQL.
func IsPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Open connects to the store and checks it answers within the context's
// deadline. It does not migrate; call Migrate.
func Open(ctx context.Context, c Config) (*DB, error) {
	if c.URL != "" {
		if !IsPostgresURL(c.URL) {
			return nil, fmt.Errorf("--db %q: only postgres:// URLs are accepted (leave it empty for the embedded SQLite store)", redactURL(c.URL))
		}
		return openPostgres(ctx, c.URL)
	}
	if c.Path == "" {
		return nil, errors.New("no database: give a SQLite path or a postgres:// URL")
	}
	return openSQLite(ctx, c)
}

func openPostgres(ctx context.Context, raw string) (*DB, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("--db: not a valid URL: %v", strings.ReplaceAll(err.Error(), raw, redactURL(raw)))
	}
	q := u.Query()
	if q.Get("connect_timeout") == "" {
		q.Set("connect_timeout", "5")
	}
	u.RawQuery = q.Encode()
	p, err := sql.Open("pgx", u.String())
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL %s: %w", redactURL(raw), err)
	}
	p.SetMaxOpenConns(20)
	p.SetMaxIdleConns(10)
	p.SetConnMaxIdleTime(5 * time.Minute)
	d := &DB{Engine: Postgres, w: p, r: p}
	if err := d.Ping(ctx); err != nil {
		p.Close()
		return nil, fmt.Errorf("cannot reach PostgreSQL at %s: %w", redactURL(raw), err)
	}
	return d, nil
}

func openSQLite(ctx context.Context, c Config) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(c.Path), 0o750); err != nil {
		return nil, fmt.Errorf("create database folder: %w", err)
	}
	// busy_timeout comes first so that every later pragma waits instead of
	// failing when another process (a backup, say) holds a lock.
	dsn := SQLiteURI(c.Path, "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)"+
		"&_pragma=synchronous(FULL)&_pragma=foreign_keys(ON)&_txlock=immediate")
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", c.Path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxLifetime(0)
	// Readers keep up to 64 MiB of pages each (SQLite's default is 2 MiB):
	// a catalog search touches the rows of every match, and re-reading them
	// through the OS costs ten times more (measured in BenchmarkSearch).
	r, err := sql.Open("sqlite", SQLiteURI(c.Path, "_pragma=busy_timeout(10000)&_pragma=foreign_keys(ON)&_pragma=query_only(ON)"+
		"&_pragma=cache_size(-65536)"))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", c.Path, err)
	}
	n := c.ReadConns
	if n <= 0 {
		n = 4
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	d := &DB{Engine: SQLite, Path: c.Path, w: w, r: r, reads: &stmtCache{}}
	if err := d.Ping(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("open SQLite database %s: %w", c.Path, err)
	}
	var mode string
	if err := w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		d.Close()
		return nil, fmt.Errorf("open SQLite database %s: journal_mode is %q, want wal (%v)", c.Path, mode, err)
	}
	return d, nil
}

// SQLiteURI builds the file: URI the SQLite driver opens, escaping the
// characters (?, #, %) that would otherwise end or change the path.
func SQLiteURI(path, query string) string {
	esc := strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(path)
	return "file:" + esc + "?" + query
}

// Ping checks that the store answers.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.w.PingContext(ctx); err != nil {
		return err
	}
	var one int
	return d.r.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Close closes both pools.
func (d *DB) Close() error {
	if d.reads != nil {
		d.reads.close()
	}
	errW := d.w.Close()
	if d.r != d.w {
		return errors.Join(errW, d.r.Close())
	}
	return errW
}

// Pools returns the named connection pools, for metrics.
func (d *DB) Pools() map[string]*sql.DB {
	if d.r == d.w {
		return map[string]*sql.DB{"main": d.w}
	}
	return map[string]*sql.DB{"writer": d.w, "reader": d.r}
}

// Query runs a read-only query on the reader pool.
func (d *DB) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := d.readStmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return d.r.QueryContext(ctx, d.Rebind(q), args...)
}

// readStmt is q prepared on the reader pool, if it is kept prepared.
func (d *DB) readStmt(ctx context.Context, q string) *sql.Stmt {
	if d.reads == nil {
		return nil
	}
	return d.reads.stmt(ctx, d.r, d.Rebind(q))
}

// QueryRow runs a read-only single-row query on the reader pool.
func (d *DB) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := d.readStmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return d.r.QueryRowContext(ctx, d.Rebind(q), args...)
}

// Exec runs one statement outside any transaction, on the writer.
func (d *DB) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return d.w.ExecContext(ctx, d.Rebind(q), args...)
}

// Tx is a write transaction. Its methods take ? placeholders.
type Tx struct {
	tx *sql.Tx
	d  *DB
}

// Engine tells which engine the transaction runs on.
func (t *Tx) Engine() Engine { return t.d.Engine }

// Exec runs a statement in the transaction.
func (t *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, t.d.Rebind(q), args...)
}

// Query runs a query in the transaction.
func (t *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, t.d.Rebind(q), args...)
}

// QueryRow runs a single-row query in the transaction.
func (t *Tx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, t.d.Rebind(q), args...)
}

// Prepare makes a statement for repeated use in the transaction (bulk
// writes); the caller closes it.
func (t *Tx) Prepare(ctx context.Context, q string) (*sql.Stmt, error) {
	return t.tx.PrepareContext(ctx, t.d.Rebind(q))
}

// WithTx runs fn in one write transaction and commits when fn returns nil.
// A panic or error rolls everything back: a change is never half-written.
func (d *DB) WithTx(ctx context.Context, fn func(*Tx) error) (err error) {
	sqlTx, err := d.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
	}()
	if err := fn(&Tx{tx: sqlTx, d: d}); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Rebind turns ? placeholders into $1, $2, … for PostgreSQL. A ? inside a
// quoted string literal is left alone.
func (d *DB) Rebind(q string) string {
	if d.Engine != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n, inStr := 0, false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inStr = !inStr
			b.WriteByte(c)
		case c == '?' && !inStr:
			n++
			fmt.Fprintf(&b, "$%d", n)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// IsUniqueViolation reports whether err is a unique-constraint violation on
// either engine, so callers can answer "already exists" instead of 500.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}

// IsForeignKeyViolation reports whether err is a foreign-key violation on
// either engine: a reference to something that does not exist.
func IsForeignKeyViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "FOREIGN KEY constraint failed") || strings.Contains(s, "SQLSTATE 23503")
}

// redactURL hides a password in a database URL before it is printed.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
