package hub

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
)

// conflictFixture loads persons 0..3 from public security and has civil
// affairs offer other names for persons 0 and 1: two open conflicts on
// person.name. It returns the conflicts' ids, person 0's first.
func conflictFixture(t *testing.T, s *Service, d *db.DB) (int64, int64) {
	t.Helper()
	mustImport(t, s, ImportRequest{Source: "public_security", Kind: KindPopulation, Path: registryFile(t, 0, 4)})
	a, b := personID(t, 0), personID(t, 1)
	m := writeFile(t, "m.csv", "公民身份号码,婚姻状况,配偶公民身份号码,姓名", a+",已婚,"+b+",张冠李戴", b+",已婚,"+a+",李四")
	if rep := mustImport(t, s, ImportRequest{Source: "civil_affairs", Kind: KindPopulation, Path: m, Partial: true}); rep.Conflicts != 2 {
		t.Fatalf("fixture: %+v, want 2 conflicts", rep)
	}
	got := [2]int64{}
	for i, p := range []string{a, b} {
		if err := d.QueryRow(context.Background(), "SELECT id FROM hub_conflicts WHERE subject_id = ?", p).Scan(&got[i]); err != nil {
			t.Fatal(err)
		}
	}
	return got[0], got[1]
}

// deltaHeader heads public security's delta files.
const deltaHeader = registryHeader + ",变更类型[change]"

// correctionLine is public security's delta row that gives person 0 the
// name civil affairs offered in conflictFixture: the authority's
// correction of the first conflict.
func correctionLine(t *testing.T) string {
	return strings.Replace(registryLine(t, 0), "测试0", "张冠李戴", 1) + ",变更"
}

// importRefusedCorrection imports the correction followed by a row with an
// impossible birth date, one row per batch: the correction's batch is
// committed, then the file is refused and taken back.
func importRefusedCorrection(t *testing.T, s *Service) {
	t.Helper()
	bad := strings.Replace(registryLine(t, 2), "1960", "2960", 1) + ",变更"
	rep, err := s.Import(context.Background(), ImportRequest{Source: "public_security", Kind: KindPopulation,
		Path: writeFile(t, "delta.csv", deltaHeader, correctionLine(t), bad), BatchSize: 1})
	if err != nil || rep.Status != "failed" || rep.Rejected != 1 {
		t.Fatalf("refused delta: %v %+v", err, rep)
	}
}

func adminCtx() context.Context {
	return actor.With(as(identity.Principal{Account: identity.Account{ID: 40, Kind: identity.SystemAdmin, Name: "系统管理员甲"}}),
		actor.Actor{Kind: "account", ID: "40"})
}

// The system administrator lists the conflicts, masked, by element,
// source and status, a page at a time.
func TestConflictList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		defer s.Close()
		conflictFixture(t, s, d)
		cases := []struct {
			name string
			f    ConflictFilter
			n    int
			key  string
		}{
			{"open by default", ConflictFilter{}, 2, ""},
			{"by element", ConflictFilter{Element: "person.name"}, 2, ""},
			{"another element", ConflictFilter{Element: "person.phone"}, 0, ""},
			{"by offering source", ConflictFilter{Source: "civil_affairs"}, 2, ""},
			{"another source", ConflictFilter{Source: "public_security"}, 0, ""},
			{"resolved", ConflictFilter{Status: ConflictsResolved}, 0, ""},
			{"all", ConflictFilter{Status: ConflictsAll}, 2, ""},
			{"a bad status", ConflictFilter{Status: "closed"}, 0, "hub.conflict.status"},
		}
		for _, c := range cases {
			page, err := s.Conflicts(adminCtx(), c.f)
			if e, _ := errs.As(err); c.key != "" && (e == nil || e.Key != c.key || e.Field != "status") {
				t.Errorf("%s: %v, want %s", c.name, err, c.key)
			} else if c.key == "" && (err != nil || page.Total != c.n || len(page.Items) != c.n || page.Pages != 1) {
				t.Errorf("%s: %+v %v, want %d", c.name, page, err, c.n)
			}
		}
		page, _ := s.Conflicts(adminCtx(), ConflictFilter{})
		c := page.Items[1] // oldest last: both came in one import, by id
		if c.Subject != ids.MaskIDNumber(personID(t, 0)) || c.Offered != "张***" || c.AuthValue != "测**" ||
			c.Status != ConflictsOpen || c.AuthSource != "public_security" || c.OfferedSource != "civil_affairs" {
			t.Errorf("listed conflict: %+v", c)
		}
		f, err := s.Facets(adminCtx())
		if err != nil || !strings.Contains(strings.Join(f.Elements, ","), "person.name") || len(f.Sources) < 3 {
			t.Errorf("facets: %+v %v", f, err)
		}
	})
}

