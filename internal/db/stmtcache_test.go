package db

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func openCacheTest(t *testing.T) *DB {
	t.Helper()
	d, err := Open(context.Background(), Config{Path: filepath.Join(t.TempDir(), "cache.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Exec(context.Background(), "CREATE TABLE t (a INTEGER NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	return d
}

func (c *stmtCache) size() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.stmts)
}

func TestReadStatementCache(t *testing.T) {
	ctx := context.Background()

	t.Run("a kept statement sees later writes and schema changes", func(t *testing.T) {
		d := openCacheTest(t)
		const q = "SELECT * FROM t WHERE a >= ? ORDER BY a"
		if _, err := d.Exec(ctx, "INSERT INTO t (a) VALUES (1)"); err != nil {
			t.Fatal(err)
		}
		var a int
		if err := d.QueryRow(ctx, q, 0).Scan(&a); err != nil || a != 1 {
			t.Fatalf("first read: a=%d err=%v", a, err)
		}
		if _, err := d.Exec(ctx, "DELETE FROM t"); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, "INSERT INTO t (a) VALUES (7)"); err != nil {
			t.Fatal(err)
		}
		if err := d.QueryRow(ctx, q, 0).Scan(&a); err != nil || a != 7 {
			t.Fatalf("read after a write: a=%d err=%v, want 7", a, err)
		}
		// A column added after the statement was prepared shows in SELECT *.
		if _, err := d.Exec(ctx, "ALTER TABLE t ADD COLUMN b TEXT NOT NULL DEFAULT 'x'"); err != nil {
			t.Fatal(err)
		}
		var b string
		if err := d.QueryRow(ctx, q, 0).Scan(&a, &b); err != nil || a != 7 || b != "x" {
			t.Fatalf("read after ALTER TABLE: a=%d b=%q err=%v", a, b, err)
		}
		if n := d.reads.size(); n != 1 {
			t.Fatalf("%d statements kept, want 1", n)
		}
	})

	t.Run("a bad query reports its error and is not kept", func(t *testing.T) {
		d := openCacheTest(t)
		var a int
		err := d.QueryRow(ctx, "SELECT nope FROM t").Scan(&a)
		if err == nil || !strings.Contains(err.Error(), "nope") {
			t.Fatalf("QueryRow of a bad query: %v, want an error naming the column", err)
		}
		if _, err := d.Query(ctx, "SELECT a FROM missing_table"); err == nil || !strings.Contains(err.Error(), "missing_table") {
			t.Fatalf("Query of a bad query: %v, want an error naming the table", err)
		}
		if n := d.reads.size(); n != 0 {
			t.Fatalf("%d statements kept, want 0", n)
		}
	})

	t.Run("past the bound, new texts still run, unprepared", func(t *testing.T) {
		d := openCacheTest(t)
		for i := range stmtCacheMax + 20 {
			var v int
			if err := d.QueryRow(ctx, fmt.Sprintf("SELECT ? + %d", i), 1).Scan(&v); err != nil || v != i+1 {
				t.Fatalf("query %d: v=%d err=%v", i, v, err)
			}
		}
		if n := d.reads.size(); n != stmtCacheMax {
			t.Fatalf("%d statements kept, want the bound %d", n, stmtCacheMax)
		}
		// A long IN list is never kept, and runs.
		args := make([]any, 100)
		for i := range args {
			args[i] = i
		}
		in := "SELECT count(*) FROM (SELECT 1 AS x) WHERE x IN (" + strings.TrimSuffix(strings.Repeat("?,", len(args)), ",") + ")"
		d2 := openCacheTest(t)
		var got int
		if err := d2.QueryRow(ctx, in, args...).Scan(&got); err != nil || got != 1 {
			t.Fatalf("IN list of 100: count=%d err=%v", got, err)
		}
		if n := d2.reads.size(); n != 0 {
			t.Fatalf("a 100-placeholder query was kept (%d statements)", n)
		}
		// A kept one still answers.
		var v int
		if err := d.QueryRow(ctx, "SELECT ? + 3", 1).Scan(&v); err != nil || v != 4 {
			t.Fatalf("kept query: v=%d err=%v", v, err)
		}
	})

	t.Run("concurrent readers share one statement", func(t *testing.T) {
		d := openCacheTest(t)
		if _, err := d.Exec(ctx, "INSERT INTO t (a) VALUES (1), (2), (3)"); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 8 {
			wg.Go(func() {
				for range 50 {
					rows, err := d.Query(ctx, "SELECT a FROM t WHERE a <= ? ORDER BY a", 2)
					if err != nil {
						errs <- err
						return
					}
					n := 0
					for rows.Next() {
						n++
					}
					rows.Close()
					if n != 2 {
						errs <- fmt.Errorf("%d rows, want 2", n)
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if n := d.reads.size(); n != 1 {
			t.Fatalf("%d statements kept, want 1", n)
		}
	})

	t.Run("reads after Close fail instead of using closed statements", func(t *testing.T) {
		d := openCacheTest(t)
		var v int
		if err := d.QueryRow(ctx, "SELECT count(*) FROM t").Scan(&v); err != nil {
			t.Fatal(err)
		}
		d.Close()
		if err := d.QueryRow(ctx, "SELECT count(*) FROM t").Scan(&v); err == nil {
			t.Fatal("a read after Close succeeded")
		}
	})
}
