package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/govhall/govhall/internal/ids"
)

// stdin is where `ids check` reads values when it is given none; tests swap it.
var stdin io.Reader = os.Stdin

// errInvalidValues makes run exit 1 without a message of its own: the
// command has already said, value by value, what was wrong.
var errInvalidValues = errors.New("some values are invalid")

// maxLine bounds one line of input; a line longer than this is an error
// rather than a silent split.
const maxLine = 1 << 20

const idsUsage = `Usage: govhall ids check [VALUE...]

Check citizen ID numbers (GB 11643), unified social credit codes
(GB 32100) and electronic licence identifiers (1.2.156.3005.2.…, check
character MOD 37,36), for example a spreadsheet column before an import. With no
VALUE, reads one value per line from standard input (blank lines skipped).

For each value prints one line: the value as given, its kind (id_number,
credit_code, licence_id or unknown) and "valid" or "invalid: CHECK (position N)",
tab-separated; a valid value whose normalised form differs (full-width
characters, a lower-case x) is followed by "→ NORMALISED". A county code
outside the known table is a warning, not a refusal.

Exit status 1 when any value is invalid.
`

func runIDs(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "check" {
		args = args[1:]
	} else if len(args) == 0 || !isHelp(args[0]) {
		return usageError{"expected a subcommand: check"}
	}
	fs := newFlags("ids check")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, idsUsage)
		return err
	} else if err != nil {
		return usageError{err.Error()}
	}
	w := bufio.NewWriter(stdout)
	c := idChecker{ctx: ctx, w: w, now: time.Now()}
	var err error
	if fs.NArg() > 0 {
		for _, v := range fs.Args() {
			c.check(v)
		}
	} else {
		err = c.checkLines(stdin)
	}
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if err == nil && c.invalid > 0 {
		err = errInvalidValues
	}
	return err
}

func isHelp(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }

// idChecker checks values and writes one line for each.
type idChecker struct {
	ctx     context.Context
	w       io.Writer
	now     time.Time
	invalid int
}

// checkLines streams r line by line: a UTF-8 byte order mark at the start
// and the CR of CRLF line ends are dropped, blank lines skipped.
func (c *idChecker) checkLines(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), maxLine)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		if n%4096 == 0 && c.ctx.Err() != nil {
			return c.ctx.Err()
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		c.check(line)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read standard input: %w (a line may hold at most %d bytes)", err, maxLine)
	}
	return nil
}

func (c *idChecker) check(value string) {
	r := ids.Check(value, c.now)
	var verdict string
	switch {
	case r.Kind == ids.KindUnknown:
		verdict = "invalid: neither an ID number, a credit code nor an e-licence identifier"
	case !r.Valid && r.Pos > 0:
		verdict = fmt.Sprintf("invalid: %s (position %d)", r.Check, r.Pos)
	case !r.Valid:
		verdict = "invalid: " + r.Check
	default:
		verdict = "valid"
		if r.Warning != "" {
			verdict += " (warning: " + r.Warning + ")"
		}
		if r.Normalised != value {
			verdict += " → " + r.Normalised
		}
	}
	if !r.Valid {
		c.invalid++
	}
	fmt.Fprintf(c.w, "%s\t%s\t%s\n", value, r.Kind, verdict)
}
