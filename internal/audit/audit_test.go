package audit_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/errs"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func newLog(t *testing.T, alg string) *audit.Log {
	t.Helper()
	l, err := audit.New(alg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func appendN(t *testing.T, d *db.DB, l *audit.Log, n int) {
	t.Helper()
	ctx := actor.With(context.Background(), actor.Actor{Kind: "staff", ID: "7", Addr: "10.0.0.8", RequestID: "r1"})
	for i := 0; i < n; i++ {
		err := d.WithTx(ctx, func(tx *db.Tx) error {
			_, err := l.Record(ctx, tx, audit.Event{Action: "test.touch", ObjectType: "thing", ObjectID: fmt.Sprint(i), Detail: map[string]int{"i": i}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func verify(t *testing.T, d *db.DB) audit.Report {
	t.Helper()
	r, err := audit.Verify(context.Background(), d, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// tamper runs SQL as someone with direct database access would: with the
// append-only triggers out of the way.
func tamper(t *testing.T, d *db.DB, stmt string) {
	t.Helper()
	ctx := context.Background()
	var drop, restore []string
	if d.Engine == db.SQLite {
		drop = []string{"DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"}
	} else {
		drop = []string{"ALTER TABLE audit_log DISABLE TRIGGER USER"}
		restore = []string{"ALTER TABLE audit_log ENABLE TRIGGER USER"}
	}
	for _, s := range append(append(drop, stmt), restore...) {
		if _, err := d.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func TestChain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		for _, alg := range []string{audit.SM3, audit.SHA256} {
			t.Run(alg, func(t *testing.T) {
				l := newLog(t, alg)
				appendN(t, d, l, 5)
				if r := verify(t, d); !r.OK() {
					t.Fatalf("untouched chain does not verify: %+v", r)
				}
			})
		}
		// The chain above now holds 10 entries, hashed with both algorithms.
		var actorCol, addr, detail string
		err := d.QueryRow(context.Background(), "SELECT actor, actor_addr, detail FROM audit_log WHERE seq = 3").Scan(&actorCol, &addr, &detail)
		if err != nil {
			t.Fatal(err)
		}
		if actorCol != "staff:7" || addr != "10.0.0.8" || detail != `{"i":2}` {
			t.Fatalf("entry 3 records %q %q %q", actorCol, addr, detail)
		}

		t.Run("the log refuses updates and deletes", func(t *testing.T) {
			for _, s := range []string{"UPDATE audit_log SET outcome = 'x' WHERE seq = 2", "DELETE FROM audit_log WHERE seq = 2"} {
				if _, err := d.Exec(context.Background(), s); err == nil || !strings.Contains(err.Error(), "append-only") {
					t.Errorf("%s: got %v, want append-only refusal", s, err)
				}
			}
		})
	})
}

func TestVerifyNamesFirstBadEntry(t *testing.T) {
	cases := []struct {
		name  string
		stmt  string
		bad   int64
		cause string
	}{
		{"altered content", "UPDATE audit_log SET actor = 'staff:8' WHERE seq = 4", 4, audit.CauseAltered},
		{"altered hash", "UPDATE audit_log SET hash = 'ab' WHERE seq = 3", 3, audit.CauseAltered},
		{"removed entry", "DELETE FROM audit_log WHERE seq = 5", 5, audit.CauseMissing},
		{"removed tail", "DELETE FROM audit_log WHERE seq >= 7", 7, audit.CauseHead},
		{"rewritten link", "UPDATE audit_log SET prev_hash = 'ff' WHERE seq = 6", 6, audit.CauseLink},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				appendN(t, d, newLog(t, audit.SM3), 8)
				tamper(t, d, c.stmt)
				r := verify(t, d)
				if r.OK() || r.BadSeq != c.bad || r.Cause() != c.cause || r.Reason == "" {
					t.Fatalf("got %+v (cause %s), want entry %d (%s)", r, r.Cause(), c.bad, c.cause)
				}
			})
		})
	}
}

func TestChangeRecordsInSameTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := newLog(t, "")
		now := time.Now().UTC()
		ok := l.Change(ctx, d, audit.Event{Action: "org.jurisdiction.create", ObjectType: "jurisdiction"},
			func(tx *db.Tx, ev *audit.Event) error {
				ev.ObjectID = "341600000000"
				_, err := tx.Exec(ctx, `INSERT INTO jurisdictions (code, level, kind, name, created_at, updated_at)
					VALUES ('341600000000', 'city', 'city', '亳州市', ?, ?)`, now, now)
				return err
			})
		if ok != nil {
			t.Fatal(ok)
		}
		denied := errs.New(errs.Denied, "error.denied")
		err := l.Change(ctx, d, audit.Event{Action: "org.jurisdiction.create", ObjectType: "jurisdiction", ObjectID: "341621000000"},
			func(tx *db.Tx, ev *audit.Event) error {
				if _, err := tx.Exec(ctx, `INSERT INTO jurisdictions (code, level, kind, name, created_at, updated_at)
					VALUES ('341621000000', 'county', 'county', '涡阳县', ?, ?)`, now, now); err != nil {
					return err
				}
				return denied
			})
		if !errors.Is(err, denied) {
			t.Fatalf("Change returned %v", err)
		}
		var n int
		if err := d.QueryRow(ctx, "SELECT count(*) FROM jurisdictions").Scan(&n); err != nil || n != 1 {
			t.Fatalf("jurisdictions: %d (%v), want only the committed one", n, err)
		}
		rows, err := d.Query(ctx, "SELECT object_id, outcome, detail FROM audit_log ORDER BY seq")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []string
		for rows.Next() {
			var id, oc, det string
			if err := rows.Scan(&id, &oc, &det); err != nil {
				t.Fatal(err)
			}
			got = append(got, id+" "+oc+" "+det)
		}
		want := []string{`341600000000 ok {}`, `341621000000 denied {"error":"denied"}`}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("trail %q, want %q", got, want)
		}
		if r := verify(t, d); !r.OK() {
			t.Fatalf("chain broken: %+v", r)
		}
	})
}

// Concurrent appenders must not fork the chain (PostgreSQL runs them truly
// in parallel; SQLite queues them on its single writer).
func TestConcurrentAppendsKeepOneChain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		l := newLog(t, audit.SM3)
		var wg sync.WaitGroup
		errc := make(chan error, 8)
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx := context.Background()
				for i := 0; i < 10; i++ {
					if err := d.WithTx(ctx, func(tx *db.Tx) error {
						_, err := l.Record(ctx, tx, audit.Event{Action: "test.parallel", ObjectType: "thing", ObjectID: fmt.Sprint(w)})
						return err
					}); err != nil {
						errc <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Fatal(err)
		}
		r := verify(t, d)
		if !r.OK() || r.Entries != 80 {
			t.Fatalf("after 80 parallel appends: %+v", r)
		}
	})
}
