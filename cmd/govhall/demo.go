package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/demo"
	"github.com/govhall/govhall/internal/org"
	"github.com/govhall/govhall/internal/progress"
)

const demoUsage = `Usage: govhall demo catalog [--scale F] [flags]

Builds the demo catalog into the store: the city's standard catalog and the
lists of the city and the four counties on the seed's scale (10,305 city-level
and 8,673 county-level powers; the counties reported 2,955, 2,739, 2,874 and
3,254 power items), with generated names marked as generated, the
hand-written items of the stories, published, and the counties'
responsibility lists. The demo structure (divisions, departments) is built
first when missing. Nothing happens when the catalog is there already: the
first start of govhall serve builds it too. --scale multiplies every count
(1 = the seed's; at most 2).

Flags:
`

// runDemo dispatches govhall demo catalog.
func runDemo(ctx context.Context, args []string) error {
	return runSubcommand(ctx, args, strings.SplitN(demoUsage, "\nFlags:", 2)[0],
		"Every subcommand takes the store flags (and --help for its own):", []subcommand{{"catalog", runDemoCatalog}})
}

func runDemoCatalog(ctx context.Context, args []string) error {
	fs := newFlags("demo catalog")
	var sf storeFlags
	sf.register(fs)
	scale := fs.Float64("scale", 1, "multiplies every count of the demo catalog (1 = the seed's scale, at most 2)")
	if err := parseUsage(fs, args, demoUsage); err != nil {
		return err
	}
	if !(*scale > 0 && *scale <= demo.MaxCatalogScale) {
		return usageError{fmt.Sprintf("--scale %g: use a number above 0 and at most %g", *scale, demo.MaxCatalogScale)}
	}
	cfg, err := sf.config()
	if err != nil {
		return err
	}
	d, l, err := openTrail(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer d.Close()
	ctx = actor.With(ctx, actor.System("cli demo catalog"))
	o := &org.Service{DB: d, Audit: l}
	if _, err := demo.SeedOrg(ctx, d, o); err != nil {
		return err
	}
	var bar *progress.Bar
	var last string
	did, err := demo.SeedCatalog(ctx, d, o, &catalog.Service{DB: d, Audit: l}, *scale, func(step string, done, total int) {
		if bar == nil {
			bar = progress.New(os.Stderr, "demo catalog rows", int64(total))
		}
		bar.Set(int64(done))
		last = step
	})
	if err != nil {
		return fmt.Errorf("%s", describe(err))
	}
	if !did {
		fmt.Fprintln(stdout, "the demo catalog is there already: nothing to do")
		return nil
	}
	bar.Finish(last)
	fmt.Fprintf(stdout, "demo catalog built at scale %g\n", *scale)
	return nil
}
