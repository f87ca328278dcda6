package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/org"
)

// stdinReader is where commands read a password from (tests swap it).
var stdinReader io.Reader = os.Stdin

// runAccounts creates the accounts nobody can create through the hall:
// the system, audit and security administrators of an installation (the
// security administrator then creates staff, agents and supervisors).
func runAccounts(ctx context.Context, args []string) error {
	if len(args) == 0 || (args[0] != "add" && !isHelp(args[0])) {
		return usageError{"expected a subcommand: add"}
	}
	if args[0] == "add" {
		args = args[1:]
	}
	var f identity.StaffForm
	cfg, err := parseStore("accounts add", args, func(fs *flag.FlagSet) {
		fs.StringVar(&f.Kind, "kind", "", "system_admin, audit_admin or security_admin (or any official kind)")
		fs.StringVar(&f.Login, "login", "", "login name")
		fs.StringVar(&f.Name, "name", "", "the person's name")
		fs.StringVar(&f.IDNumber, "id-number", "", "the person's citizen ID number")
		fs.StringVar(&f.Phone, "phone", "", "mobile number: sign-in codes are sent to it")
		fs.StringVar(&f.JurisdictionCode, "jurisdiction", "", "12-digit division code where they work (default: the city)")
	})
	if err != nil {
		return err
	}
	// The password never goes on the command line (shell history, ps):
	// GOVHALL_PASSWORD or the first line of standard input.
	f.Password = os.Getenv("GOVHALL_PASSWORD")
	if f.Password == "" {
		fmt.Fprint(os.Stderr, "password: ")
		line, _ := bufio.NewReader(stdinReader).ReadString('\n')
		f.Password = strings.TrimRight(line, "\r\n")
	}
	s, done, err := tokenService(ctx, cfg)
	if err != nil {
		return err
	}
	defer done()
	if f.JurisdictionCode == "" {
		city, err := (&org.Service{DB: s.DB}).City(ctx)
		if err != nil {
			return fmt.Errorf("no city in this hall (%v): give --jurisdiction", err)
		}
		f.JurisdictionCode = city.Code
	}
	a, err := s.CreateAccount(actor.With(ctx, actor.System("cli")), f)
	if err != nil {
		return fmt.Errorf("%s", describe(err))
	}
	fmt.Fprintf(stdout, "account %d created: %s %s (%s)\n", a.ID, a.Kind, a.Login, a.Name)
	return nil
}
