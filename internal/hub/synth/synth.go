// Package synth makes synthetic Bozhou-like records for demos, tests and
// scale runs of the data hub: a population (valid GB 11643 ID numbers of
// Bozhou's four counties, households with spouses and children, addresses
// in real towns and invented villages), legal entities (valid GB 32100
// credit codes, legal representatives from that population) and electronic
// licences of the demo types, written as the department exports that
// `govhall hub import` reads, with a manifest.json that lists them in
// import order. With Dirty it plants realistic bad rows and lists them in
// dirty.json.
//
// Output is deterministic: a seed gives byte-identical files. It streams in
// constant memory: every person is a function of the seed and its index
// (see layout.go), so nothing generated is kept.
package synth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/govhall/govhall/internal/tabular"
)

// Config says what to generate.
type Config struct {
	Persons, Entities, Licences int
	Seed                        int64
	// Dirty plants about 0.5 % bad rows and writes dirty.json.
	Dirty bool
	// Format of the files; 0 is CSV.
	Format tabular.Format
	// Dir receives the files; it is created when missing.
	Dir string
	// AsOf is the day the data describe: nobody is born and nothing is
	// issued on or after it. Zero means DefaultAsOf.
	AsOf time.Time
	// Progress, when set, is told how many rows were written since its
	// last call (every few thousand rows).
	Progress func(rows int64)
}

// DefaultAsOf is the day generated data describe unless told otherwise.
var DefaultAsOf = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Manifest describes a generated set of files; it is written to
// manifest.json in Dir.
type Manifest struct {
	Generator string         `json:"generator"`
	Seed      int64          `json:"seed"`
	Persons   int            `json:"persons"`
	Entities  int            `json:"entities"`
	Licences  int            `json:"licences"`
	Dirty     bool           `json:"dirty"`
	Format    string         `json:"format"`
	AsOf      string         `json:"as_of"`
	Files     []ManifestFile `json:"files"`
	// DirtyFile names the list of planted bad rows (with Dirty only).
	DirtyFile string `json:"dirty_file,omitempty"`
}

// ManifestFile is one import file, in the order files must be imported.
type ManifestFile struct {
	File   string `json:"file"`   // relative to the manifest's directory
	Source string `json:"source"` // department kind: govhall hub import --source
	Kind   string `json:"kind"`   // population, entity or licence: --kind
	Rows   int    `json:"rows"`   // data rows, planted bad rows included
}

// Planted is one bad row written with Dirty, listed in dirty.json: the
// importer must reject exactly these (a duplicate row may instead be
// reported as unchanged: it is the same record twice).
type Planted struct {
	File   string `json:"file"`
	Line   int    `json:"line"` // as tabular reports it: CSV/XLSX header is line 1; JSON Lines start at 1
	Column string `json:"column"`
	Reason string `json:"reason"`
	Detail string `json:"detail"`
}

// Reasons of planted rows.
const (
	ReasonCheckCharacter  = "check_character"  // an ID number, credit code or licence identifier with a wrong check character
	ReasonImpossibleDate  = "impossible_date"  // a date that does not exist, such as 1988-02-30
	ReasonUnknownDivision = "unknown_division" // a division code outside Bozhou
	ReasonMissingName     = "missing_name"
	ReasonDuplicate       = "duplicate_row"  // the same row again
	ReasonUnknownHolder   = "unknown_holder" // a licence whose holder is neither a generated person nor entity
)

// ManifestName and DirtyName are the names of the description files.
const (
	ManifestName = "manifest.json"
	DirtyName    = "dirty.json"
)

// Generate writes the files and their manifest.
func Generate(ctx context.Context, cfg Config) (Manifest, error) {
	g, err := newGen(cfg)
	if err != nil {
		return Manifest{}, err
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return Manifest{}, fmt.Errorf("synth: %w", err)
	}
	// A manifest is written last, when every file is complete: one left by
	// an earlier run must not describe a run that fails half-way.
	for _, name := range []string{ManifestName, DirtyName} {
		if err := os.Remove(filepath.Join(cfg.Dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return Manifest{}, fmt.Errorf("synth: %w", err)
		}
	}
	if cfg.Dirty {
		if g.dirtyList, err = createPlantedList(filepath.Join(cfg.Dir, DirtyName)); err != nil {
			return Manifest{}, err
		}
	}
	g.out = newOutputs(cfg.Dir, g.cfg.Format)
	g.pipe = startPipe()
	err = g.run(ctx)
	if perr := g.pipe.finish(); perr != nil {
		err = perr
	}
	files, cerr := g.out.close()
	if err == nil {
		err = cerr
	}
	if g.dirtyList != nil {
		if derr := g.dirtyList.close(err == nil); err == nil {
			err = derr
		}
	}
	if err != nil {
		return Manifest{}, err
	}
	m := Manifest{Generator: "govhall hub generate", Seed: cfg.Seed, Persons: cfg.Persons, Entities: cfg.Entities,
		Licences: cfg.Licences, Dirty: cfg.Dirty, Format: strings.ToLower(g.cfg.Format.String()),
		AsOf: g.cfg.AsOf.Format(time.DateOnly), Files: files}
	if cfg.Dirty {
		m.DirtyFile = DirtyName
	}
	return m, writeJSON(filepath.Join(cfg.Dir, ManifestName), m)
}

// ReadManifest reads a manifest.json; the importer uses it to import a
// generated set in order.
func ReadManifest(path string) (Manifest, error) {
	var m Manifest
	b, err := os.ReadFile(path)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// ReadPlanted reads a dirty.json.
func ReadPlanted(path string) ([]Planted, error) {
	var p []Planted
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	return nil
}

// checkConfig refuses what cannot be generated, naming the field.
func checkConfig(cfg *Config) error {
	switch {
	case cfg.Persons < 0:
		return fmt.Errorf("synth: persons must not be negative, got %d", cfg.Persons)
	case cfg.Entities < 0:
		return fmt.Errorf("synth: entities must not be negative, got %d", cfg.Entities)
	case cfg.Licences < 0:
		return fmt.Errorf("synth: licences must not be negative, got %d", cfg.Licences)
	case cfg.Dir == "":
		return errors.New("synth: dir (where to write the files) is empty")
	case cfg.Licences > 0 && cfg.Persons+cfg.Entities == 0:
		return errors.New("synth: licences need holders: persons or entities must be more than 0")
	case cfg.Licences > maxVersions*(cfg.Persons+cfg.Entities):
		return fmt.Errorf("synth: licences must be at most %d per holder (%d persons and entities), got %d",
			maxVersions, cfg.Persons+cfg.Entities, cfg.Licences)
	}
	if cfg.Format == 0 {
		cfg.Format = tabular.CSV
	}
	if cfg.Format != tabular.CSV && cfg.Format != tabular.XLSX && cfg.Format != tabular.JSONL {
		return fmt.Errorf("synth: format %v is not csv, xlsx or jsonl", cfg.Format)
	}
	if cfg.AsOf.IsZero() {
		cfg.AsOf = DefaultAsOf
	}
	cfg.AsOf = cfg.AsOf.UTC()
	if y := cfg.AsOf.Year(); y < 2000 || y > 2100 {
		return fmt.Errorf("synth: as-of date %s is not between 2000 and 2100", cfg.AsOf.Format(time.DateOnly))
	}
	return nil
}
