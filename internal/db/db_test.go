package db_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()

		t.Run("migrations are recorded and idempotent", func(t *testing.T) {
			ms, err := db.Migrations(d.Engine)
			if err != nil {
				t.Fatal(err)
			}
			v, err := d.SchemaVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if v != len(ms) {
				t.Fatalf("schema version %d, want %d", v, len(ms))
			}
			again, err := d.Migrate(ctx)
			if err != nil || len(again) != 0 {
				t.Fatalf("second Migrate applied %v (err %v), want nothing", again, err)
			}
		})

		t.Run("both engines accept the same SQL and round-trip values", func(t *testing.T) {
			at := time.Date(2014, 12, 1, 8, 30, 0, 123456000, time.UTC)
			err := d.WithTx(ctx, func(tx *db.Tx) error {
				_, err := tx.Exec(ctx, `INSERT INTO jurisdictions (code, gbt2260, level, kind, name, confirmed, created_at, updated_at)
					VALUES (?, ?, 'city', 'city', ?, ?, ?, ?)`, "341600000000", "341600", "亳州市", true, at, at)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			var name string
			var confirmed bool
			var got time.Time
			err = d.QueryRow(ctx, "SELECT name, confirmed, created_at FROM jurisdictions WHERE code = ?", "341600000000").
				Scan(&name, &confirmed, &got)
			if err != nil {
				t.Fatal(err)
			}
			if name != "亳州市" || !confirmed || !got.Equal(at) {
				t.Fatalf("read back %q %v %v, want 亳州市 true %v", name, confirmed, got, at)
			}
		})

		t.Run("a failed transaction writes nothing", func(t *testing.T) {
			boom := errors.New("boom")
			at := time.Now().UTC()
			err := d.WithTx(ctx, func(tx *db.Tx) error {
				if _, err := tx.Exec(ctx, `INSERT INTO jurisdictions (code, level, kind, name, created_at, updated_at)
					VALUES ('341621000000', 'county', 'county', '涡阳县', ?, ?)`, at, at); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("WithTx returned %v, want boom", err)
			}
			var n int
			if err := d.QueryRow(ctx, "SELECT count(*) FROM jurisdictions WHERE code = '341621000000'").Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Fatal("rolled-back row is visible")
			}
		})

		t.Run("unique violations are recognised", func(t *testing.T) {
			at := time.Now().UTC()
			_, err := d.Exec(ctx, `INSERT INTO jurisdictions (code, level, kind, name, created_at, updated_at)
				VALUES ('341600000000', 'city', 'city', 'dup', ?, ?)`, at, at)
			if !db.IsUniqueViolation(err) {
				t.Fatalf("duplicate key gave %v, want a unique violation", err)
			}
		})

		t.Run("a question mark inside a literal is not a placeholder", func(t *testing.T) {
			var s string
			if err := d.QueryRow(ctx, "SELECT 'why?' || ?", "!").Scan(&s); err != nil {
				t.Fatal(err)
			}
			if s != "why?!" {
				t.Fatalf("got %q", s)
			}
		})
	})
}

func TestSQLitePragmas(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	var mode string
	var sync int
	if err := d.QueryRow(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	// The writer is what acknowledges changes: it must be synchronous=FULL (2).
	if err := d.WithTx(ctx, func(tx *db.Tx) error { return tx.QueryRow(ctx, "PRAGMA synchronous").Scan(&sync) }); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" || sync != 2 {
		t.Fatalf("journal_mode=%s synchronous=%d, want wal and 2 (FULL)", mode, sync)
	}
}

func TestOpenRefusesBadInput(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if _, err := db.Open(ctx, db.Config{URL: "mysql://x"}); err == nil {
		t.Fatal("a non-postgres URL was accepted")
	}
	_, err := db.Open(ctx, db.Config{URL: "postgres://nobody:secret@/nodb?host=/nonexistent-socket-dir"})
	if err == nil {
		t.Fatal("an unreachable server was accepted")
	}
	if got := err.Error(); strings.Contains(got, "secret") {
		t.Fatalf("error leaks the password: %s", got)
	}
}
