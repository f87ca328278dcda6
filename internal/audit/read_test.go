package audit_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
)

// The audit administrator reads the trail backwards, a page at a time.
func TestLatest(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if got, err := audit.Latest(ctx, d, 0, 10); err != nil || len(got) != 0 {
			t.Fatalf("an empty trail: %d entries, %v", len(got), err)
		}
		appendN(t, d, newLog(t, audit.SM3), 7)
		first, err := audit.Latest(ctx, d, 0, 3)
		if err != nil {
			t.Fatal(err)
		}
		if seqs(first) != "7 6 5" {
			t.Fatalf("the newest page: %s", seqs(first))
		}
		e := first[0]
		if e.Actor != "staff:7" || e.Action != "test.touch" || e.ObjectID != "6" || e.Outcome != audit.OK ||
			e.At.Location().String() != "UTC" || e.Hash == "" {
			t.Errorf("entry 7 reads back as %+v", e)
		}
		next, err := audit.Latest(ctx, d, first[len(first)-1].Seq, 3)
		if err != nil || seqs(next) != "4 3 2" {
			t.Fatalf("the next page: %s, %v", seqs(next), err)
		}
		last, err := audit.Latest(ctx, d, 2, 0)
		if err != nil || seqs(last) != "1" {
			t.Fatalf("the last page: %s, %v", seqs(last), err)
		}
	})
}

func seqs(es []audit.Entry) string {
	var out []string
	for _, e := range es {
		out = append(out, strconv.FormatInt(e.Seq, 10))
	}
	return strings.Join(out, " ")
}

// A failed verification says which kind of break it found, so a page can
// explain it in the reader's language.
func TestReportCause(t *testing.T) {
	if c := (audit.Report{Entries: 3}).Cause(); c != "" {
		t.Fatalf("a whole chain has cause %q", c)
	}
	cases := []struct{ stmt, cause string }{
		{"UPDATE audit_log SET actor = 'staff:8' WHERE seq = 4", audit.CauseAltered},
		{"DELETE FROM audit_log WHERE seq = 5", audit.CauseMissing},
		{"DELETE FROM audit_log WHERE seq >= 7", audit.CauseHead},
		{"UPDATE audit_log SET prev_hash = 'ff' WHERE seq = 6", audit.CauseLink},
		{"UPDATE audit_log SET alg = 'md5' WHERE seq = 2", audit.CauseAlgorithm},
	}
	for _, c := range cases {
		t.Run(c.cause, func(t *testing.T) {
			d := dbtest.SQLite(t)
			appendN(t, d, newLog(t, audit.SM3), 8)
			tamper(t, d, c.stmt)
			if r := verify(t, d); r.Cause() != c.cause {
				t.Fatalf("%s: cause %q (%s), want %q", c.stmt, r.Cause(), r.Reason, c.cause)
			}
		})
	}
}
