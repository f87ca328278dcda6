package hub

import (
	"context"
	"fmt"
	"testing"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/ids"
)

// holderFixture is a hub with persons 0-9 and one entity, and a licence
// type of each holder kind that market regulation issues (a business
// licence to an entity, a special-equipment operator's certificate to a
// person), so one file can name holders of both kinds.
type holderFixture struct {
	s                     *Service
	d                     *db.DB
	entity, unknownEntity string
	business, operator    LicenceType
	issuer                string
	serial                int
}

const operatorType = "11100000DEM0000495003"

func newHolderFixture(t *testing.T, d *db.DB) *holderFixture {
	t.Helper()
	ctx := context.Background()
	f := &holderFixture{s: newService(t, d), d: d, entity: "91341602MA2N0001XK"}
	var err error
	if f.unknownEntity, err = ids.MakeCreditCode("91", "341602", "MA2N0002"); err != nil {
		t.Fatal(err)
	}
	if f.issuer, err = ids.MakeCreditCode("11", "341600", "30000004"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(ctx, `INSERT INTO hub_licence_types (code, name, name_en, holder_kind, department_kind, data_items, demo)
		VALUES (?, '特种设备安全管理和作业人员证', 'Special equipment operator certificate', 'person', 'market_regulation', '[]', ?)`,
		operatorType, true); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(ctx, "INSERT INTO hub_sources (element, department_kind) VALUES (?, 'market_regulation')",
		"licence."+operatorType); err != nil {
		t.Fatal(err)
	}
	types, err := f.s.LicenceTypes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, lt := range types {
		switch lt.Code {
		case "11100000DEM0000495001":
			f.business = lt
		case operatorType:
			f.operator = lt
		}
	}
	mustImport(t, f.s, ImportRequest{Source: "public_security", Kind: KindPopulation, Path: registryFile(t, 0, 10)})
	ent := writeFile(t, "e.csv", entityHeader,
		f.entity+",亳州市华佗中药饮片有限公司（演示）,有限责任公司,李想,"+personID(t, 0)+",100.5,亳州市谯城区,中药饮片,20100301,存续,亳州市市场监督管理局")
	mustImport(t, f.s, ImportRequest{Source: "market_regulation", Kind: KindEntity, Path: ent})
	return f
}

// entityLine and personLine are licence rows of a new licence held by
// the entity or person with the given code.
func (f *holderFixture) entityLine(t *testing.T, code string) string {
	return f.line(t, f.business, HolderEntity, code)
}

func (f *holderFixture) personLine(t *testing.T, id string) string {
	return f.line(t, f.operator, HolderPerson, id)
}

func (f *holderFixture) line(t *testing.T, lt LicenceType, kind, holder string) string {
	f.serial++
	id := licenceID(t, lt.Code, f.issuer, fmt.Sprintf("2026%08d", f.serial))
	return fmt.Sprintf(`%s,%s,N%d,%s,%s,持证者,%s,亳州市市场监督管理局,2026-01-05,,有效,"{""a"":""b""}"`,
		id, lt.Code, f.serial, kind, holder, f.issuer)
}

func (f *holderFixture) licences(t *testing.T) int64 {
	return count(t, f.d, "SELECT count(*) FROM hub_licences")
}

// eachHolderCheck runs fn on both engines with the holders read into
// memory (a big file), looked up per batch (a small file), and looked up
// per batch because the holders' tables are too big for the file.
func eachHolderCheck(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	for _, m := range []struct {
		name        string
		rows, ratio int64
	}{{"in-memory", 0, 1 << 20}, {"per-batch", 1 << 62, 1 << 20}, {"big-tables", 0, 0}} {
		t.Run(m.name, func(t *testing.T) {
			rows, ratio := holderSetRows, keyReadsPerLookup
			holderSetRows, keyReadsPerLookup = m.rows, m.ratio
			defer func() { holderSetRows, keyReadsPerLookup = rows, ratio }()
			dbtest.Each(t, fn)
		})
	}
}

// A licence whose holder is in neither the population nor the legal-entity
// database is rejected with its line and the reason, on a first load into
// the empty licence table and on a load into a table that holds licences:
// without --partial the file writes nothing, with it the good rows load.
func TestLicenceHolderMustBeInTheHub(t *testing.T) {
	eachHolderCheck(t, func(t *testing.T, d *db.DB) {
		f := newHolderFixture(t, d)
		path := writeFile(t, "l.csv", licenceHeader,
			f.entityLine(t, f.entity), f.personLine(t, personID(t, 3)),
			f.personLine(t, personID(t, 99)), // line 4: nobody imported person 99
			f.entityLine(t, f.unknownEntity), // line 5
			f.personLine(t, personID(t, 4)))
		want := map[int]string{4: rejectHolderPerson, 5: rejectHolderEntity}
		rejects := t.TempDir() + "/r.csv"
		req := ImportRequest{Source: "market_regulation", Kind: KindLicence, Path: path, RejectsPath: rejects}
		rep := mustImport(t, f.s, req)
		if rep.Status != "failed" || rep.Rejected != 2 || rep.Inserted != 0 {
			t.Fatalf("first load: %+v", rep)
		}
		checkReasons(t, rejects, want)
		if n := f.licences(t); n != 0 {
			t.Fatalf("%d licences stored from a refused file, want none", n)
		}
		req.Partial = true
		rep = mustImport(t, f.s, req)
		if rep.Status != "done" || rep.Rejected != 2 || rep.Inserted != 3 {
			t.Fatalf("first load with --partial: %+v", rep)
		}
		checkReasons(t, rejects, want)
		if n := count(t, d, "SELECT count(*) FROM hub_licences WHERE holder_id IN (?, ?)", personID(t, 99), f.unknownEntity); n != 0 {
			t.Fatalf("%d licences of unknown holders stored", n)
		}

		// An update load into a table that holds licences checks the same.
		path = writeFile(t, "more.csv", licenceHeader, f.personLine(t, personID(t, 5)),
			f.entityLine(t, f.unknownEntity), f.personLine(t, personID(t, 98)))
		want = map[int]string{3: rejectHolderEntity, 4: rejectHolderPerson}
		req = ImportRequest{Source: "market_regulation", Kind: KindLicence, Path: path, RejectsPath: rejects}
		rep = mustImport(t, f.s, req)
		if rep.Status != "failed" || rep.Rejected != 2 || rep.Inserted != 0 {
			t.Fatalf("update load: %+v", rep)
		}
		checkReasons(t, rejects, want)
		if n := f.licences(t); n != 3 {
			t.Fatalf("%d licences after a refused update file, want the 3 of before", n)
		}
		req.Partial = true
		if rep = mustImport(t, f.s, req); rep.Status != "done" || rep.Inserted != 1 || rep.Rejected != 2 {
			t.Fatalf("update load with --partial: %+v", rep)
		}
		checkReasons(t, rejects, want)
		if n := f.licences(t); n != 4 {
			t.Fatalf("%d licences, want 4", n)
		}
	})
}

// A licence first load killed after its first batch and run again checks
// the holders of the rows after the resumed line as well.
func TestLicenceHolderCheckedAfterResume(t *testing.T) {
	eachHolderCheck(t, func(t *testing.T, d *db.DB) {
		f := newHolderFixture(t, d)
		lines := []string{licenceHeader}
		for i := 0; i < 8; i++ {
			lines = append(lines, f.personLine(t, personID(t, i)))
		}
		lines = append(lines, f.personLine(t, personID(t, 97))) // line 10, in the third batch
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		rejects := t.TempDir() + "/r.csv"
		req := ImportRequest{Source: "market_regulation", Kind: KindLicence, Path: writeFile(t, "l.csv", lines...),
			BatchSize: 4, Partial: true, RejectsPath: rejects, Progress: func(int64) { cancel() }}
		if _, err := f.s.Import(ctx, req); err == nil {
			t.Fatal("the interrupted import reported success")
		}
		if n := f.licences(t); n != 4 {
			t.Fatalf("%d licences committed, want the first batch of 4", n)
		}
		req.Progress = nil
		rep := mustImport(t, f.s, req)
		if !rep.Resumed || rep.Status != "done" || rep.Inserted != 8 || rep.Rejected != 1 {
			t.Fatalf("resumed: %+v", rep)
		}
		checkReasons(t, rejects, map[int]string{10: rejectHolderPerson})
	})
}

// The licence files of a manifest share one first load and, in memory,
// one read of the holders; a population file between them makes the next
// licence file read the holders again, so its new persons hold licences.
// A later file with an unknown holder takes back its own rows only.
func TestLicenceHolderInImportFiles(t *testing.T) {
	eachHolderCheck(t, func(t *testing.T, d *db.DB) {
		f := newHolderFixture(t, d)
		a := writeFile(t, "a.csv", licenceHeader, f.personLine(t, personID(t, 1)), f.entityLine(t, f.entity))
		b := writeFile(t, "b.csv", licenceHeader, f.personLine(t, personID(t, 2)))
		reg := registryPart(t, "new.csv", 50, 52)
		c := writeFile(t, "c.csv", licenceHeader, f.personLine(t, personID(t, 50)), f.personLine(t, personID(t, 51)))
		bad := writeFile(t, "d.csv", licenceHeader, f.personLine(t, personID(t, 6)), f.personLine(t, personID(t, 60)))
		lic := func(p string) ImportRequest {
			return ImportRequest{Source: "market_regulation", Kind: KindLicence, Path: p}
		}
		reps, err := f.s.ImportFiles(context.Background(), []ImportRequest{lic(a), lic(b),
			{Source: "public_security", Kind: KindPopulation, Path: reg}, lic(c), lic(bad)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(reps) != 5 {
			t.Fatalf("%d reports, want 5", len(reps))
		}
		for i, want := range []int64{2, 1, 2, 2} {
			if reps[i].Status != "done" || reps[i].Inserted != want || reps[i].Rejected != 0 {
				t.Fatalf("file %s: %+v", reps[i].File, reps[i])
			}
		}
		if r := reps[4]; r.Status != "failed" || r.Rejected != 1 || r.Inserted != 0 {
			t.Fatalf("file with an unknown holder: %+v", r)
		}
		if n := f.licences(t); n != 5 {
			t.Fatalf("%d licences, want the 5 of the good files", n)
		}
	})
}

// A department system pushing a licence of an unknown holder is told which
// record and field are wrong, and nothing is stored.
func TestPushedLicenceHolderMustBeInTheHub(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newHolderFixture(t, d)
		record := func(lt LicenceType, kind, holder string) map[string]string {
			f.serial++
			return map[string]string{"identifier": licenceID(t, lt.Code, f.issuer, fmt.Sprintf("2026%08d", f.serial)),
				"type_code": lt.Code, "number": "N1", "holder_kind": kind, "holder_id": holder, "holder_name": "持证者",
				"issuer_code": f.issuer, "issued_on": "2026-01-05", "status": "有效"}
		}
		rep, err := f.s.Push(context.Background(), PushRequest{Source: "market_regulation", Kind: KindLicence,
			Records: []map[string]string{record(f.operator, HolderPerson, personID(t, 1)),
				record(f.operator, HolderPerson, personID(t, 96)), record(f.business, HolderEntity, f.unknownEntity)}})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Status != "failed" || len(rep.Rejects) != 2 {
			t.Fatalf("push: %+v", rep)
		}
		for i, want := range []PushReject{{Record: 1, Field: "holder_id", Key: rejectHolderPerson},
			{Record: 2, Field: "holder_id", Key: rejectHolderEntity}} {
			if got := rep.Rejects[i]; got.Record != want.Record || got.Field != want.Field || got.Key != want.Key {
				t.Errorf("reject %d: %+v, want %+v", i, got, want)
			}
		}
		if n := f.licences(t); n != 0 {
			t.Fatalf("%d licences stored from a refused push", n)
		}
	})
}
