package hub

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/identity"
)

// Who may read a person's data, and that every attempt — allowed or
// refused — is in the access log with its outcome.
func TestWhoMayReadAPerson(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		loadFamily(t, s, 0)
		// Cases do not exist yet: staff reads depend on this hook. Case
		// C-1 involves 李想, nobody else.
		s.Access.CaseInvolves = func(_ context.Context, ref, subject string) (bool, error) {
			return ref == "C-1" && subject == liXiang, nil
		}
		// The agent holds a mandate from 李想 for application A-1 only.
		s.Access.ActingFor = func(_ context.Context, agent identity.Account, resident, subject string) (identity.Mandate, error) {
			if agent.ID == 30 && resident == liXiang && subject == "A-1" {
				return identity.Mandate{ID: 1}, nil
			}
			return identity.Mandate{}, &errs.Error{Code: errs.Denied, Key: "identity.error.no_mandate"}
		}
		staff := identity.Principal{Account: identity.Account{ID: 20, Kind: identity.Staff, Name: "受理员"}}
		agent := identity.Principal{Account: identity.Account{ID: 30, Kind: identity.Agent, Name: "赵庄村代办员"}}
		verify := &identity.APIToken{ID: 1, Name: "卫健系统", Prefix: "ghtk_abc123", Scopes: []string{"hub.verify"}}
		push := &identity.APIToken{ID: 2, Name: "公安系统", Prefix: "ghtk_def456", Scopes: []string{"hub.push"}}
		admin := identity.Principal{Account: identity.Account{ID: 40, Kind: identity.SystemAdmin, Name: "sysadmin"}}
		cases := []struct {
			name    string
			who     identity.Principal
			subject string
			p       Purpose
			key     string // "" when allowed
		}{
			{"himself", personP(7, liXiang, "李想"), liXiang, Purpose{Kind: PurposeSelf}, ""},
			{"himself for prefill", personP(7, liXiang, "李想"), liXiang, Purpose{Kind: PurposePrefill}, ""},
			{"his wife", personP(8, cuiManman, "崔曼曼"), liXiang, Purpose{Kind: PurposeSelf}, "hub.access.not_own"},
			{"himself as a case", personP(7, liXiang, "李想"), liXiang, Purpose{Kind: PurposeCase, Ref: "C-1"}, "hub.access.purpose"},
			{"staff in a case that involves him", staff, liXiang, Purpose{Kind: PurposeCase, Ref: "C-1"}, ""},
			{"staff in a case about someone else", staff, cuiManman, Purpose{Kind: PurposeCase, Ref: "C-1"}, "hub.access.no_such_case"},
			{"staff without a case", staff, liXiang, Purpose{Kind: PurposeCase}, "hub.access.case_ref"},
			{"staff out of curiosity", staff, liXiang, Purpose{Kind: PurposeSelf}, "hub.access.purpose"},
			{"agent under the mandate", agent, liXiang, Purpose{Kind: PurposePrefill, Ref: "A-1"}, ""},
			{"agent for another application", agent, liXiang, Purpose{Kind: PurposePrefill, Ref: "A-2"}, "identity.error.no_mandate"},
			{"agent for another resident", agent, cuiManman, Purpose{Kind: PurposePrefill, Ref: "A-1"}, "identity.error.no_mandate"},
			{"system verifying in a case", identity.Principal{System: verify}, liXiang, Purpose{Kind: PurposeVerification, Ref: "WJ-2015-1"}, ""},
			{"system verifying without a case", identity.Principal{System: verify}, liXiang, Purpose{Kind: PurposeVerification}, "hub.access.case_ref"},
			{"system without hub.verify", identity.Principal{System: push}, liXiang, Purpose{Kind: PurposeVerification, Ref: "X"}, "hub.access.scope"},
			{"system administrator", admin, liXiang, Purpose{Kind: PurposeAdmin}, "hub.access.admin"},
			{"anonymous", identity.Principal{}, liXiang, Purpose{Kind: PurposeSelf}, "hub.access.denied"},
		}
		for i, c := range cases {
			ctx := actor.With(as(c.who), actor.Actor{Kind: "test", RequestID: fmt.Sprintf("req-%d", i)})
			pr, err := s.Profile(ctx, c.subject, c.p)
			switch e, _ := errs.As(err); {
			case c.key == "" && err != nil:
				t.Errorf("%s: refused: %v", c.name, err)
			case c.key == "" && pr.Get("person.name") == "":
				t.Errorf("%s: allowed but no data", c.name)
			case c.key != "" && (e == nil || e.Code != errs.Denied || e.Key != c.key):
				t.Errorf("%s: got %v, want denied %s", c.name, err, c.key)
			case c.key != "" && len(pr.Data) > 0:
				t.Errorf("%s: refused but data returned", c.name)
			}
		}
		// Close flushes the log: one entry per attempt, with its outcome.
		s.Close()
		for i, c := range cases {
			var purpose, subject, detail string
			err := d.QueryRow(context.Background(), "SELECT purpose, subject_id, detail FROM hub_access_log WHERE request_id = ?",
				fmt.Sprintf("req-%d", i)).Scan(&purpose, &subject, &detail)
			want := `{"op":"profile","outcome":"allowed"}`
			if c.key != "" {
				want = `{"op":"profile","outcome":"refused:` + c.key + `"}`
			}
			if err != nil || subject != c.subject || purpose != c.p.Kind || detail != want {
				t.Errorf("%s: log entry %s %s %s (%v), want %s", c.name, purpose, subject, detail, err, want)
			}
		}
	})
}

