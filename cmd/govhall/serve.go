package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/govhall/govhall/internal/app"
	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/backup"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/demo"
)

// parseStore parses the flags of a command that uses the store: the shared
// store flags plus those extra registers.
func parseStore(name string, args []string, extra func(fs *flag.FlagSet)) (app.Config, error) {
	fs := newFlags(name)
	var sf storeFlags
	sf.register(fs)
	if extra != nil {
		extra(fs)
	}
	if err := parse(fs, args); err != nil {
		return app.Config{}, err
	}
	if fs.NArg() > 0 {
		return app.Config{}, usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return sf.config()
}

func (s *storeFlags) config() (app.Config, error) {
	log, err := s.logger()
	if err != nil {
		return app.Config{}, err
	}
	if s.db != "" && !db.IsPostgresURL(s.db) {
		return app.Config{}, usageError{"--db must be a postgres:// URL (leave it empty for the embedded store)"}
	}
	if s.auditHash != audit.SM3 && s.auditHash != audit.SHA256 {
		return app.Config{}, usageError{fmt.Sprintf("--audit-hash %q: use sm3 or sha256", s.auditHash)}
	}
	return app.Config{DataDir: s.data, DB: s.db, AuditHash: s.auditHash, Log: log, LicenceKey: s.licenceKey}, nil
}

func runServe(ctx context.Context, args []string) error {
	var addr string
	var noSeed bool
	var persons int
	var scale float64
	cfg, err := parseStore("serve", args, func(fs *flag.FlagSet) {
		fs.StringVar(&addr, "addr", envOr("GOVHALL_ADDR", "127.0.0.1:8080"), "address to listen on (env GOVHALL_ADDR)")
		fs.BoolVar(&noSeed, "no-seed", false, "do not build the demo hall on first start")
		fs.IntVar(&persons, "demo-persons", 100000, "persons in the demo hall's generated population (first start only)")
		fs.Float64Var(&scale, "demo-scale", 1, "size of the demo catalog relative to the seed's (first start only; 0.02-2)")
	})
	if err != nil {
		return err
	}
	if persons < 2 || scale < 0.015 || scale > 2 {
		return usageError{"--demo-persons needs at least 2 and --demo-scale 0.015 to 2"}
	}
	cfg.DemoPersons, cfg.DemoCatalogScale = persons, scale
	// One server per data dir: a second one, or a restore, would corrupt it.
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	unlock, err := backup.LockDataDir(cfg.DataDir)
	if err != nil {
		return err
	}
	defer unlock()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	a, err := app.Open(ctx, cfg)
	if err != nil {
		ln.Close()
		return err
	}
	defer a.Close()
	if !noSeed {
		cfg.Log.Info("building the demo hall if it is not there yet (the first start takes about a minute)")
		start := time.Now()
		did, err := a.Seed(ctx)
		if err != nil {
			ln.Close()
			return fmt.Errorf("seed the demo hall: %w", err)
		}
		if did {
			cfg.Log.Info("demo hall seeded", "took", time.Since(start).Round(time.Millisecond))
		}
	}
	printWelcome(a, ln.Addr().String(), !noSeed)
	err = a.Serve(ctx, ln)
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	cfg.Log.Info("stopped")
	return nil
}

func printWelcome(a *app.App, addr string, demoHall bool) {
	store := "SQLite " + app.DBPath(a.DataDir)
	if a.DB.Engine == db.Postgres {
		store = "PostgreSQL"
	}
	fmt.Fprintf(stdout, "govhall is serving the Bozhou hall at http://%s/\n", addr)
	fmt.Fprintf(stdout, "  store: %s; uploaded files: %s\n", store, app.FilesDir(a.DataDir))
	fmt.Fprintf(stdout, "  sub-halls: http://%s/hall/341602 (谯城区) … /hall/341671 (经济开发区); API: http://%s/api/v1/openapi.json\n", addr, addr)
	if demoHall {
		fmt.Fprintf(stdout, "  demo accounts (password %s), sign in at http://%s/login:\n", demo.DemoPassword, addr)
		for _, d := range demo.DemoAccounts() {
			fmt.Fprintf(stdout, "    %-15s %-20s %s\n", d.Kind, d.Login, d.Name)
		}
	}
	fmt.Fprintln(stdout, "  stop with Ctrl-C (in-flight requests finish first)")
}

func runMigrate(ctx context.Context, args []string) error {
	cfg, err := parseStore("migrate", args, nil)
	if err != nil {
		return err
	}
	// OpenStore logs each migration it applies.
	d, err := app.OpenStore(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer d.Close()
	v, err := d.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "schema is at version %d (%s)\n", v, d.Engine)
	return nil
}
