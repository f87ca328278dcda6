package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"text/tabwriter"

	"github.com/govhall/govhall/internal/app"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/hub"
	"github.com/govhall/govhall/internal/hub/synth"
	"github.com/govhall/govhall/internal/i18n"
	"github.com/govhall/govhall/internal/progress"
	"github.com/govhall/govhall/internal/tabular"
)

const hubImportUsage = `Usage: govhall hub import --source DEPT --kind population|entity|licence [flags] FILE...
       govhall hub import --manifest DIR/manifest.json [flags]

Imports department exports into the data hub: CSV (UTF-8 with or without
BOM, or GB18030), XLSX or JSON Lines, in constant memory, with a progress
bar on a terminal. --source is the exporting department's kind (the city
bureau of that function: public_security, civil_affairs,
health_family_planning, market_regulation, …); --manifest imports the files
a generator or a department listed, in order, each with its source and kind.

Rows are committed in batches together with the import's progress. A run
that is killed or fails is resumed by running the same command again: it
goes on after the last committed line and never writes a row twice. The
same file from the same source imported again changes nothing.

Bad rows: without --partial a file with any rejected row imports nothing
and the command exits 1. Each row is checked (formats, check characters,
dates, divisions, and against the hub: unknown persons, licences whose
holder is in neither the population nor the legal-entity database, values
the source is not the authority of) and the file is written as it is
read; at the first rejected row the import stops writing, reads on to
list every bad row, and takes back what it wrote: a first load into an empty database
(the city's initial load) deletes its rows, any other load puts back the
previous values it kept for that purpose. Several files for one table in a row (the city's licence
files, one per issuing department) share that first load: each appends
with the table's keys down and the keys are built once, after the last; a
run killed meanwhile is resumed by running the same files again. A large
update file (births set most persons' parents) drops the indexes over the
columns it writes and builds them after the load. With --partial the good
rows are imported and the bad ones listed, exit status 0. Each rejected
row is kept with its line number and reason (--rejects FILE writes them as
CSV: line, field, reason, reason key, then the original cells; with
several files FILE is a directory). Fix the file and import it again (it
is then a new file), or re-run with --partial.

GOVHALL_HUB_TEST_BATCH_PAUSE (a Go duration) sleeps after each committed
batch: a test-only hook so a test can kill an import between two batches.

Flags:
`

const hubStatsUsage = `Usage: govhall hub stats [--json] [flags]

Prints the hub's record counts per database and per source, and the last
import of each source and kind.

Flags:
`

// runHub dispatches govhall hub import|stats|generate.
func runHub(ctx context.Context, args []string) error {
	usage := "Usage: govhall hub import|stats|generate [flags]\n\n" + strings.SplitN(hubImportUsage, "\nFlags:", 2)[0]
	return runSubcommand(ctx, args, usage, "import and stats take the store flags (each subcommand explains itself with --help):",
		[]subcommand{{"import", runHubImport}, {"stats", runHubStats}, {"generate", runHubGenerate}})
}

type hubImportFlags struct {
	source, kind, rejects, encoding, manifest, sheet string
	partial                                          bool
	batch                                            int
}