// Without the case hook (there are no cases yet) staff read nobody.
func TestStaffReadNobodyWithoutCases(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		defer s.Close()
		loadFamily(t, s, 0)
		staff := identity.Principal{Account: identity.Account{ID: 20, Kind: identity.Staff}}
		_, err := s.Profile(as(staff), liXiang, Purpose{Kind: PurposeCase, Ref: "C-1"})
		if e, ok := errs.As(err); !ok || e.Key != "hub.access.no_such_case" {
			t.Fatalf("staff read without cases: %v, want no such case", err)
		}
	})
}

// "Who looked at my data": 李想 sees the reads of his data, newest first,
// a page at a time, the department system's among them; his wife sees
// none of them, and staff have no such list.
func TestMyAccessLog(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		defer s.Close()
		loadFamily(t, s, 0)
		clock := testNow
		s.Now = func() time.Time { return clock }
		for range AccessLogPageSize + 5 {
			clock = clock.Add(time.Minute)
			if _, err := s.Profile(liXiangCtx(), liXiang, Purpose{Kind: PurposeSelf}); err != nil {
				t.Fatal(err)
			}
		}
		clock = clock.Add(time.Minute)
		sys := identity.Principal{System: &identity.APIToken{Name: "卫健委系统", Prefix: "ghtk_x", Scopes: []string{"hub.verify"}}}
		if _, err := s.Profile(as(sys), liXiang, Purpose{Kind: PurposeVerification, Ref: "WJ-1"}); err != nil {
			t.Fatal(err)
		}
		page, err := s.MyAccessLog(liXiangCtx(), 1) // no Close: MyAccessLog flushes first
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != AccessLogPageSize+6 || page.Pages != 2 || len(page.Entries) != AccessLogPageSize {
			t.Fatalf("page 1: total %d, pages %d, %d entries", page.Total, page.Pages, len(page.Entries))
		}
		first := page.Entries[0]
		if first.AccessorName != "卫健委系统" || first.AccessorKind != identity.DepartmentSystem || first.Purpose != PurposeVerification ||
			first.Ref != "WJ-1" || !first.Allowed || first.Op != "profile" || !first.At.Equal(clock) {
			t.Errorf("newest entry = %+v, want the department system's verification at %v", first, clock)
		}
		for i := 1; i < len(page.Entries); i++ {
			if page.Entries[i].At.After(page.Entries[i-1].At) {
				t.Fatalf("entries not newest first: %v after %v", page.Entries[i].At, page.Entries[i-1].At)
			}
		}
		if p2, err := s.MyAccessLog(liXiangCtx(), 2); err != nil || len(p2.Entries) != 6 || p2.Entries[5].At != testNow.Add(time.Minute) {
			t.Errorf("page 2: %+v, %v", p2, err)
		}
		if hers, err := s.MyAccessLog(as(personP(8, cuiManman, "崔曼曼")), 1); err != nil || hers.Total != 0 {
			t.Errorf("崔曼曼's log: %+v, %v; want empty", hers, err)
		}
		staff := identity.Principal{Account: identity.Account{ID: 20, Kind: identity.Staff}}
		if _, err := s.MyAccessLog(as(staff), 1); errs.CodeOf(err) != errs.Denied {
			t.Errorf("staff's access log: %v, want denied", err)
		}
	})
}

