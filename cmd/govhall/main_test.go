package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/app"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/demo"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// govhall runs the command in-process and returns its exit status and output.
func govhall(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// storeless commands do not open the store, so they take no --data or --db.
var storeless = map[string]bool{"help": true, "ids": true}

func TestHelpListsEveryCommand(t *testing.T) {
	code, out, _ := govhall(t, "help")
	if code != 0 {
		t.Fatalf("help exited %d", code)
	}
	for name := range commands {
		if !strings.Contains(out, "  "+name+" ") {
			t.Errorf("help does not list %s", name)
		}
		code, usage, _ := govhall(t, name, "--help")
		if name == "audit" {
			code, usage, _ = govhall(t, "audit", "verify", "--help")
		}
		if code != 0 || !strings.Contains(usage, "Usage: govhall "+name) {
			t.Errorf("%s --help: exit %d\n%s", name, code, usage)
		}
		if storeless[name] {
			continue
		}
		if !strings.Contains(usage, "-data") || !strings.Contains(usage, "-db") {
			t.Errorf("%s uses the store but does not take --data and --db", name)
		}
	}
}

func TestMistakesAreOneLine(t *testing.T) {
	cases := [][]string{
		{"serve", "--bogus"},
		{"serve", "--db", "mysql://x"},
		{"serve", "--audit-hash", "md5"},
		{"backup"},
		{"audit"},
		{"nosuchcommand"},
	}
	for _, args := range cases {
		code, _, errOut := govhall(t, args...)
		if code != 2 || strings.Count(errOut, "\n") != 1 {
			t.Errorf("govhall %v: exit %d, stderr %q; want exit 2 and one line", args, code, errOut)
		}
	}
}

func TestUnreachableDatabaseFailsFast(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	code := run(ctx, []string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0",
		"--db", "postgres://u:topsecret@/govhall?host=/nonexistent-dir"}, &out, &errOut)
	if code != 1 || strings.Count(errOut.String(), "\n") != 1 || !strings.Contains(errOut.String(), "cannot reach PostgreSQL") {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	if strings.Contains(errOut.String(), "topsecret") {
		t.Fatal("the password was printed")
	}
}

// The real binary, as a newcomer runs it: it starts on an empty data dir,
// serves, and on SIGTERM drains and exits 0. The audit chain then verifies.
func TestServeBinaryStopsOnSIGTERM(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "govhall")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data := t.TempDir()
	// A small demo: the seed-scale catalog and population take tens of
	// seconds to build; this test is about starting and stopping.
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", data, "--demo-persons", "50", "--demo-scale", "0.02")
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	sc := bufio.NewScanner(stdout)
	if !sc.Scan() {
		t.Fatalf("no welcome line; stderr:\n%s", stderr.String())
	}
	url := regexp.MustCompile(`http://[0-9.:]+/`).FindString(sc.Text())
	if url == "" {
		t.Fatalf("welcome line has no URL: %q", sc.Text())
	}
	go io.Copy(io.Discard, stdout)
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "亳州") {
		t.Fatalf("home page: %d", res.StatusCode)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after SIGTERM: %v\n%s", err, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(data, "govhall.db")); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := govhall(t, "audit", "verify", "--data", data)
	if code != 0 || !strings.Contains(out, "audit chain intact") {
		t.Fatalf("audit verify: %d %s %s", code, out, errOut)
	}
}

// An installation creates its administrators from the command line; the
// password comes from standard input, never from the arguments.
func TestAccountsAdd(t *testing.T) {
	data := t.TempDir()
	ctx := context.Background()
	a, err := app.Open(ctx, app.Config{DataDir: data, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.SeedOrg(ctx, a.DB, a.Org); err != nil {
		t.Fatal(err)
	}
	a.Close()
	stdinReader = strings.NewReader("weak\n")
	code, _, errOut := govhall(t, "accounts", "add", "--data", data, "--kind", "security_admin", "--login", "sec-1",
		"--name", "韩雪", "--id-number", "11010519491231002X", "--phone", "13700009999")
	if code != 1 || !strings.Contains(errOut, "--password") {
		t.Fatalf("a weak password: exit %d %q", code, errOut)
	}
	stdinReader = strings.NewReader("security-admin-2026\n")
	code, out, errOut := govhall(t, "accounts", "add", "--data", data, "--kind", "security_admin", "--login", "sec-1",
		"--name", "韩雪", "--id-number", "11010519491231002X", "--phone", "13700009999")
	if code != 0 || !strings.Contains(out, "security_admin sec-1") {
		t.Fatalf("accounts add: exit %d %q %q", code, out, errOut)
	}
}
