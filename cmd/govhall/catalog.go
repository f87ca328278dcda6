package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/govhall/govhall/internal/app"
	"github.com/govhall/govhall/internal/catalog"
)

const catalogUsage = `Usage: govhall catalog import|export|audit [flags]

  import FILE        import a catalog file (XLSX or CSV)
  export --out FILE  export the catalog
  audit              compare the counties' lists with the standard and each other
`

const catalogAuditUsage = `Usage: govhall catalog audit [--jurisdiction CODE] [--json] [--findings] [flags]

"Where did the reduced powers go?" Compares each county-level list (its
reported list, else its published one) with the city's standard catalog and
with the other counties: standard leaves missing, extra items, merged items
(one item for several standard leaves), split leaves, statutory limits that
differ from the standard's, and promised limits, fees or materials that
differ between counties for the same leaf. Each county's count is explained:
reported = standard − missing − absorbed by merges + extra + added by splits,
and so is the spread between the counties. The responsibility list's duties
without exactly one lead department follow.

--jurisdiction CODE keeps one county (compared with all its peers); --json
prints the whole report; --findings lists every finding in the text report.

Flags:
`

// runCatalog dispatches govhall catalog import|export|audit.
func runCatalog(ctx context.Context, args []string) error {
	return runSubcommand(ctx, args, catalogUsage, "Every subcommand takes the store flags (and --help for its own):",
		[]subcommand{{"import", runCatalogImport}, {"export", runCatalogExport}, {"audit", runCatalogAudit}})
}

// subcommand is one verb of a command with subcommands.
type subcommand struct {
	name string
	run  func(context.Context, []string) error
}

// runSubcommand runs the subcommand args[0] names with the rest of args.
// --help prints usage, then storeNote and the store flags.
func runSubcommand(ctx context.Context, args []string, usage, storeNote string, subs []subcommand) error {
	name := ""
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	var names []string
	for _, s := range subs {
		if s.name == name {
			return s.run(ctx, args)
		}
		names = append(names, s.name)
	}
	if isHelp(name) || name == "help" {
		fmt.Fprint(stdout, usage)
		printStoreFlags(storeNote)
		return flag.ErrHelp
	}
	return usageError{"expected a subcommand: " + strings.Join(names, ", ")}
}

// printStoreFlags prints the store flags, after note, for the help of a
// command with subcommands.
func printStoreFlags(note string) {
	fs := newFlags("")
	var sf storeFlags
	sf.register(fs)
	fmt.Fprintln(stdout, "\n"+note)
	fs.SetOutput(stdout)
	fs.PrintDefaults()
}

// auditOutput is the JSON of govhall catalog audit --json.
type auditOutput struct {
	Audit  catalog.AuditReport   `json:"audit"`
	Duties []catalog.DutyProblem `json:"duties"`
}

func runCatalogAudit(ctx context.Context, args []string) error {
	fs := newFlags("catalog audit")
	var sf storeFlags
	sf.register(fs)
	jur := fs.String("jurisdiction", "", "12-digit division code of one county (default: every county)")
	asJSON := fs.Bool("json", false, "print the whole report as JSON")
	all := fs.Bool("findings", false, "list every finding in the text report")
	if err := parseUsage(fs, args, catalogAuditUsage); err != nil {
		return err
	}
	cfg, err := sf.config()
	if err != nil {
		return err
	}
	d, err := app.OpenStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer d.Close()
	s := &catalog.Service{DB: d}
	rep, err := s.AuditLists(ctx, *jur)
	if err != nil {
		return fmt.Errorf("%s", describe(err))
	}
	duties, err := s.DutyReport(ctx, *jur)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(auditOutput{Audit: rep, Duties: duties})
	}
	printAudit(stdout, rep, duties, *all)
	return nil
}

// printAudit writes the report as tables: the counts per county and list,
// the spread, the findings per kind (or each finding), the duty problems.
func printAudit(w io.Writer, rep catalog.AuditReport, duties []catalog.DutyProblem, all bool) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "county\tlist\tstatus\tstandard\t− missing\t− absorbed (merged items)\t+ extra\t+ split added (leaves)\t= reported\t")
	for _, c := range rep.Counties {
		for _, l := range c.Lists {
			ok := ""
			if !l.Explained {
				ok = " (not explained)"
			}
			fmt.Fprintf(tw, "%s %s\t%s\t%s\t%d\t%d\t%d (%d)\t%d\t%d (%d)\t%d%s\t\n", c.Jurisdiction, c.Name, l.List, l.Status,
				l.Standard, l.Missing, l.Absorbed, l.Merged, l.Extra, l.SplitAdded, l.Split, l.Reported, ok)
		}
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, s := range rep.Spreads {
		fmt.Fprintf(w, "%s spread: %s − %s = %d = %d fewer missing + %d fewer absorbed + %d more extra + %d more split\n",
			s.List, s.Most, s.Fewest, s.Difference, s.Missing, s.Absorbed, s.Extra, s.SplitAdded)
	}
	fmt.Fprintln(w)
	for _, k := range catalog.FindingKinds {
		fmt.Fprintf(w, "%s: %d  ", k, rep.Totals[k])
	}
	fmt.Fprintln(w)
	if all {
		for _, f := range rep.Findings {
			fmt.Fprintln(w, findingLine(f))
		}
	}
	fmt.Fprintf(w, "\nresponsibility list: %d duties without exactly one lead department\n", len(duties))
	for _, d := range duties {
		var leads []string
		for _, l := range d.Leads {
			leads = append(leads, l.Name)
		}
		fmt.Fprintf(w, "%s %s %s %s: leads [%s]\n", d.Jurisdiction, d.Code, d.Name, d.Problem, strings.Join(leads, ", "))
	}
}

func findingLine(f catalog.Finding) string {
	var items, leaves []string
	for _, it := range f.Items {
		items = append(items, it.Code+" "+it.Name)
	}
	for _, l := range f.Leaves {
		leaves = append(leaves, l.Code+" "+l.Name)
	}
	s := fmt.Sprintf("%s %s %s %+d items [%s] standard [%s]", f.Jurisdiction, f.List, f.Kind, f.Delta,
		strings.Join(items, "; "), strings.Join(leaves, "; "))
	if f.Value != "" || f.Standard != "" {
		s += fmt.Sprintf(" value %q, standard %q", f.Value, f.Standard)
	}
	return s
}
