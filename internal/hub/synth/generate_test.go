package synth

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govhall/govhall/internal/ids"
	"github.com/govhall/govhall/internal/tabular"
)

// The same seed gives byte-identical files in every format; another seed
// gives other people.
func TestDeterministic(t *testing.T) {
	for _, f := range []tabular.Format{tabular.CSV, tabular.JSONL, tabular.XLSX} {
		t.Run(f.String(), func(t *testing.T) {
			cfg := Config{Persons: 800, Entities: 40, Licences: 2000, Seed: 42, Dirty: true, Format: f}
			a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
			for _, dir := range []string{a, b} {
				cfg.Dir = dir
				if _, err := Generate(context.Background(), cfg); err != nil {
					t.Fatal(err)
				}
			}
			cfg.Dir, cfg.Seed = c, 43
			if _, err := Generate(context.Background(), cfg); err != nil {
				t.Fatal(err)
			}
			names, _ := filepath.Glob(filepath.Join(a, "*"))
			if len(names) < 10 {
				t.Fatalf("only %d files", len(names))
			}
			for _, n := range names {
				x, _ := os.ReadFile(n)
				y, err := os.ReadFile(filepath.Join(b, filepath.Base(n)))
				if err != nil || !bytes.Equal(x, y) {
					t.Fatalf("%s differs between two runs with the same seed (%v)", filepath.Base(n), err)
				}
			}
			x, _ := os.ReadFile(filepath.Join(a, "population-public_security."+strings.ToLower(f.String())))
			y, _ := os.ReadFile(filepath.Join(c, "population-public_security."+strings.ToLower(f.String())))
			if bytes.Equal(x, y) {
				t.Fatal("seeds 42 and 43 gave the same population")
			}
		})
	}
}

// dirty.json lists exactly the rows that are bad: every planted row fails
// the check its reason names, and every row not listed passes them all.
// Line numbers are the importer's: CSV and XLSX count the header as line
// 1, JSON Lines have none.
func TestDirtyRowsAreListed(t *testing.T) {
	for _, c := range []struct {
		f       tabular.Format
		persons int
	}{{tabular.CSV, 6000}, {tabular.JSONL, 2000}, {tabular.XLSX, 2000}} {
		t.Run(c.f.String(), func(t *testing.T) {
			cfg := Config{Persons: c.persons, Entities: c.persons / 10, Licences: 2 * c.persons, Seed: 5, Dirty: true, Format: c.f}
			checkPlanted(t, generate(t, cfg), c.f == tabular.CSV)
		})
	}
}

func checkPlanted(t *testing.T, g *generated, everyReason bool) {
	planted, err := ReadPlanted(filepath.Join(g.dir, DirtyName))
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]Planted{}
	reasons := map[string]int{}
	for _, p := range planted {
		listed[p.File+":"+itoa(p.Line)] = p
		reasons[p.Reason]++
	}
	holders := map[string]bool{} // every person and entity of the files
	for _, sk := range []string{"public_security/population", "market_regulation/entity"} {
		for _, x := range g.all(sk) {
			holders[x.row.Cells[0]] = true
		}
	}
	total := 0
	for _, f := range g.manifest.Files {
		tb := g.files[f.File]
		seen := map[string]int{}
		for _, row := range tb.rows {
			total++
			key := strings.Join(row.Cells, "\x00")
			got := badness(f.Kind, f.Source, tb, row, seen[key] > 0, holders)
			seen[key]++
			p, isListed := listed[f.File+":"+itoa(row.Line)]
			switch {
			case got == "" && isListed:
				t.Errorf("%s line %d is listed as %s but is a good row", f.File, row.Line, p.Reason)
			case got != "" && !isListed:
				t.Errorf("%s line %d is bad (%s) but not listed", f.File, row.Line, got)
			case got != "" && got != p.Reason:
				t.Errorf("%s line %d: listed as %s, is %s", f.File, row.Line, p.Reason, got)
			}
			delete(listed, f.File+":"+itoa(row.Line))
		}
	}
	if len(listed) > 0 {
		t.Fatalf("listed rows that do not exist: %v", listed)
	}
	if rate := float64(len(planted)) / float64(total); rate < 0.003 || rate > 0.008 {
		t.Fatalf("%d planted rows of %d: rate %.4f, want about 0.005", len(planted), total, rate)
	}
	for _, r := range []string{ReasonCheckCharacter, ReasonImpossibleDate, ReasonUnknownDivision, ReasonMissingName, ReasonDuplicate,
		ReasonUnknownHolder} {
		if everyReason && reasons[r] == 0 {
			t.Errorf("no row planted for %s (%v)", r, reasons)
		}
	}
}

