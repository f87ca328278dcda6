package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/app"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/i18n"
	"github.com/govhall/govhall/internal/identity"
)

// runTokens manages the API tokens of department systems.
func runTokens(ctx context.Context, args []string) error {
	sub := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "issue":
		return tokensIssue(ctx, args)
	case "list":
		return tokensList(ctx, args)
	case "revoke":
		return tokensRevoke(ctx, args)
	case "":
		if len(args) > 0 && isHelp(args[0]) {
			fmt.Fprintln(stdout, "Usage: govhall tokens issue|list|revoke [flags]   (revoke takes the token ID first)")
			fmt.Fprintln(stdout)
			return tokensIssue(ctx, []string{"--help"})
		}
	}
	return usageError{"expected a subcommand: issue, list or revoke"}
}

// tokenService opens the store and the identity service, acting as the
// operator on the command line.
func tokenService(ctx context.Context, cfg app.Config) (*identity.Service, func(), error) {
	d, l, err := openTrail(ctx, cfg, false)
	if err != nil {
		return nil, nil, err
	}
	return &identity.Service{DB: d, Audit: l}, func() { d.Close() }, nil
}

func tokensIssue(ctx context.Context, args []string) error {
	var name, scopes string
	var dept int64
	var days int
	cfg, err := parseStore("tokens issue", args, func(fs *flag.FlagSet) {
		fs.StringVar(&name, "name", "", "what the token is for, e.g. 公安局人口系统")
		fs.Int64Var(&dept, "department", 0, "ID of the department whose system uses the token")
		fs.StringVar(&scopes, "scope", "", "comma-separated scopes: "+strings.Join(identity.Scopes, ", "))
		fs.IntVar(&days, "days", 365, "days until the token expires")
	})
	if err != nil {
		return err
	}
	s, done, err := tokenService(ctx, cfg)
	if err != nil {
		return err
	}
	defer done()
	ctx = actor.With(ctx, actor.System("cli"))
	secret, t, err := s.IssueToken(ctx, name, dept, strings.Split(scopes, ","), time.Duration(days)*24*time.Hour)
	if err != nil {
		return fmt.Errorf("%s", describe(err))
	}
	fmt.Fprintf(stdout, "token %d for department %d (%s), scopes %s, expires %s\n%s\n",
		t.ID, t.DepartmentID, t.Name, strings.Join(t.Scopes, " "), t.ExpiresAt.Format("2006-01-02"), secret)
	fmt.Fprintln(stdout, "Store it now: it is shown only once (govhall keeps only its hash).")
	return nil
}

func tokensList(ctx context.Context, args []string) error {
	cfg, err := parseStore("tokens list", args, nil)
	if err != nil {
		return err
	}
	s, done, err := tokenService(ctx, cfg)
	if err != nil {
		return err
	}
	defer done()
	ts, err := s.Tokens(ctx)
	if err != nil {
		return err
	}
	for _, t := range ts {
		state := "valid until " + t.ExpiresAt.Format("2006-01-02")
		if !t.RevokedAt.IsZero() {
			state = "revoked " + t.RevokedAt.Format("2006-01-02")
		}
		fmt.Fprintf(stdout, "%d\t%s…\tdepartment %d\t%s\t%s\t%s\n", t.ID, t.Prefix, t.DepartmentID, strings.Join(t.Scopes, " "), state, t.Name)
	}
	return nil
}

func tokensRevoke(ctx context.Context, args []string) error {
	cfg, err := parseStore("tokens revoke", trailingFlags(args), nil)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		return usageError{"give the ID of the token to revoke"}
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil {
		return usageError{fmt.Sprintf("token ID %q is not a number", args[0])}
	}
	s, done, err := tokenService(ctx, cfg)
	if err != nil {
		return err
	}
	defer done()
	if err := s.RevokeToken(actor.With(ctx, actor.System("cli")), id); err != nil {
		return fmt.Errorf("revoke token %d: %s", id, describe(err))
	}
	fmt.Fprintf(stdout, "token %d revoked\n", id)
	return nil
}

// trailingFlags drops a leading positional argument so the flags after it
// parse (govhall tokens revoke 3 --data DIR).
func trailingFlags(args []string) []string {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return args[1:]
	}
	return args
}

// describe renders a domain error for an operator: every field and what is
// wrong with it, in English.
func describe(err error) string {
	fields := errs.Fields(err)
	if len(fields) == 0 {
		return err.Error()
	}
	parts := make([]string, 0, len(fields))
	for _, e := range fields {
		msg := i18n.T(i18n.EN, e.Key, e.Args)
		if e.Field != "" {
			msg = "--" + e.Field + ": " + msg
		}
		parts = append(parts, msg)
	}
	return strings.Join(parts, "; ")
}
