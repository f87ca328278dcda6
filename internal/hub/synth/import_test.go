package synth_test

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/hub"
	"github.com/govhall/govhall/internal/hub/synth"
)

// The hub's importer, given a dirty generated set, rejects exactly the
// rows dirty.json lists (a duplicated row may instead count as unchanged:
// it is the same record twice) and imports every other row.
func TestImporterRejectsExactlyThePlantedRows(t *testing.T) {
	dir := t.TempDir()
	m, err := synth.Generate(context.Background(), synth.Config{Persons: 3000, Entities: 200, Licences: 6000, Seed: 11, Dirty: true, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	planted, err := synth.ReadPlanted(filepath.Join(dir, synth.DirtyName))
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		l, _ := audit.New(audit.SHA256, nil)
		h := &hub.Service{DB: d, Audit: l}
		rejected := map[string]bool{}
		for _, f := range m.Files {
			rej := filepath.Join(t.TempDir(), "rejects.csv")
			rep, err := h.Import(context.Background(), hub.ImportRequest{Source: f.Source, Kind: f.Kind,
				Path: filepath.Join(dir, f.File), RejectsPath: rej, Partial: true})
			if err != nil {
				t.Fatalf("%s: %v", f.File, err)
			}
			lines := rejectedLines(t, rej)
			if int64(len(lines)) != rep.Rejected {
				t.Fatalf("%s: %d rejected, %d in the rejects file", f.File, rep.Rejected, len(lines))
			}
			for _, n := range lines {
				rejected[f.File+":"+strconv.Itoa(n)] = true
			}
		}
		for _, p := range planted {
			key := p.File + ":" + strconv.Itoa(p.Line)
			if !rejected[key] && p.Reason != synth.ReasonDuplicate {
				t.Errorf("planted %s (%s, %s) was imported", key, p.Reason, p.Column)
			}
			delete(rejected, key)
		}
		for key := range rejected {
			t.Errorf("%s was rejected but is a good row", key)
		}
	})
}

// rejectedLines reads the line numbers (first column) of a rejects CSV.
func rejectedLines(t *testing.T, path string) []int {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	var out []int
	for i := 0; ; i++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			continue // header
		}
		n, err := strconv.Atoi(rec[0])
		if err != nil {
			t.Fatalf("%s: line %q", path, rec[0])
		}
		out = append(out, n)
	}
}
