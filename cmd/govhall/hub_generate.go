package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/govhall/govhall/internal/hub/synth"
	"github.com/govhall/govhall/internal/progress"
	"github.com/govhall/govhall/internal/tabular"
)

const hubGenerateUsage = `Usage: govhall hub generate --out DIR [flags]

Write synthetic Bozhou-like department exports for the data hub: a
population (public security), marriages (civil affairs), births (health
and family planning), market entities (market regulation) and e-licences
of the demo types (one file per issuing department), with manifest.json
listing them in import order:

  govhall hub import --manifest DIR/manifest.json

ID numbers, credit codes and licence identifiers are valid; households
have spouses and children; the demo residents 李想 and 崔曼曼 (赵庄村)
and the demo enterprise are always included. The same --seed gives
byte-identical files. With --dirty about 0.5 % of rows are realistic bad
rows (wrong check characters, impossible dates, unknown division codes,
missing names, duplicated rows, licences of holders in no generated
file), listed in DIR/dirty.json with file, line and reason. XLSX files are split every 1,000,000 rows.

Flags:
`

// runHubGenerate is `govhall hub generate`; the hub command dispatches
// its generate subcommand here.
func runHubGenerate(ctx context.Context, args []string) error {
	fs := newFlags("hub generate")
	persons := fs.Int("persons", 1000, "persons in the population")
	entities := fs.Int("entities", 100, "market entities")
	licences := fs.Int("licences", 3000, "e-licences, spread over persons and entities")
	seed := fs.Int64("seed", 1, "random seed: the same seed gives the same files")
	out := fs.String("out", "", "directory to write the files to (created when missing)")
	dirty := fs.Bool("dirty", false, "plant about 0.5 % bad rows and list them in dirty.json")
	format := fs.String("format", "csv", "file format: csv, xlsx or jsonl")
	asOf := fs.String("as-of", synth.DefaultAsOf.Format(time.DateOnly), "the day the data describe (YYYY-MM-DD): nothing is born or issued on or after it")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := parseUsage(fs, args, hubGenerateUsage); err != nil {
		return err
	}
	cfg := synth.Config{Persons: *persons, Entities: *entities, Licences: *licences, Seed: *seed, Dirty: *dirty, Dir: *out}
	switch {
	case *out == "":
		return usageError{"--out DIR is required"}
	case *persons < 0 || *entities < 0 || *licences < 0:
		return usageError{"--persons, --entities and --licences must not be negative"}
	}
	f, err := tabular.FormatOf("x." + strings.ToLower(*format))
	if err != nil || strings.EqualFold(*format, "txt") || strings.EqualFold(*format, "ndjson") {
		return usageError{fmt.Sprintf("--format %q: want csv, xlsx or jsonl", *format)}
	}
	cfg.Format = f
	if cfg.AsOf, err = time.Parse(time.DateOnly, *asOf); err != nil {
		return usageError{fmt.Sprintf("--as-of %q: want YYYY-MM-DD", *asOf)}
	}
	var bar *progress.Bar
	if !*quiet {
		bar = progress.New(os.Stderr, "generate", 0)
		cfg.Progress = bar.Add
	}
	start := time.Now()
	m, err := synth.Generate(ctx, cfg)
	if err != nil {
		if bar != nil {
			bar.Finish("stopped")
		}
		return err
	}
	printGenerated(m, bar, *out, time.Since(start))
	return nil
}

// printGenerated lists the files written and how to import them.
func printGenerated(m synth.Manifest, bar *progress.Bar, dir string, took time.Duration) {
	rows := 0
	for _, f := range m.Files {
		rows += f.Rows
	}
	if bar != nil {
		bar.Finish(fmt.Sprintf("%d rows in %d files", rows, len(m.Files)))
	}
	fmt.Fprintf(stdout, "wrote %d rows in %d files to %s in %s\n", rows, len(m.Files), dir, took.Round(time.Millisecond))
	for _, f := range m.Files {
		fmt.Fprintf(stdout, "  %-50s %-32s %-10s %d rows\n", f.File, f.Source, f.Kind, f.Rows)
	}
	fmt.Fprintf(stdout, "import with: govhall hub import --manifest %s\n", filepath.Join(dir, synth.ManifestName))
}