// Only the system administrator resolves, with an outcome and a note;
// the authoritative value stays; each attempt leaves an audit entry; a
// resolved conflict is not resolved twice.
func TestResolveConflict(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		defer s.Close()
		first, _ := conflictFixture(t, s, d)
		note := "经核实，公安户籍登记姓名正确，已告知民政局更正婚姻登记。"
		good := Resolution{Outcome: ResolutionConfirmed, Note: note}
		refused := onlyTheSystemAdmin(t, s, first, good)
		bad := []struct {
			r      Resolution
			fields string
		}{
			{Resolution{Outcome: "overwrite", Note: note}, "outcome"},
			{Resolution{Outcome: ResolutionCorrected, Note: note}, "outcome"},
			{Resolution{Outcome: ResolutionReferred, Note: "  "}, "note"},
			{Resolution{Note: strings.Repeat("长", MaxConflictNote+1)}, "outcome,note"},
		}
		for _, b := range bad {
			_, err := s.ResolveConflict(adminCtx(), first, b.r)
			var got []string
			for _, e := range errs.Fields(err) {
				got = append(got, e.Field)
			}
			if strings.Join(got, ",") != b.fields {
				t.Errorf("resolution %+v: fields %v (%v), want %s", b.r, got, err, b.fields)
			}
		}
		c, err := s.ResolveConflict(adminCtx(), first, good)
		if err != nil || c.Status != ConflictsResolved || c.Resolution != ResolutionConfirmed || c.Note != note ||
			c.ResolvedBy != "系统管理员甲" || c.ResolvedAt == nil || !c.ResolvedAt.Equal(testNow) || c.Offered != "张***" {
			t.Fatalf("resolved: %+v %v", c, err)
		}
		if p, _ := person(t, d, personID(t, 0)); p.Name != "测试0" {
			t.Errorf("resolving changed the authoritative value: %q", p.Name)
		}
		if _, err := s.ResolveConflict(adminCtx(), first, good); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("resolved twice: %v", err)
		}
		if _, err := s.ResolveConflict(adminCtx(), 987654, good); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("no such conflict: %v", err)
		}
		if n := count(t, d, "SELECT count(*) FROM audit_log WHERE action = 'hub.conflict.resolve' AND outcome = 'ok'"); n != 1 {
			t.Errorf("%d audit entries of resolutions, want 1", n)
		}
		if n := count(t, d, "SELECT count(*) FROM audit_log WHERE action = 'hub.conflict.resolve' AND outcome = 'denied'"); n != int64(refused) {
			t.Errorf("%d audited refusals, want %d", n, refused)
		}
		if n := count(t, d, "SELECT count(*) FROM audit_log WHERE detail LIKE ?", "%公安%"); n != 0 {
			t.Error("the note is in the audit trail")
		}
		open, _ := s.Conflicts(adminCtx(), ConflictFilter{})
		done, _ := s.Conflicts(adminCtx(), ConflictFilter{Status: ConflictsResolved})
		if open.Total != 1 || done.Total != 1 || done.Items[0].ID != first {
			t.Errorf("after resolving: %d open, %d resolved", open.Total, done.Total)
		}
	})
}