// badness is what an importer must find wrong with a row ("" if nothing);
// holders are the ID numbers and credit codes of the files.
func badness(kind, source string, tb *table, row tabular.Row, repeated bool, holders map[string]bool) string {
	c := row.Cells
	idBad := func(s string) string {
		_, err := ids.ValidateIDNumber(s, now)
		var e *ids.IDNumberError
		switch {
		case err == nil:
			return ""
		case asIDError(err, &e) && e.Check == "birth date":
			return ReasonImpossibleDate
		}
		return ReasonCheckCharacter
	}
	switch {
	case repeated:
		return ReasonDuplicate
	case kind == KindPopulation && source == "public_security":
		if r := idBad(c[0]); r != "" {
			return r
		}
		if countyByCode(c[7][:6]) == nil {
			return ReasonUnknownDivision
		}
		if c[1] == "" {
			return ReasonMissingName
		}
	case kind == KindPopulation:
		cols := []string{c[0], c[1], c[2]} // births: child, father, mother
		if source == "civil_affairs" {
			cols = []string{c[0], c[2]} // the person and the spouse
		}
		for _, v := range cols {
			if v != "" && idBad(v) != "" {
				return idBad(v)
			}
		}
	case kind == KindEntity:
		if ids.ValidateCreditCode(c[0]) != nil {
			return ReasonCheckCharacter
		}
		if c[1] == "" {
			return ReasonMissingName
		}
		if _, err := parseDate(c[8]); err != nil {
			return ReasonImpossibleDate
		}
	case kind == KindLicence:
		if _, err := ids.ParseLicenceID(c[0]); err != nil {
			return ReasonCheckCharacter
		}
		if !holders[c[4]] {
			return ReasonUnknownHolder
		}
	}
	return ""
}

func TestConfigErrorsNameTheField(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{Persons: -1, Dir: dir}, "persons"},
		{Config{Entities: -1, Dir: dir}, "entities"},
		{Config{Licences: -1, Dir: dir}, "licences"},
		{Config{Persons: 1}, "dir"},
		{Config{Licences: 5, Dir: dir}, "holders"},
		{Config{Persons: 1, Licences: 5000, Dir: dir}, "licences"},
		{Config{Persons: 1, Format: tabular.Format(9), Dir: dir}, "format"},
		{Config{Persons: 100_000_000, Dir: dir}, "persons"},
	} {
		_, err := Generate(context.Background(), c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error naming %s", c.cfg, err, c.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Fatalf("a refused config wrote %d files", len(entries))
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Generate(ctx, Config{Persons: 100000, Dir: t.TempDir()}); err == nil {
		t.Fatal("a cancelled context generated everything")
	}
}

// The manifest lists the files in import order: persons before the rows
// that link them, entities, then licences.
func TestManifestOrder(t *testing.T) {
	g := generate(t, Config{Persons: 50, Entities: 5, Licences: 200, Seed: 1})
	var order []string
	for _, f := range g.manifest.Files {
		order = append(order, f.Source+"/"+f.Kind)
	}
	want := "public_security/population civil_affairs/population health_family_planning/population market_regulation/entity"
	if got := strings.Join(order[:4], " "); got != want {
		t.Fatalf("order %s, want %s first", got, want)
	}
	b, _ := os.ReadFile(filepath.Join(g.dir, ManifestName))
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil || raw["files"] == nil {
		t.Fatalf("manifest.json: %v %s", err, b)
	}
}

// XLSX files are cut into parts (a sheet holds about a million rows); the
// parts follow each other in the manifest and planted rows name their part.
func TestXLSXParts(t *testing.T) {
	defer func(n int) { maxXLSXRows = n }(maxXLSXRows)
	maxXLSXRows = 100
	g := generate(t, Config{Persons: 350, Entities: 10, Licences: 400, Seed: 8, Dirty: true, Format: tabular.XLSX})
	var parts []string
	rows := 0
	for _, f := range g.manifest.Files {
		if strings.HasPrefix(f.File, "population-") {
			parts = append(parts, f.File)
			rows += f.Rows
			if f.Rows > 100 {
				t.Fatalf("%s has %d rows", f.File, f.Rows)
			}
		}
	}
	want := "population-public_security.xlsx population-public_security-2.xlsx population-public_security-3.xlsx population-public_security-4.xlsx"
	if strings.Join(parts, " ") != want || rows < 350 {
		t.Fatalf("parts %v with %d rows, want %s", parts, rows, want)
	}
	checkPlanted(t, g, false)
	if len(g.files[parts[0]].rows) != 100 || g.files[parts[1]].rows[0].Line != 2 {
		t.Fatal("the second part does not start on line 2 after its header")
	}
}
