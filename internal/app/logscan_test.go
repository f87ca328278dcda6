package app_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/app"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/demo"
	"github.com/govhall/govhall/internal/ids"
)

// TestMain runs the tests, then reads everything they logged: no full ID
// number, mobile number or password may be in it.
func TestMain(m *testing.M) {
	code := dbtest.Run(m)
	if problems := scanLogs(testLogs.String()); len(problems) > 0 && code == 0 {
		fmt.Fprintf(os.Stderr, "the test run logged personal data or secrets:\n%s\n", strings.Join(problems, "\n"))
		code = 1
	}
	os.Exit(code)
}

// testLogs collects what every hall in these tests logged.
var testLogs lockedBuffer

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// quietLog is the logger of test halls: the program's own (masking)
// logger, writing to testLogs.
func quietLog() *slog.Logger {
	log, err := app.NewLogger(&testLogs, "text")
	if err != nil {
		panic(err)
	}
	return log
}

var (
	idShape    = regexp.MustCompile(`\d{17}[\dX]`)
	phoneShape = regexp.MustCompile(`(^|\D)(1[3-9]\d{9})(\D|$)`)
)

// secrets are passwords the tests type in.
var secrets = []string{demo.DemoPassword}

func scanLogs(logs string) []string {
	var out []string
	for _, m := range idShape.FindAllString(logs, -1) {
		if _, err := ids.ValidateIDNumber(m, time.Now()); err == nil {
			out = append(out, "an ID number: "+ids.MaskIDNumber(m))
		}
	}
	for _, m := range phoneShape.FindAllStringSubmatch(logs, -1) {
		out = append(out, "a phone number: "+ids.MaskPhone(m[2]))
	}
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			out = append(out, "a password")
		}
	}
	return out
}

// The scan itself must be able to fail.
func TestLogScanFindsPersonalData(t *testing.T) {
	leak := "msg=x id=341602198807150036 phone=13800001234 pw=" + demo.DemoPassword
	if got := scanLogs(leak); len(got) != 3 {
		t.Fatalf("scan found %v in a leaking line", got)
	}
	var buf bytes.Buffer
	log, _ := app.NewLogger(&buf, "json")
	log.Info("login failed", "login", "341602198807150036", "err", fmt.Errorf("phone 13800001234 taken"))
	if got := scanLogs(buf.String()); len(got) != 0 {
		t.Fatalf("the program's logger let through %v: %s", got, buf.String())
	}
}