// onlyTheSystemAdmin tries to resolve and list as every other kind of
// caller, expects a refusal each time and returns how many there were.
func onlyTheSystemAdmin(t *testing.T, s *Service, id int64, r Resolution) int {
	t.Helper()
	others := []identity.Principal{personP(7, personID(t, 0), "测试0"), {}, {System: &identity.APIToken{Name: "x", Scopes: []string{"hub.push"}}}}
	for _, k := range []string{identity.Staff, identity.Enterprise, identity.AuditAdmin, identity.SecurityAdmin, identity.CatalogAdmin, identity.Supervisor} {
		others = append(others, identity.Principal{Account: identity.Account{ID: 50, Kind: k, Name: k}})
	}
	for _, p := range others {
		if _, err := s.ResolveConflict(as(p), id, r); errs.CodeOf(err) != errs.Denied {
			t.Errorf("%s resolved a conflict: %v", p.Kind(), err)
		}
		if _, err := s.Conflicts(as(p), ConflictFilter{}); errs.CodeOf(err) != errs.Denied {
			t.Errorf("%s listed conflicts: %v", p.Kind(), err)
		}
	}
	return len(others)
}

// When public security, the authority of person.name, later gives the
// name civil affairs offered, that conflict closes as corrected by that
// import, with an audit entry; the other conflict, whose offered name
// the authority does not give, stays open.
func TestAuthorityCorrectionSettlesConflict(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		defer s.Close()
		first, second := conflictFixture(t, s, d)
		p1 := strings.Replace(registryLine(t, 1), "测试1", "王五", 1) + ",变更"
		req := ImportRequest{Source: "public_security", Kind: KindPopulation, Path: writeFile(t, "delta.csv", deltaHeader, correctionLine(t), p1)}
		rep := mustImport(t, s, req)
		if rep.Updated != 2 {
			t.Fatalf("delta: %+v", rep)
		}
		c, err := s.ConflictByID(adminCtx(), first)
		if err != nil || c.Status != ConflictsResolved || c.Resolution != ResolutionCorrected || c.ResolvedBy != "public_security" {
			t.Errorf("corrected conflict: %+v %v", c, err)
		}
		if n := count(t, d, "SELECT count(*) FROM hub_conflicts WHERE id = ? AND resolved_import = ?", first, rep.ImportID); n != 1 {
			t.Error("the corrected conflict does not name the import that corrected it")
		}
		if c, _ := s.ConflictByID(adminCtx(), second); c.Status != ConflictsOpen {
			t.Errorf("a conflict the authority did not settle was closed: %+v", c)
		}
		if n := count(t, d, "SELECT count(*) FROM audit_log WHERE action = 'hub.conflict.corrected'"); n != 1 {
			t.Errorf("%d audit entries of corrections, want 1", n)
		}
	})
}

// referFirst has the system administrator refer the first fixture
// conflict to public security with a note, and returns the note.
func referFirst(t *testing.T, s *Service, id int64) string {
	t.Helper()
	note := "民政婚姻登记姓名与户籍不一致，已移交公安局户籍科更正，单号 GA-2026-11"
	if c, err := s.ResolveConflict(adminCtx(), id, Resolution{Outcome: ResolutionReferred, Note: note}); err != nil ||
		c.Resolution != ResolutionReferred {
		t.Fatalf("refer: %+v %v", c, err)
	}
	return note
}

