// Package dbtest runs storage tests on both engines. Each test gets a fresh,
// migrated store: a SQLite file in its temp dir, and its own database on a
// PostgreSQL server. The server is GOVHALL_TEST_POSTGRES when set; otherwise
// a throwaway cluster started from the machine's PostgreSQL binaries (initdb
// and pg_ctl in a temp dir, unix socket only), shared by the test binary and
// removed by Main when the tests end.
//
// Where no server can be had the PostgreSQL half skips with the reason,
// unless GOVHALL_REQUIRE_POSTGRES=1 makes that a failure.
package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/db"
)

// Main wraps testing.M so the package's PostgreSQL cluster, if one was
// started, is stopped and removed after the tests: call it from TestMain.
func Main(m *testing.M) { os.Exit(Run(m)) }

// Run runs the tests, stops the cluster and returns the exit code, for a
// TestMain that checks more after the tests.
func Run(m *testing.M) int {
	code := m.Run()
	stopCluster()
	return code
}

// Each runs fn as two subtests, "sqlite" and "postgres", each on its own
// fresh, migrated store.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite returns a fresh, migrated SQLite store in the test's temp dir.
func SQLite(t testing.TB) *db.DB {
	t.Helper()
	return Open(t, db.Config{Path: t.TempDir() + "/govhall.db"})
}

// Postgres returns a fresh, migrated store in a new database of the test
// server, dropped when the test ends.
func Postgres(t testing.TB) *db.DB {
	t.Helper()
	return Open(t, db.Config{URL: PostgresURL(t)})
}

// Open opens and migrates the store c, as a govhall process does at start
// (for a test that needs a second handle on the same store).
func Open(t testing.TB, c db.Config) *db.DB {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return d
}

var dbSeq atomic.Int64

// PostgresURL creates an empty database for the test on the test server and
// returns its URL. It skips (or fails, under GOVHALL_REQUIRE_POSTGRES=1)
// when no server is available.
func PostgresURL(t testing.TB) string {
	t.Helper()
	admin, err := server()
	if err != nil {
		if os.Getenv("GOVHALL_REQUIRE_POSTGRES") == "1" {
			t.Fatalf("PostgreSQL required (GOVHALL_REQUIRE_POSTGRES=1) but unavailable: %v", err)
		}
		t.Skipf("no PostgreSQL: %v", err)
	}
	name := fmt.Sprintf("govhall_t%d_%d", os.Getpid(), dbSeq.Add(1))
	ctx := context.Background()
	if _, err := admin.conn.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		// WITH (FORCE) ends connections a failed test may have left open.
		if _, err := admin.conn.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
	})
	return admin.urlFor(name)
}

type adminConn struct {
	conn   *sql.DB
	urlFor func(dbname string) string
}

var (
	srvOnce sync.Once
	srv     *adminConn
	srvErr  error
	cl      *cluster
)

func server() (*adminConn, error) {
	srvOnce.Do(func() {
		if u := os.Getenv("GOVHALL_TEST_POSTGRES"); u != "" {
			srv, srvErr = connectAdmin(u)
			return
		}
		cl, srvErr = startCluster()
		if srvErr != nil {
			return
		}
		srv, srvErr = connectAdmin(cl.url("postgres"))
	})
	return srv, srvErr
}

func connectAdmin(raw string) (*adminConn, error) {
	conn, err := sql.Open("pgx", raw)
	if err != nil {
		return nil, err
	}
	conn.SetMaxOpenConns(2)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := conn.PingContext(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("connect to %s: %w", raw, err)
	}
	return &adminConn{conn: conn, urlFor: func(name string) string { return replaceDBName(raw, name) }}, nil
}

// replaceDBName swaps the database of a postgres:// URL.
func replaceDBName(raw, name string) string {
	rest := strings.TrimPrefix(strings.TrimPrefix(raw, "postgresql://"), "postgres://")
	query := ""
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest, query = rest[:i], rest[i:]
	}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		rest = rest[:i]
	}
	return "postgres://" + rest + "/" + name + query
}

func stopCluster() {
	if srv != nil {
		srv.conn.Close()
	}
	if cl != nil {
		cl.stop()
	}
}
