package hub

import (
	"context"
	"strings"
	"testing"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/errs"
)

// registryPart writes persons from..to-1, plus extra lines, as name.
func registryPart(t *testing.T, name string, from, to int, extra ...string) string {
	lines := []string{registryHeader}
	for i := from; i < to; i++ {
		lines = append(lines, registryLine(t, i))
	}
	return writeFile(t, name, append(lines, extra...)...)
}

// keyBuilt says the persons' key refuses a second row for person 0.
func keyBuilt(t *testing.T, d *db.DB) bool {
	t.Helper()
	_, err := d.Exec(context.Background(), "INSERT INTO hub_persons (id_number) VALUES (?)", personID(t, 0))
	return db.IsUniqueViolation(err)
}

// Files of one table imported together share one first load: each file
// keeps its own import and counts, a person repeated by a later file is
// that file's update, and the key is built once at the end.
func TestImportFilesShareFirstLoad(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		changed := strings.Replace(registryLine(t, 5), "测试5", "测试五", 1)
		reqs := []ImportRequest{
			{Source: "public_security", Kind: KindPopulation, Path: registryPart(t, "a.csv", 0, 10)},
			{Source: "public_security", Kind: KindPopulation, Path: registryPart(t, "b.csv", 10, 20, changed)},
		}
		var order []string
		reps, err := s.ImportFiles(context.Background(), reqs, func(r ImportReport) { order = append(order, r.File) })
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(order, " ") != "a.csv b.csv" {
			t.Fatalf("reported %v, want each file once, in order", order)
		}
		a, b := reps[0], reps[1]
		if a.Status != "done" || a.Inserted != 10 || a.Updated != 0 || b.Status != "done" || b.Inserted != 10 || b.Updated != 1 {
			t.Fatalf("reports %+v %+v", a, b)
		}
		if p, _ := person(t, d, personID(t, 5)); p.Name != "测试五" || p.RegistryImport != b.ImportID {
			t.Fatalf("person 5 is %q from import %d, want the later file's", p.Name, p.RegistryImport)
		}
		if n := count(t, d, "SELECT count(*) FROM hub_persons"); n != 20 {
			t.Fatalf("%d rows, want 20", n)
		}
		if n := count(t, d, "SELECT count(*) FROM hub_imports WHERE fresh = ? OR status <> 'done'", true); n != 0 {
			t.Fatalf("%d imports left unfinished", n)
		}
		if !keyBuilt(t, d) {
			t.Fatal("the key was not built")
		}
	})
}

// A later file of the run with a rejected row takes back its own rows and
// stops the run; the earlier file stays, with the key built.
func TestImportFilesRejectedLaterFile(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		bad := strings.Replace(registryLine(t, 15), "341602001001", "999999001001", 1)
		reqs := []ImportRequest{
			{Source: "public_security", Kind: KindPopulation, Path: registryPart(t, "a.csv", 0, 10)},
			{Source: "public_security", Kind: KindPopulation, Path: registryPart(t, "b.csv", 10, 20, bad)},
			{Source: "public_security", Kind: KindPopulation, Path: registryPart(t, "c.csv", 30, 40)},
		}
		reps, err := s.ImportFiles(context.Background(), reqs, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(reps) != 2 || reps[0].Status != "done" || reps[1].Status != "failed" || reps[1].Rejected != 1 {
			t.Fatalf("reports %+v", reps)
		}
		if n := count(t, d, "SELECT count(*) FROM hub_persons"); n != 10 {
			t.Fatalf("%d rows, want the first file's 10", n)
		}
		if !keyBuilt(t, d) {
			t.Fatal("the key was not built")
		}
	})
}

// A run killed in its second file leaves the keys down; another file is
// refused meanwhile, and the same run again finishes both files.
func TestImportFilesResume(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		batches := 0
		reqs := []ImportRequest{
			{Source: "public_security", Kind: KindPopulation, Path: registryPart(t, "a.csv", 0, 300), BatchSize: 100},
			{Source: "public_security", Kind: KindPopulation, Path: registryPart(t, "b.csv", 300, 600), BatchSize: 100,
				Progress: func(int64) {
					if batches++; batches == 2 {
						cancel()
					}
				}},
		}
		if _, err := s.ImportFiles(ctx, reqs, nil); err == nil {
			t.Fatal("the interrupted run reported success")
		}
		if n := count(t, d, "SELECT count(*) FROM hub_persons"); n != 500 {
			t.Fatalf("%d persons committed, want 300 and 2 batches of 100", n)
		}
		_, err := s.Import(context.Background(), ImportRequest{Source: "public_security", Kind: KindPopulation,
			Path: registryPart(t, "c.csv", 2000, 2010)})
		if e, ok := errs.As(err); !ok || e.Key != "hub.error.first_load_unfinished" {
			t.Fatalf("another file during the unfinished run: %v", err)
		}
		reqs[1].Progress = nil
		reps, err := s.ImportFiles(context.Background(), reqs, nil)
		if err != nil {
			t.Fatal(err)
		}
		if reps[0].Status != "done" || reps[0].Inserted != 300 || reps[1].Status != "done" || reps[1].Inserted != 300 || !reps[1].Resumed {
			t.Fatalf("reports %+v", reps)
		}
		if n := count(t, d, "SELECT count(*) FROM hub_persons"); n != 600 {
			t.Fatalf("%d rows, want 600: none lost or duplicated", n)
		}
		if !keyBuilt(t, d) {
			t.Fatal("the key was not built")
		}
	})
}

// indexExists says whether the database holds an index named name.
func indexExists(t *testing.T, d *db.DB, name string) bool {
	t.Helper()
	q := "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?"
	if d.Engine == db.Postgres {
		q = "SELECT count(*) FROM pg_indexes WHERE indexname = ?"
	}
	return count(t, d, q, name) == 1
}

// A large births file drops the parents' indexes for the load and builds
// them after it: the children are found by their parents all the same.
func TestLargeUpdateLoadRebuildsIndexes(t *testing.T) {
	old := bigLoadRows
	bigLoadRows = 0 // every file counts as large here
	defer func() { bigLoadRows = old }()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		mustImport(t, s, ImportRequest{Source: "public_security", Kind: KindPopulation, Path: registryFile(t, 0, 10)})
		father, mother := personID(t, 0), personID(t, 1)
		births := writeFile(t, "births.csv", "公民身份号码,父亲公民身份号码,母亲公民身份号码,姓名,出生日期",
			personID(t, 2)+","+father+","+mother+",测试2,"+birthOf(2), personID(t, 3)+","+father+","+mother+",,")
		rep := mustImport(t, s, ImportRequest{Source: "health_family_planning", Kind: KindPopulation, Path: births})
		if rep.Status != "done" || rep.Updated != 2 {
			t.Fatalf("births: %+v", rep)
		}
		for _, ix := range personsTable.indexNames {
			if !indexExists(t, d, ix) {
				t.Fatalf("index %s missing after the load", ix)
			}
		}
		if n := count(t, d, "SELECT count(*) FROM hub_persons WHERE father_id = ? AND mother_id = ?", father, mother); n != 2 {
			t.Fatalf("%d children found by their parents, want 2", n)
		}
	})
}