// Many concurrent reads: every one is logged exactly once.
func TestAccessLogUnderConcurrentReads(t *testing.T) {
	for _, synced := range []bool{false, true} {
		t.Run(fmt.Sprintf("sync=%v", synced), func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				s := newService(t, d)
				s.Access.Sync = synced
				loadFamily(t, s, 0)
				var wg sync.WaitGroup
				errc := make(chan error, 400)
				for range 400 {
					wg.Go(func() {
						_, err := s.Profile(liXiangCtx(), liXiang, Purpose{Kind: PurposeSelf})
						errc <- err
					})
				}
				wg.Wait()
				close(errc)
				for err := range errc {
					if err != nil {
						t.Fatal(err)
					}
				}
				s.Close()
				if n := count(t, d, "SELECT count(*) FROM hub_access_log WHERE subject_id = ?", liXiang); n != 400 {
					t.Fatalf("%d access-log entries for 400 reads", n)
				}
				_, err := s.Profile(liXiangCtx(), liXiang, Purpose{Kind: PurposeSelf})
				if !errors.Is(err, errAccessLogClosed) {
					t.Fatalf("read after Close: %v, want refused (the log is closed)", err)
				}
			})
		})
	}
}

// A clean shutdown loses no access-log entry: the reads answered just
// before Close are in the log when the store is opened again.
func TestAccessLogSurvivesCleanShutdown(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			cfg := db.Config{Path: t.TempDir() + "/govhall.db"}
			if engine == "postgres" {
				cfg = db.Config{URL: dbtest.PostgresURL(t)}
			}
			d := dbtest.Open(t, cfg)
			s := newService(t, d)
			loadFamily(t, s, 0)
			for range 50 {
				if _, err := s.Profile(liXiangCtx(), liXiang, Purpose{Kind: PurposeSelf}); err != nil {
					t.Fatal(err)
				}
			}
			s.Close()
			d.Close()
			again := dbtest.Open(t, cfg)
			if n := count(t, again, "SELECT count(*) FROM hub_access_log WHERE subject_id = ?", liXiang); n != 50 {
				t.Fatalf("%d access-log entries after a clean shutdown, want the 50 reads", n)
			}
		})
	}
}

// While the access log cannot be written, reads are refused; the entries
// of the reads answered before are kept and written once it can be again,
// so every answered read is in the log.
func TestReadsRefusedWhileTheLogCannotBeWritten(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		defer s.Close()
		loadFamily(t, s, 0)
		ctx := context.Background()
		block := []string{`CREATE TRIGGER no_log BEFORE INSERT ON hub_access_log BEGIN SELECT RAISE(ABORT, 'log disk gone'); END`}
		unblock := []string{"DROP TRIGGER no_log"}
		if d.Engine == db.Postgres {
			block = []string{`CREATE FUNCTION no_log() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'log disk gone'; END $$`,
				"CREATE TRIGGER no_log BEFORE INSERT ON hub_access_log FOR EACH ROW EXECUTE FUNCTION no_log()"}
			unblock = []string{"DROP TRIGGER no_log ON hub_access_log", "DROP FUNCTION no_log()"}
		}
		for _, q := range block {
			if _, err := d.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		answered := 0
		var err error
		for range 2000 { // until the writer has found it cannot write
			if _, err = s.Profile(liXiangCtx(), liXiang, Purpose{Kind: PurposeSelf}); err != nil {
				break
			}
			answered++
			time.Sleep(5 * time.Millisecond)
		}
		if !errors.Is(err, errAccessLogDown) || answered == 0 {
			t.Fatalf("after %d reads: %v, want refused because the log cannot be written", answered, err)
		}
		for _, q := range unblock {
			if _, err := d.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		page, err := s.MyAccessLog(liXiangCtx(), 1) // waits for the kept entries
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != answered {
			t.Fatalf("%d entries in the log for %d answered reads", page.Total, answered)
		}
		if _, err := s.Profile(liXiangCtx(), liXiang, Purpose{Kind: PurposeSelf}); err != nil {
			t.Fatalf("a read once the log can be written again: %v", err)
		}
	})
}
