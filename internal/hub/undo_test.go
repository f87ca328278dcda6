package hub

import (
	"context"
	"strings"
	"testing"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
)

// personsState is every stored person with every column, provenance
// included, in key order: what a rejected file must leave as it found.
func personsState(t *testing.T, d *db.DB) string {
	t.Helper()
	rows, err := d.Query(context.Background(), `SELECT id_number, name, marital_status, spouse_id, father_id, mother_id,
		COALESCE(registry_import, 0), COALESCE(marriage_import, 0), COALESCE(birth_import, 0) FROM hub_persons ORDER BY id_number`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var sb strings.Builder
	for rows.Next() {
		var v [6]string
		var p [3]int64
		if err := rows.Scan(&v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &p[0], &p[1], &p[2]); err != nil {
			t.Fatal(err)
		}
		sb.WriteString(strings.Join(v[:], "|"))
		for _, x := range p {
			sb.WriteString("|" + itoa(x))
		}
		sb.WriteByte('\n')
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return sb.String()
}

func undoTables(t *testing.T, d *db.DB) int64 {
	q := "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE 'hub_undo_%'"
	if d.Engine == db.Postgres {
		q = "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'hub_undo_%'"
	}
	return count(t, d, q)
}

// A marriages file into a populated hub is written as it is read; its
// last row names an unknown spouse, so without --partial the import is
// refused and every person is back as before: values and provenance of
// the records it changed (one of them twice, in two batches), records it
// added (a registry delta) deleted, no undo table left. The same file
// fixed then loads, and a marriage file killed in the middle resumes.
func TestRejectedFileIsTakenBack(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		mustImport(t, s, ImportRequest{Source: "public_security", Kind: KindPopulation, Path: registryFile(t, 0, 40)})
		first := writeFile(t, "m1.csv", "公民身份号码,婚姻状况,配偶公民身份号码,姓名",
			personID(t, 0)+",已婚,"+personID(t, 1)+",", personID(t, 1)+",已婚,"+personID(t, 0)+",")
		mustImport(t, s, ImportRequest{Source: "civil_affairs", Kind: KindPopulation, Path: first})
		before := personsState(t, d)

		lines := []string{"公民身份号码,婚姻状况,配偶公民身份号码,姓名"}
		for i := 2; i < 30; i += 2 {
			lines = append(lines, personID(t, i)+",已婚,"+personID(t, i+1)+",", personID(t, i+1)+",已婚,"+personID(t, i)+",")
		}
		// Person 2 changed again in a later batch; person 0 changed once
		// more after the earlier file.
		lines = append(lines, personID(t, 2)+",离婚,,", personID(t, 0)+",离婚,,",
			personID(t, 30)+",已婚,"+personID(t, 31)+",", personID(t, 31)+",已婚,"+personID(t, 30)+",")
		good := append([]string(nil), lines...)
		// In a batch of its own (4 rows a batch): an unknown spouse.
		lines = append(lines, personID(t, 32)+",已婚,"+personID(t, 500)+",")
		rep, err := s.Import(context.Background(), ImportRequest{Source: "civil_affairs", Kind: KindPopulation,
			Path: writeFile(t, "m2.csv", lines...), BatchSize: 4})
		if err != nil || rep.Status != "failed" || rep.Rejected != 1 || rep.Updated != 0 {
			t.Fatalf("rejected file: %v %+v", err, rep)
		}
		if after := personsState(t, d); after != before {
			t.Fatalf("a refused file changed the hub:\nbefore\n%s\nafter\n%s", before, after)
		}

		// A registry delta that adds persons, refused by its last row.
		delta := []string{registryHeader, registryLine(t, 100), registryLine(t, 101), registryLine(t, 3),
			strings.Replace(registryLine(t, 102), "1960", "2960", 1)}
		rep, err = s.Import(context.Background(), ImportRequest{Source: "public_security", Kind: KindPopulation,
			Path: writeFile(t, "delta.csv", delta...), BatchSize: 2})
		if err != nil || rep.Status != "failed" || rep.Rejected != 1 {
			t.Fatalf("rejected delta: %v %+v", err, rep)
		}
		if after := personsState(t, d); after != before {
			t.Fatalf("a refused delta changed the hub:\nbefore\n%s\nafter\n%s", before, after)
		}
		if n := undoTables(t, d); n != 0 {
			t.Fatalf("%d undo tables left", n)
		}

		// The fixed file, killed after two batches, then resumed.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		batches := 0
		req := ImportRequest{Source: "civil_affairs", Kind: KindPopulation, Path: writeFile(t, "m3.csv", good...), BatchSize: 4,
			Progress: func(int64) {
				if batches++; batches == 2 {
					cancel()
				}
			}}
		if _, err := s.Import(ctx, req); err == nil {
			t.Fatal("the interrupted import reported success")
		}
		req.Progress = nil
		rep = mustImport(t, s, req)
		if !rep.Resumed || rep.Status != "done" || rep.Updated != 32 || rep.Read != int64(len(good)-1) {
			t.Fatalf("resumed: %+v", rep)
		}
		p0, _ := person(t, d, personID(t, 0))
		p5, _ := person(t, d, personID(t, 5))
		if p0.MaritalStatus != "divorced" || p0.MarriageImport != rep.ImportID || p5.SpouseID != personID(t, 4) {
			t.Fatalf("after the resumed load: %+v / %+v", p0, p5)
		}
		if n := undoTables(t, d); n != 0 {
			t.Fatalf("%d undo tables left after a load that passed", n)
		}
	})
}

// A correction by the authority closes a conflict (settleConflicts); when
// the file that brought it is refused and taken back, the conflict is
// open again and the record holds its old value.
func TestTakenBackCorrectionReopensConflict(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		defer s.Close()
		first, _ := conflictFixture(t, s, d)
		importRefusedCorrection(t, s)
		if c, err := s.ConflictByID(adminCtx(), first); err != nil || c.Status != ConflictsOpen {
			t.Fatalf("the conflict a taken-back file had settled: %+v %v", c, err)
		}
		if p, _ := person(t, d, personID(t, 0)); p.Name != "测试0" {
			t.Fatalf("name after the take-back: %q", p.Name)
		}
		if n := count(t, d, "SELECT count(*) FROM audit_log WHERE action = 'hub.conflict.reopened'"); n != 1 {
			t.Errorf("%d audit entries of reopened conflicts, want 1", n)
		}
	})
}