func runHubImport(ctx context.Context, args []string) error {
	var f hubImportFlags
	fs := newFlags("hub import")
	var sf storeFlags
	sf.register(fs)
	fs.StringVar(&f.source, "source", "", "department kind that exported the files, e.g. public_security")
	fs.StringVar(&f.kind, "kind", "", "population, entity or licence")
	fs.BoolVar(&f.partial, "partial", false, "import the good rows of a file that has bad ones")
	fs.StringVar(&f.rejects, "rejects", "", "write the rejected rows here as CSV (a directory when importing several files)")
	fs.StringVar(&f.encoding, "encoding", "auto", "encoding of CSV files: auto, utf-8 or gb18030")
	fs.StringVar(&f.sheet, "sheet", "", "sheet of XLSX files (default: the first)")
	fs.StringVar(&f.manifest, "manifest", "", "import the files a manifest.json lists, in order")
	fs.IntVar(&f.batch, "batch", hub.DefaultBatch, "rows per committed batch")
	if err := parseHelp(fs, args, hubImportUsage); err != nil {
		return err
	}
	jobs, opts, err := f.jobs(fs.Args())
	if err != nil {
		return err
	}
	cfg, err := sf.config()
	if err != nil {
		return err
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// Imports stream: a soft limit makes the collector keep the heap
		// small instead of letting it double (peak RSS < 500 MiB).
		debug.SetMemoryLimit(256 << 20)
	}
	s, closeStore, err := hubService(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeStore()
	bars := &importBars{}
	reqs := make([]hub.ImportRequest, len(jobs))
	for i, j := range jobs {
		reqs[i] = bars.watch(hub.ImportRequest{Source: j.Source, Kind: j.Kind, Path: j.File, Options: opts,
			Partial: f.partial, BatchSize: f.batch, RejectsPath: rejectsPath(f.rejects, j.File, len(jobs))})
	}
	failed, printed := 0, 0
	reps, err := s.ImportFiles(ctx, reqs, func(rep hub.ImportReport) {
		bars.finish()
		printReport(rep, reqs[printed].RejectsPath)
		printed++
		if rep.Status != "done" || (rep.Rejected > 0 && !f.partial) {
			failed++
		}
	})
	bars.finish()
	if err != nil {
		return fmt.Errorf("%s: %s", jobs[len(reps)-1].File, describeHubError(err))
	}
	if failed > 0 && !f.partial && printed < len(jobs) {
		rep := reps[printed-1]
		return fmt.Errorf("%s: %d rows rejected, nothing imported from it; stopping before the next files", jobs[printed-1].File, rep.Rejected)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files had rejected rows and were not imported (see --partial)", failed, len(jobs))
	}
	return nil
}

// jobs lists the files to import, from the arguments or the manifest.
func (f *hubImportFlags) jobs(files []string) ([]synth.ManifestFile, tabular.Options, error) {
	var opts tabular.Options
	switch strings.ToLower(f.encoding) {
	case "auto":
	case "utf-8", "utf8":
		opts.Encoding = tabular.UTF8
	case "gb18030", "gbk":
		opts.Encoding = tabular.GB18030
	default:
		return nil, opts, usageError{fmt.Sprintf("--encoding %q: use auto, utf-8 or gb18030", f.encoding)}
	}
	opts.Sheet = f.sheet
	if f.manifest != "" {
		if len(files) > 0 || f.source != "" || f.kind != "" {
			return nil, opts, usageError{"--manifest takes no files, --source or --kind: the manifest names them"}
		}
		m, err := synth.ReadManifest(f.manifest)
		if err != nil {
			return nil, opts, usageError{fmt.Sprintf("--manifest: %v", err)}
		}
		for i := range m.Files {
			m.Files[i].File = filepath.Join(filepath.Dir(f.manifest), m.Files[i].File)
		}
		return m.Files, opts, nil
	}
	if f.source == "" || f.kind == "" || len(files) == 0 {
		return nil, opts, usageError{"give --source, --kind and at least one FILE (or --manifest)"}
	}
	var jobs []synth.ManifestFile
	for _, p := range files {
		jobs = append(jobs, synth.ManifestFile{File: p, Source: f.source, Kind: f.kind})
	}
	return jobs, opts, nil
}

func rejectsPath(flagValue, file string, files int) string {
	if flagValue == "" || files == 1 {
		return flagValue
	}
	_ = os.MkdirAll(flagValue, 0o750)
	return filepath.Join(flagValue, strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))+".rejects.csv")
}

// hubService opens the store as the operator on the command line.
func hubService(ctx context.Context, cfg app.Config) (*hub.Service, func(), error) {
	d, l, err := openTrail(ctx, cfg, true)
	if err != nil {
		return nil, nil, err
	}
	return &hub.Service{DB: d, Audit: l}, func() { d.Close() }, nil
}

// importBars draws the progress bar of each import on stderr, with rows/s
// and ETA (the total is the file's line count for CSV and JSON Lines).
type importBars struct{ bar *progress.Bar }

