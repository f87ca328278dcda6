package hub

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/errs"
)

// A registry export loads every person with the values of the file and
// the import as provenance; importing the same file again changes nothing
// and says so; each import leaves exactly one audit entry.
func TestImportRegistryAndReimport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		path := registryFile(t, 0, 250)
		req := ImportRequest{Source: "public_security", Kind: KindPopulation, Path: path, BatchSize: 100}
		rep := mustImport(t, s, req)
		if rep.Status != "done" || rep.Read != 250 || rep.Inserted != 250 || rep.Rejected != 0 || rep.Format != "registry" {
			t.Fatalf("report %+v", rep)
		}
		p, ok := person(t, d, personID(t, 7))
		if !ok {
			t.Fatal("person 7 not stored")
		}
		want := Person{IDNumber: personID(t, 7), Name: "测试7", Sex: "F", Ethnicity: "汉族", BirthDate: birthOf(7),
			HukouAddress: "安徽省亳州市谯城区花戏楼街道7号", HukouDivision: "341602001001", CurrentAddress: "同户籍地址",
			Phone: "13856780007", Status: "normal", RegistryImport: rep.ImportID}
		if p.Name != want.Name || p.Sex != want.Sex || p.BirthDate != want.BirthDate || p.HukouDivision != want.HukouDivision ||
			p.Status != want.Status || p.RegistryImport != want.RegistryImport || p.Phone != want.Phone {
			t.Fatalf("stored %+v\nwant %+v", p, want)
		}
		again := mustImport(t, s, req)
		if !again.AlreadyImported || again.ImportID != rep.ImportID || again.Inserted != 250 {
			t.Fatalf("re-import: %+v", again)
		}
		if n := count(t, d, "SELECT count(*) FROM hub_persons"); n != 250 {
			t.Fatalf("%d persons after re-import, want 250", n)
		}
		if n := count(t, d, "SELECT count(*) FROM audit_log WHERE action = 'hub.import'"); n != 1 {
			t.Fatalf("%d audit entries, want 1 per import", n)
		}
		// The keys dropped for the first load are back: a duplicate is refused.
		_, err := d.Exec(context.Background(), "INSERT INTO hub_persons (id_number) VALUES (?)", personID(t, 7))
		if !db.IsUniqueViolation(err) {
			t.Fatalf("the primary key must be rebuilt after a first load: %v", err)
		}
	})
}

// A file whose header names a column the format does not have fails at
// once: no import row, no records.
func TestImportRefusesUnknownColumn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		path := writeFile(t, "bad.csv", registryHeader+",血型", registryLine(t, 1)+",A")
		_, err := s.Import(context.Background(), ImportRequest{Source: "public_security", Kind: KindPopulation, Path: path})
		e, ok := errs.As(err)
		if !ok || e.Key != "hub.error.unknown_column" || e.Args["column"] != "血型" || e.Args["position"] != 12 {
			t.Fatalf("got %v, want hub.error.unknown_column naming 血型 at column 12", err)
		}
		if n := count(t, d, "SELECT count(*) FROM hub_imports"); n != 0 {
			t.Fatalf("%d import rows", n)
		}
		_, err = s.Import(context.Background(), ImportRequest{Source: "public_security", Kind: KindPopulation,
			Path: writeFile(t, "missing.txt.xlsx", "not a zip")})
		if e, ok := errs.As(err); !ok || e.Key != "hub.error.unreadable" {
			t.Fatalf("unreadable file: %v", err)
		}
	})
}

// badRegistry has good rows and one bad row of each kind, at known lines.
func badRegistry(t *testing.T) (string, map[int]string) {
	good := func(i int) string { return registryLine(t, i) }
	swap := func(i int, from, to string) string { return strings.Replace(registryLine(t, i), from, to, 1) }
	id := personID(t, 3)
	badCheck := id[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", id[17])+1)%11])
	lines := []string{registryHeader,
		good(1), good(2),
		swap(3, id, badCheck),                   // line 4
		swap(4, birthOf(4), "1960-02-30"),       // line 5
		swap(5, "341602001001", "110105001001"), // line 6
		swap(6, "测试6", ""),                      // line 7
		good(7),
	}
	return writeFile(t, "registry-bad.csv", lines...), map[int]string{
		4: "ids.error.id_number.check_character", 5: "hub.reject.date", 6: "hub.reject.division_unknown", 7: "hub.reject.required"}
}

// Without --partial a file with bad rows imports nothing; the rejects file
// names each bad row's line and reason, with its original cells. With it,
// the good rows are imported and the same rows rejected.
func TestImportRejects(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		path, want := badRegistry(t)
		rejects := t.TempDir() + "/rejects.csv"
		rep := mustImport(t, s, ImportRequest{Source: "public_security", Kind: KindPopulation, Path: path, RejectsPath: rejects})
		if rep.Status != "failed" || rep.Rejected != 4 || rep.Inserted != 0 {
			t.Fatalf("report %+v", rep)
		}
		if n := count(t, d, "SELECT count(*) FROM hub_persons"); n != 0 {
			t.Fatalf("%d persons imported from a file with errors, want none", n)
		}
		checkRejects(t, rejects, want)
		rep = mustImport(t, s, ImportRequest{Source: "public_security", Kind: KindPopulation, Path: path, RejectsPath: rejects, Partial: true})
		if rep.Status != "done" || rep.Rejected != 4 || rep.Inserted != 3 || rep.Read != 7 {
			t.Fatalf("partial report %+v", rep)
		}
		checkRejects(t, rejects, want)
		if _, ok := person(t, d, personID(t, 7)); !ok {
			t.Fatal("a good row after the bad ones was not imported")
		}
		// Into a table that holds records the file is checked before
		// anything is written.
		path = writeFile(t, "more.csv", registryHeader, registryLine(t, 20), strings.Replace(registryLine(t, 21), "正常", "失踪", 1))
		rep = mustImport(t, s, ImportRequest{Source: "public_security", Kind: KindPopulation, Path: path, RejectsPath: rejects})
		if rep.Status != "failed" || rep.Rejected != 1 || rep.Inserted != 0 {
			t.Fatalf("checked import: %+v", rep)
		}
		checkRejects(t, rejects, map[int]string{3: "hub.reject.value"})
		if n := count(t, d, "SELECT count(*) FROM hub_persons"); n != 3 {
			t.Fatalf("%d persons after a refused file, want the 3 of before", n)
		}
	})
}

