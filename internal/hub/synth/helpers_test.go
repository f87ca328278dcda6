package synth

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/ids"
	"github.com/govhall/govhall/internal/tabular"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// table is one generated file read back.
type table struct {
	file   string
	header []string
	rows   []tabular.Row
}

// col returns a row's cell under a header.
func (tb *table) col(row tabular.Row, name string) string {
	for i, h := range tb.header {
		if h == name {
			return row.Cells[i]
		}
	}
	panic("no column " + name + " in " + tb.file)
}

// generated is a generated set read back, by file.
type generated struct {
	dir      string
	manifest Manifest
	files    map[string]*table // by manifest file name
	kinds    map[string][]*table
	spouses  map[string]string    // by ID number, from civil affairs
	parents  map[string][2]string // father, mother by child, from health
}

func generate(t *testing.T, cfg Config) *generated {
	t.Helper()
	if cfg.Dir == "" {
		cfg.Dir = t.TempDir()
	}
	m, err := Generate(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	again, err := ReadManifest(filepath.Join(cfg.Dir, ManifestName))
	if err != nil || len(again.Files) != len(m.Files) {
		t.Fatalf("manifest.json: %v, %d files, want %d", err, len(again.Files), len(m.Files))
	}
	g := &generated{dir: cfg.Dir, manifest: m, files: map[string]*table{}, kinds: map[string][]*table{}}
	for _, f := range m.Files {
		tb := readTable(t, filepath.Join(cfg.Dir, f.File))
		if len(tb.rows) != f.Rows {
			t.Fatalf("%s: %d rows, manifest says %d", f.File, len(tb.rows), f.Rows)
		}
		g.files[f.File] = tb
		g.kinds[f.Source+"/"+f.Kind] = append(g.kinds[f.Source+"/"+f.Kind], tb)
	}
	return g
}

func readTable(t *testing.T, path string) *table {
	t.Helper()
	r, err := tabular.Open(path, tabular.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	tb := &table{file: filepath.Base(path), header: r.Header()}
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			return tb
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		tb.rows = append(tb.rows, row)
	}
}

// all returns the rows of every file of a source and kind, with their table.
func (g *generated) all(sourceKind string) []struct {
	tb  *table
	row tabular.Row
} {
	var out []struct {
		tb  *table
		row tabular.Row
	}
	for _, tb := range g.kinds[sourceKind] {
		for _, r := range tb.rows {
			out = append(out, struct {
				tb  *table
				row tabular.Row
			}{tb, r})
		}
	}
	return out
}

func asIDError(err error, e **ids.IDNumberError) bool { return errors.As(err, e) }

func parseDate(s string) (time.Time, error) { return time.Parse(time.DateOnly, s) }
