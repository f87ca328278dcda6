package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/govhall/govhall/internal/app"
	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/backup"
)

func runAudit(ctx context.Context, args []string) error {
	if len(args) == 0 || (args[0] != "verify" && args[0] != "--help" && args[0] != "-h" && args[0] != "-help") {
		return usageError{"expected a subcommand: verify"}
	}
	if args[0] == "verify" {
		args = args[1:]
	}
	cfg, err := parseStore("audit verify", args, nil)
	if err != nil {
		return err
	}
	d, err := app.OpenStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer d.Close()
	r, err := audit.Verify(ctx, d, func(n int64) { fmt.Fprintf(stdout, "\rchecked %d entries", n) })
	if err != nil {
		return err
	}
	if r.Entries >= 10000 {
		fmt.Fprintln(stdout)
	}
	if !r.OK() {
		return fmt.Errorf("audit chain broken at entry %d: %s (%d entries before it verified)", r.BadSeq, r.Reason, r.Entries)
	}
	fmt.Fprintf(stdout, "audit chain intact: %d entries verified\n", r.Entries)
	return nil
}

func runBackup(ctx context.Context, args []string) error {
	var out string
	cfg, err := parseStore("backup", args, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "folder to write the backup into (must not exist or be empty)")
	})
	if err != nil {
		return err
	}
	if out == "" {
		return usageError{"--out DIR is required"}
	}
	if cfg.DB != "" {
		return fmt.Errorf("backup of a PostgreSQL hall: use pg_dump for the database and copy %s (see README)", app.FilesDir(cfg.DataDir))
	}
	d, err := app.OpenStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer d.Close()
	m, err := backup.Take(ctx, d, app.FilesDir(cfg.DataDir), out, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s: %s\n", out, summary(m))
	return nil
}

func runRestore(ctx context.Context, args []string) error {
	var from string
	var force bool
	cfg, err := parseStore("restore", args, func(fs *flag.FlagSet) {
		fs.StringVar(&from, "from", "", "backup folder written by govhall backup")
		fs.BoolVar(&force, "force", false, "replace an existing hall (its data is moved aside, not deleted)")
	})
	if err != nil {
		return err
	}
	if from == "" {
		return usageError{"--from DIR is required"}
	}
	if cfg.DB != "" {
		return fmt.Errorf("restore into a PostgreSQL hall: use pg_restore (see README)")
	}
	m, err := backup.Restore(ctx, from, cfg.DataDir, force)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s into %s: %s\n", from, cfg.DataDir, summary(m))
	return nil
}

func summary(m backup.Manifest) string {
	var size int64
	for _, f := range m.Files {
		size += f.Size
	}
	return fmt.Sprintf("database %.1f MB (schema version %d), %d uploaded files (%.1f MB), taken %s",
		float64(m.Database.Size)/1e6, m.SchemaVersion, len(m.Files), float64(size)/1e6, m.Created.UTC().Format(time.RFC3339))
}