func checkRejects(t *testing.T, path string, want map[int]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(want)+1 {
		t.Fatalf("rejects file has %d rows, want header + %d: %v", len(recs), len(want), recs)
	}
	for _, r := range recs[1:] {
		line := 0
		for _, c := range r[0] {
			line = line*10 + int(c-'0')
		}
		if want[line] != r[3] || r[2] == "" || r[2] == r[3] || len(r) != 4+11 || r[4] == "" && r[3] != "hub.reject.required" {
			t.Errorf("reject %v: want line %d with reason %s, a translated message and the original cells", r, line, want[line])
		}
	}
}

func TestImportRefusesUnknownSourceAndKind(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		path := registryFile(t, 0, 2)
		_, err := s.Import(context.Background(), ImportRequest{Source: "weather_bureau", Kind: KindPopulation, Path: path})
		if e, ok := errs.As(err); !ok || e.Field != "source" {
			t.Fatalf("unknown source: %v", err)
		}
		_, err = s.Import(context.Background(), ImportRequest{Source: "public_security", Kind: "people", Path: path})
		if e, ok := errs.As(err); !ok || e.Field != "kind" {
			t.Fatalf("unknown kind: %v", err)
		}
		if errors.Is(err, db.ErrNotFound) {
			t.Fatal("unexpected")
		}
	})
}

// An import stopped between batches (here: its context cancelled after the
// second commit) resumes after the last committed line when run again:
// every row ends up stored once. Meanwhile another file cannot start a
// load into the half-loaded table.
func TestImportResumesAfterInterruption(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		path := registryFile(t, 0, 1000)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		batches := 0
		req := ImportRequest{Source: "public_security", Kind: KindPopulation, Path: path, BatchSize: 100, Partial: true,
			Progress: func(int64) {
				if batches++; batches == 2 {
					cancel()
				}
			}}
		if _, err := s.Import(ctx, req); err == nil {
			t.Fatal("the interrupted import reported success")
		}
		if n := count(t, d, "SELECT count(*) FROM hub_persons"); n != 200 {
			t.Fatalf("%d persons committed, want the 2 batches of 100", n)
		}
		_, err := s.Import(context.Background(), ImportRequest{Source: "public_security", Kind: KindPopulation,
			Path: registryFile(t, 2000, 2010)})
		if e, ok := errs.As(err); !ok || e.Key != "hub.error.first_load_unfinished" {
			t.Fatalf("a second file during an unfinished first load: %v", err)
		}
		req.Progress = nil
		rep := mustImport(t, s, req)
		if !rep.Resumed || rep.Inserted != 1000 || rep.Read != 1000 || rep.Status != "done" {
			t.Fatalf("resumed: %+v", rep)
		}
		if n := count(t, d, "SELECT count(DISTINCT id_number) FROM hub_persons"); n != 1000 {
			t.Fatalf("%d distinct persons, want 1000", n)
		}
		if n := count(t, d, "SELECT count(*) FROM hub_persons"); n != 1000 {
			t.Fatalf("%d rows, want 1000: none duplicated", n)
		}
	})
}

// A first load whose file repeats a person keeps the row read last and
// counts it as an update; the key is built all the same.
func TestFirstLoadWithRepeatedRows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		changed := strings.Replace(registryLine(t, 3), "测试3", "测试三", 1)
		path := writeFile(t, "dup.csv", registryHeader, registryLine(t, 1), registryLine(t, 3), registryLine(t, 2), changed)
		rep := mustImport(t, s, ImportRequest{Source: "public_security", Kind: KindPopulation, Path: path})
		if rep.Inserted != 3 || rep.Updated != 1 {
			t.Fatalf("report %+v", rep)
		}
		if p, _ := person(t, d, personID(t, 3)); p.Name != "测试三" {
			t.Fatalf("kept %q, want the row read last", p.Name)
		}
		if n := count(t, d, "SELECT count(*) FROM hub_persons"); n != 3 {
			t.Fatalf("%d rows", n)
		}
	})
}
