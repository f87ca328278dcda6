package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/app"
	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/hub"
	"github.com/govhall/govhall/internal/i18n"
	"github.com/govhall/govhall/internal/progress"
	"github.com/govhall/govhall/internal/tabular"
)

const catalogFileHelp = `A catalog file is XLSX or CSV; its column headers are the national standard's
Chinese field names (事项名称, 实施编码, 设定依据, 承诺办结时限, …).

XLSX: one sheet per part — %s.
Nested parts name their item in the column 实施编码 (legal bases of a standard
item or a duty: 基本编码 or 责任事项编码); their row order is the list's order.

CSV (UTF-8 with BOM on export; UTF-8 with or without BOM, or GB18030, on import):
one file holds every part. The first column, 表, names the part of each row;
the other columns are all the parts' columns, and a row fills only its own
part's columns. Export writes an item's rows together: its 事项 row, then its
legal bases, covers, materials, fees, form, flow, risk points and results.

Cells are text. Dictionary values are written by name (行政许可, 承诺件, 自然人…;
the codes 01, 2, 1… are accepted too); time limits as "20个工作日" (or "20");
yes/no as 是/否; lists of codes separated by commas, 、 or semicolons; lists of
free text (options, special procedures, a duty's departments) one per line.
Rows of several jurisdictions may share a file (column 行政区划代码); their
implementation codes must then differ. CSV keeps no carriage return inside a
cell (CRLF in a cell reads as LF); XLSX keeps every character.
`

const importUsage = `Usage: govhall catalog import [flags] FILE

Import a catalog file: the standard catalog (基本目录), implementation items and
the responsibility list (责任清单) it holds. Everything is checked first: cell
formats, dictionary values, references between parts and to the hall (divisions,
departments, standard codes, parents, the data hub's e-licence types), and every
item's rules. With any problem nothing is imported and every bad row is listed
with its part, row, column and reason; --partial imports the good items and
writes the rejected rows, with a last column 错误原因, to --rejects (correct
them there and import that file). Items are imported as drafts, as the
jurisdiction's reported list (--reported), or published at once as version 1
(--publish). Items already in the hall are refused, not changed. Exit status 1
when anything was refused.

`

const exportUsage = `Usage: govhall catalog export --out FILE [flags]

Export the catalog: --jurisdiction CODE writes that jurisdiction's list (items
and duties), --standard the standard catalog; with neither, everything. The same
catalog always gives the same file, and importing it into an empty hall and
exporting again gives that file back.

`

// runCatalogImport is govhall catalog import.
func runCatalogImport(ctx context.Context, args []string) error {
	var o catalog.ImportOptions
	var rejects, lang, enc string
	fs := newFlags("catalog import")
	var sf storeFlags
	sf.register(fs)
	fs.StringVar(&o.Jurisdiction, "jurisdiction", "", "12-digit division code of the list; rows naming another are refused")
	fs.BoolVar(&o.Reported, "reported", false, "import the list as the jurisdiction reported it (audited, never applied for)")
	fs.BoolVar(&o.Publish, "publish", false, "publish every imported item as version 1")
	fs.BoolVar(&o.Partial, "partial", false, "import the good items and write the rejected rows to --rejects")
	fs.StringVar(&rejects, "rejects", "", "file (.csv or .xlsx) for the rejected rows of --partial")
	fs.StringVar(&enc, "encoding", "auto", "encoding of a CSV file: auto, utf-8 or gb18030")
	fs.StringVar(&lang, "lang", langFromEnv(), "language of the messages: zh-CN or en (env LANG)")
	file, err := parseFileFlags(fs, args, importUsage, true)
	if err != nil {
		return err
	}
	if lang = i18n.Supported(lang); lang == "" {
		return usageError{"--lang: use zh-CN or en"}
	}
	if o.Partial != (rejects != "") {
		return usageError{"--partial and --rejects FILE go together"}
	}
	if o.Encoding, err = parseEncoding(enc); err != nil {
		return err
	}
	cfg, err := sf.config()
	if err != nil {
		return err
	}
	s, done, err := catalogService(ctx, cfg)
	if err != nil {
		return err
	}
	defer done()
	types, err := (&hub.Service{DB: s.DB}).LicenceTypes(ctx)
	if err != nil {
		return err
	}
	for _, lt := range types {
		o.LicenceTypes = append(o.LicenceTypes, lt.Code)
	}
	ctx = actor.With(ctx, actor.System("cli catalog import"))
	bars := &stepBars{name: filepath.Base(file)}
	o.Progress = bars.step
	res, err := s.Import(ctx, file, o)
	bars.finish()
	if err != nil {
		return reportImport(err, lang)
	}
	fmt.Fprintf(stdout, "imported %d items, %d standard items and %d duties from %s\n", res.Items, res.Basic, res.Duties, file)
	if res.Rejected() == 0 {
		return nil
	}
	if err := res.WriteRejects(rejects, lang); err != nil {
		return fmt.Errorf("write rejects: %w", err)
	}
	for _, p := range res.Problems {
		fmt.Fprintln(stdout, p.Message(lang))
	}
	fmt.Fprintf(stdout, "%d rows rejected, written to %s\n", res.Rejected(), rejects)
	return errInvalidValues
}

