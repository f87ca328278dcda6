// Command govhall runs an online government service hall: the web portal,
// the JSON API and the operators' tools, in one binary.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/govhall/govhall/internal/app"
	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
)

// command is one subcommand. run gets the arguments after the command's
// name (and, for nested commands, after the subcommand's).
type command struct {
	summary string
	usage   string // arguments after the flags, for the help line
	run     func(ctx context.Context, args []string) error
}

var commands map[string]command

func init() {
	commands = map[string]command{
		"serve":    {"run the hall: web portal, JSON API, probes and metrics", "", runServe},
		"migrate":  {"apply database migrations and exit", "", runMigrate},
		"audit":    {"verify the hash-chained audit trail (govhall audit verify)", "verify", runAudit},
		"backup":   {"take a consistent copy of a running embedded hall", "", runBackup},
		"restore":  {"bring back a hall from a backup", "", runRestore},
		"accounts": {"create an installation's administrators (govhall accounts add)", "add", runAccounts},
		"outbox":   {"print the newest SMS and e-mail messages with their text (the demo has no SMS gateway)", "", runOutbox},
		"tokens":   {"issue, list and revoke API tokens of department systems", "issue|list|revoke", runTokens},
		"ids":      {"check ID numbers and credit codes, given or one per line on stdin", "check [VALUE...]", runIDs},
		"hub":      {"the data hub: import department exports, print stats, generate test data", "import|stats|generate", runHub},
		"catalog":  {"the service catalog: import, export, and the audit of the counties' lists", "import|export|audit", runCatalog},
		"demo":     {"build demo data into the store (govhall demo catalog)", "catalog", runDemo},
		"help":     {"list the commands, or explain one: govhall help COMMAND", "[COMMAND]", runHelp},
	}
}

// usageError is a mistake on the command line: one line, exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

var stdout io.Writer = os.Stdout

func run(ctx context.Context, args []string, out, errOut io.Writer) int {
	stdout = out
	if len(args) == 0 {
		printCommands(out)
		return 2
	}
	name := args[0]
	if name == "-h" || name == "--help" || name == "-help" {
		name = "help"
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(errOut, "govhall: unknown command %q (see govhall help)\n", name)
		return 2
	}
	err := c.run(ctx, args[1:])
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errInvalidValues): // already reported value by value
		return 1
	case errors.As(err, &ue):
		fmt.Fprintf(errOut, "govhall %s: %s (see govhall %s --help)\n", name, ue.msg, name)
		return 2
	default:
		fmt.Fprintf(errOut, "govhall %s: %s\n", name, oneLine(err.Error()))
		return 1
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func printCommands(w io.Writer) {
	fmt.Fprintln(w, "govhall — an online government service hall (数据跑腿，群众不跑腿)")
	fmt.Fprintln(w, "\nUsage: govhall COMMAND [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nEvery command takes --help. Commands that use the store take --data DIR (GOVHALL_DATA)")
	fmt.Fprintln(w, "and --db URL (GOVHALL_DB, a postgres:// URL selects PostgreSQL).")
}

func runHelp(ctx context.Context, args []string) error {
	if len(args) == 0 {
		printCommands(stdout)
		return nil
	}
	switch args[0] {
	case "-h", "-help", "--help":
		fmt.Fprintf(stdout, "Usage: govhall help %s\n\n%s\n", commands["help"].usage, commands["help"].summary)
		return nil
	}
	if _, ok := commands[args[0]]; !ok || args[0] == "help" {
		return usageError{fmt.Sprintf("unknown command %q", args[0])}
	}
	return commands[args[0]].run(ctx, []string{"--help"})
}

// newFlags makes a flag set that prints its help on stdout for --help and
// reports mistakes as one line through usageError.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parse parses args; --help prints the command's usage and flags.
func parse(fs *flag.FlagSet, args []string) error {
	c := commands[strings.Fields(fs.Name())[0]]
	return parseHelp(fs, args, fmt.Sprintf("Usage: govhall %s [flags] %s\n\n%s\n\nFlags:\n", fs.Name(), c.usage, c.summary))
}

// parseHelp parses args; --help prints usage, then the flags.
func parseHelp(fs *flag.FlagSet, args []string, usage string) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usage)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
		return err
	}
	if err != nil {
		return usageError{err.Error()}
	}
	return nil
}

// parseUsage is parseHelp for a subcommand that takes no arguments after
// its flags.
func parseUsage(fs *flag.FlagSet, args []string, usage string) error {
	if err := parseHelp(fs, args, usage); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

// storeFlags are the flags of every command that uses the store.
type storeFlags struct {
	data, db, auditHash, logFormat string
	licenceKey                     string
}

func (s *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.data, "data", envOr("GOVHALL_DATA", "govhall-data"), "data directory: SQLite database and uploaded files (env GOVHALL_DATA)")
	fs.StringVar(&s.db, "db", os.Getenv("GOVHALL_DB"), "postgres:// URL to use PostgreSQL instead of the embedded store (env GOVHALL_DB)")
	fs.StringVar(&s.auditHash, "audit-hash", envOr("GOVHALL_AUDIT_HASH", "sm3"), "hash of new audit entries: sm3 or sha256 (env GOVHALL_AUDIT_HASH)")
	fs.StringVar(&s.logFormat, "log-format", envOr("GOVHALL_LOG_FORMAT", "text"), "log format: text or json (env GOVHALL_LOG_FORMAT)")
	fs.StringVar(&s.licenceKey, "licence-key", os.Getenv("GOVHALL_LICENCE_KEY"), "PEM file of the SM2 key that signs e-licences; created when missing (default DATA/keys/licence-sm2.pem; env GOVHALL_LICENCE_KEY)")
}

func (s *storeFlags) logger() (*slog.Logger, error) {
	log, err := app.NewLogger(os.Stderr, s.logFormat)
	if err != nil {
		return nil, usageError{err.Error()}
	}
	return log, nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// openTrail opens the configured store (migrating it when migrate is set)
// and an audit trail with the configured hash: what every command that
// changes the hall as the operator needs. The caller closes the store.
func openTrail(ctx context.Context, cfg app.Config, migrate bool) (*db.DB, *audit.Log, error) {
	d, err := app.OpenStore(ctx, cfg, migrate)
	if err != nil {
		return nil, nil, err
	}
	l, err := audit.New(cfg.AuditHash, nil)
	if err != nil {
		d.Close()
		return nil, nil, err
	}
	return d, l, nil
}