// The administrator referred a conflict to public security, the
// authority of person.name; when public security's next file gives the
// name civil affairs offered, the referral has done its work: the
// conflict is corrected by that import, and still shows the referral's
// note, who referred it and when. One audit entry records the correction.
func TestAuthorityCorrectionClosesReferredConflict(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		defer s.Close()
		first, second := conflictFixture(t, s, d)
		note := referFirst(t, s, first)
		corrected := testNow.Add(time.Hour)
		s.Now = func() time.Time { return corrected }
		rep := mustImport(t, s, ImportRequest{Source: "public_security", Kind: KindPopulation,
			Path: writeFile(t, "delta.csv", deltaHeader, correctionLine(t))})
		if rep.Updated != 1 {
			t.Fatalf("delta: %+v", rep)
		}
		c, err := s.ConflictByID(adminCtx(), first)
		if err != nil || c.Status != ConflictsResolved || c.Resolution != ResolutionCorrected || c.ResolvedBy != "public_security" ||
			c.ResolvedAt == nil || !c.ResolvedAt.Equal(corrected) {
			t.Fatalf("the referred conflict after the correction: %+v %v", c, err)
		}
		if c.Note != note || c.ReferredBy != "系统管理员甲" || c.ReferredAt == nil || !c.ReferredAt.Equal(testNow) {
			t.Errorf("the referral is lost: note %q, referred by %q at %v", c.Note, c.ReferredBy, c.ReferredAt)
		}
		if n := count(t, d, "SELECT count(*) FROM hub_conflicts WHERE id = ? AND resolved_import = ?", first, rep.ImportID); n != 1 {
			t.Error("the corrected conflict does not name the import that corrected it")
		}
		if n := count(t, d, "SELECT count(*) FROM audit_log WHERE action = 'hub.conflict.corrected' AND object_id = ?",
			strconv.FormatInt(first, 10)); n != 1 {
			t.Errorf("%d audit entries of the correction, want 1", n)
		}
		if c, _ := s.ConflictByID(adminCtx(), second); c.Status != ConflictsOpen {
			t.Errorf("a conflict the authority did not settle was closed: %+v", c)
		}
		// A conflict confirmed (the authority's value stands) is not
		// touched by the authority's files.
		if _, err := s.ResolveConflict(adminCtx(), second, Resolution{Outcome: ResolutionConfirmed, Note: "户籍姓名正确"}); err != nil {
			t.Fatal(err)
		}
		p1 := strings.Replace(registryLine(t, 1), "测试1", "李四", 1) + ",变更"
		mustImport(t, s, ImportRequest{Source: "public_security", Kind: KindPopulation, Path: writeFile(t, "delta2.csv", deltaHeader, p1)})
		if c, _ := s.ConflictByID(adminCtx(), second); c.Resolution != ResolutionConfirmed || c.ReferredAt != nil {
			t.Errorf("a confirmed conflict after the authority's file: %+v", c)
		}
	})
}

// The authority's file that corrected a referred conflict is refused and
// taken back: the conflict is referred again — its note, who referred it
// and when as before — not open, and not corrected.
func TestTakenBackCorrectionKeepsReferral(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		defer s.Close()
		first, _ := conflictFixture(t, s, d)
		note := referFirst(t, s, first)
		before, err := s.ConflictByID(adminCtx(), first)
		if err != nil {
			t.Fatal(err)
		}
		s.Now = func() time.Time { return testNow.Add(time.Hour) }
		importRefusedCorrection(t, s)
		// The correction was committed with its batch before the bad row.
		if n := count(t, d, "SELECT count(*) FROM audit_log WHERE action = 'hub.conflict.corrected'"); n != 1 {
			t.Fatalf("%d audit entries of corrections, want 1 (the batch before the bad row)", n)
		}
		c, err := s.ConflictByID(adminCtx(), first)
		if err != nil || c.Status != ConflictsResolved || c.Resolution != ResolutionReferred || c.Note != note ||
			c.ResolvedBy != before.ResolvedBy || c.ResolvedAt == nil || !c.ResolvedAt.Equal(*before.ResolvedAt) || c.ReferredAt != nil {
			t.Fatalf("after the take-back: %+v %v, want referred as before: %+v", c, err, before)
		}
		if n := count(t, d, "SELECT count(*) FROM hub_conflicts WHERE id = ? AND resolved_import IS NULL", first); n != 1 {
			t.Error("the referred conflict still names the taken-back import")
		}
		if open, _ := s.Conflicts(adminCtx(), ConflictFilter{}); open.Total != 1 {
			t.Errorf("%d open conflicts after the take-back, want 1 (the other one)", open.Total)
		}
		if p, _ := person(t, d, personID(t, 0)); p.Name != "测试0" {
			t.Fatalf("name after the take-back: %q", p.Name)
		}
		// The authority's next, good file corrects it again.
		mustImport(t, s, ImportRequest{Source: "public_security", Kind: KindPopulation, Path: writeFile(t, "again.csv", deltaHeader, correctionLine(t))})
		if c, _ := s.ConflictByID(adminCtx(), first); c.Resolution != ResolutionCorrected || c.ReferredBy != "系统管理员甲" || c.Note != note {
			t.Errorf("corrected again: %+v", c)
		}
	})
}