// reportImport prints every problem of a refused file, one per line.
func reportImport(err error, lang string) error {
	var ie *catalog.ImportError
	if !errors.As(err, &ie) {
		return fmt.Errorf("%s", describe(err))
	}
	for _, p := range ie.Problems {
		fmt.Fprintln(stdout, p.Message(lang))
	}
	fmt.Fprintf(stdout, "nothing imported: %d problems\n", len(ie.Problems))
	return errInvalidValues
}

// runCatalogExport is govhall catalog export.
func runCatalogExport(ctx context.Context, args []string) error {
	var o catalog.ExportOptions
	var out, format string
	fs := newFlags("catalog export")
	var sf storeFlags
	sf.register(fs)
	fs.StringVar(&out, "out", "", "file to write")
	fs.StringVar(&format, "format", "", "csv or xlsx (default: from the --out file's extension)")
	fs.StringVar(&o.Jurisdiction, "jurisdiction", "", "12-digit division code of the list to export")
	fs.BoolVar(&o.Standard, "standard", false, "export the standard catalog (基本目录)")
	if _, err := parseFileFlags(fs, args, exportUsage, false); err != nil {
		return err
	}
	if out == "" {
		return usageError{"--out FILE is required"}
	}
	f, err := exportFormat(format, out)
	if err != nil {
		return err
	}
	cfg, err := sf.config()
	if err != nil {
		return err
	}
	s, done, err := catalogService(ctx, cfg)
	if err != nil {
		return err
	}
	defer done()
	bars := &stepBars{name: filepath.Base(out)}
	o.Progress = func(done, total int) { bars.step("export", done, total) }
	st, err := s.Export(ctx, out, f, o)
	bars.finish()
	if err != nil {
		os.Remove(out)
		return fmt.Errorf("%s", describe(err))
	}
	fmt.Fprintf(stdout, "exported %d items, %d standard items and %d duties to %s\n", st.Items, st.Basic, st.Duties, out)
	return nil
}

// stepBars draws a progress bar on stderr for each step of long work.
type stepBars struct {
	name  string
	label string
	total int
	bar   *progress.Bar
}

func (b *stepBars) step(step string, done, total int) {
	if b.bar == nil || b.label != step || b.total != total {
		b.finish()
		b.label, b.total = step, total
		b.bar = progress.New(os.Stderr, step+" "+b.name, int64(total))
	}
	b.bar.Set(int64(done))
}

func (b *stepBars) finish() {
	if b.bar != nil {
		b.bar.Finish("")
		b.bar = nil
	}
}

// parseFileFlags parses args, ending in one FILE when wantFile is set;
// --help prints usage, the file layout and the flags.
func parseFileFlags(fs *flag.FlagSet, args []string, usage string, wantFile bool) (string, error) {
	help := usage + fmt.Sprintf(catalogFileHelp, strings.Join(catalog.SheetNames(), ", ")) + "\nFlags:\n"
	if err := parseHelp(fs, args, help); err != nil {
		return "", err
	}
	switch {
	case wantFile && fs.NArg() != 1:
		return "", usageError{"expected one FILE after the flags"}
	case !wantFile && fs.NArg() > 0:
		return "", usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	case wantFile:
		return fs.Arg(0), nil
	}
	return "", nil
}

func exportFormat(format, out string) (tabular.Format, error) {
	switch strings.ToLower(format) {
	case "csv":
		return tabular.CSV, nil
	case "xlsx":
		return tabular.XLSX, nil
	case "":
		f, err := tabular.FormatOf(out)
		if err != nil || (f != tabular.CSV && f != tabular.XLSX) {
			return 0, usageError{"--format csv|xlsx is required when --out does not end in .csv or .xlsx"}
		}
		return f, nil
	}
	return 0, usageError{fmt.Sprintf("--format %q: use csv or xlsx", format)}
}

func parseEncoding(s string) (tabular.Encoding, error) {
	switch strings.ToLower(s) {
	case "auto", "":
		return tabular.Auto, nil
	case "utf-8", "utf8":
		return tabular.UTF8, nil
	case "gb18030", "gbk":
		return tabular.GB18030, nil
	}
	return 0, usageError{fmt.Sprintf("--encoding %q: use auto, utf-8 or gb18030", s)}
}

// langFromEnv picks the message language from LANG (zh_CN.UTF-8, en_GB…),
// Chinese when it names neither.
func langFromEnv() string {
	if l := i18n.Supported(strings.SplitN(os.Getenv("LANG"), ".", 2)[0]); l != "" {
		return l
	}
	return i18n.ZH
}

// catalogService opens the store and the catalog service.
func catalogService(ctx context.Context, cfg app.Config) (*catalog.Service, func(), error) {
	d, l, err := openTrail(ctx, cfg, false)
	if err != nil {
		return nil, nil, err
	}
	return &catalog.Service{DB: d, Audit: l}, func() { d.Close() }, nil
}
