package hub

import (
	"context"
	"strings"
	"testing"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
)

// On SQLite the access log has a file of its own; entries a hall logged
// into its database before are moved into it when the log opens, once
// each, even when an earlier move stopped between its copy and its delete.
// On PostgreSQL the log stays in the hall's database.
func TestAccessLogMovesOutOfTheHall(t *testing.T) {
	ctx := context.Background()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		l, err := OpenAccessLog(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		if d.Engine == db.Postgres {
			if l != d {
				t.Fatal("on PostgreSQL the access log is not the hall's database")
			}
			return
		}
		if l.Path != db.AccessLogPath(d.Path) || !strings.HasSuffix(l.Path, "govhall-access.db") {
			t.Fatalf("access log at %s, want %s", l.Path, db.AccessLogPath(d.Path))
		}
		log := func(d *db.DB, id int, subject string) {
			t.Helper()
			if _, err := d.Exec(ctx, `INSERT INTO hub_access_log (id, at, accessor_kind, accessor_id, purpose, subject_kind, subject_id)
				VALUES (?, ?, 'system', 'ghtk_old', 'verification', 'person', ?)`, id, testNow, subject); err != nil {
				t.Fatal(err)
			}
		}
		// An entry the log has already (a move that stopped before its
		// delete) and two it has not, in the hall's table.
		log(l, 7, "p7")
		l.Close()
		log(d, 7, "p7")
		log(d, 8, "p8")
		log(d, 9, "p9")
		for range 2 { // the second open finds nothing to move
			if l, err = OpenAccessLog(ctx, d); err != nil {
				t.Fatal(err)
			}
			if n := count(t, d, "SELECT count(*) FROM hub_access_log"); n != 0 {
				t.Errorf("the hall's table still holds %d entries", n)
			}
			if n := count(t, l, "SELECT count(*) FROM hub_access_log WHERE id IN (7, 8, 9)"); n != 3 {
				t.Errorf("the log holds %d of the 3 entries", n)
			}
			var subj string
			var at any
			if err := l.QueryRow(ctx, "SELECT subject_id, at FROM hub_access_log WHERE id = 9").Scan(&subj, &at); err != nil || subj != "p9" {
				t.Errorf("entry 9 moved as %q (%v)", subj, err)
			}
			l.Close()
		}
		// A log file whose table differs from the hall's (a migration
		// changed one of them) is refused, not written to.
		l, err = db.Open(ctx, db.Config{Path: db.AccessLogPath(d.Path)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.Exec(ctx, "ALTER TABLE hub_access_log ADD COLUMN reason TEXT NOT NULL DEFAULT ''"); err != nil {
			t.Fatal(err)
		}
		l.Close()
		if _, err := OpenAccessLog(ctx, d); err == nil || !strings.Contains(err.Error(), "cannot use it") {
			t.Errorf("a log file with another table: %v, want a refusal", err)
		}
	})
}