// watch sets req's callback to draw its bar from its first batch on,
// ending the previous file's bar (a file of a shared first load is
// reported only once the keys are built, after the next file's load).
func (b *importBars) watch(req hub.ImportRequest) hub.ImportRequest {
	var mine *progress.Bar
	req.Progress = func(done int64) {
		if mine == nil {
			b.finish()
			mine = progress.New(os.Stderr, "import "+filepath.Base(req.Path), lineCount(req.Path))
			b.bar = mine
		}
		mine.Set(done)
	}
	return req
}

func (b *importBars) finish() {
	if b.bar != nil {
		b.bar.Finish("")
		b.bar = nil
	}
}

// lineCount counts the data lines of a CSV or JSON Lines file (0 when not
// known): a few hundred ms per GB, so the bar can show an ETA.
func lineCount(path string) int64 {
	f, err := tabular.FormatOf(path)
	if err != nil || f == tabular.XLSX {
		return 0
	}
	file, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer file.Close()
	buf := make([]byte, 1<<20)
	var n int64
	for {
		k, err := file.Read(buf)
		n += int64(bytes.Count(buf[:k], []byte{'\n'}))
		if err != nil {
			break
		}
	}
	if f == tabular.CSV && n > 0 {
		n-- // the header
	}
	return n
}

func printReport(r hub.ImportReport, rejects string) {
	switch {
	case r.AlreadyImported:
		fmt.Fprintf(stdout, "%s: already imported (import %d, same SHA-256 from %s): nothing changed\n", r.File, r.ImportID, r.Source)
		return
	case r.Status != "done":
		fmt.Fprintf(stdout, "%s: %d rows read, %d rejected: nothing imported\n", r.File, r.Read, r.Rejected)
	default:
		rate := 0.0
		if r.Elapsed > 0 {
			rate = float64(r.Read) / r.Elapsed.Seconds()
		}
		resumed := ""
		if r.Resumed {
			resumed = " (resumed)"
		}
		fmt.Fprintf(stdout, "%s: %s %s%s: read %d, inserted %d, updated %d, unchanged %d, rejected %d, conflicts %d in %.1fs (%.0f rows/s)\n",
			r.File, r.Format, r.Source, resumed, r.Read, r.Inserted, r.Updated, r.Unchanged, r.Rejected, r.Conflicts,
			r.Elapsed.Seconds(), rate)
	}
	if r.Rejected > 0 && rejects != "" {
		fmt.Fprintf(stdout, "  rejected rows with line and reason: %s\n", rejects)
	}
}

// describeHubError turns a domain error into one line (zh-CN message and
// the key), leaving other errors as they are.
func describeHubError(err error) string {
	if e, ok := errs.As(err); ok {
		return i18n.T(i18n.EN, e.Key, e.Args) + " (" + e.Key + ")"
	}
	return err.Error()
}

func runHubStats(ctx context.Context, args []string) error {
	fs := newFlags("hub stats")
	var sf storeFlags
	sf.register(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseHelp(fs, args, hubStatsUsage); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	cfg, err := sf.config()
	if err != nil {
		return err
	}
	s, closeStore, err := hubService(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeStore()
	st, err := s.Stats(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	}
	w := tabwriter.NewWriter(stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(w, "database\tsource\telement\trecords")
	for _, c := range append(st.Databases, st.Sources...) {
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\n", c.Database, dash(c.Source), dash(c.Element), c.Records)
	}
	fmt.Fprintln(w, "\nlast import\tsource\tkind\tfile\tstatus\tread\tinserted\tupdated\trejected\tfinished (Beijing time)")
	for _, imp := range st.Last {
		fin := "-"
		if imp.FinishedAt != nil {
			fin = imp.FinishedAt.In(beijing).Format("2006-01-02 15:04:05")
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\n", imp.ID, imp.Source, imp.Kind, imp.FileName, imp.Status,
			imp.Read, imp.Inserted, imp.Updated, imp.Rejected, fin)
	}
	return w.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
