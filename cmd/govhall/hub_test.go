package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/hub"
	"github.com/govhall/govhall/internal/hub/synth"
)

// The crash test of issue 5: `govhall hub import` killed with SIGKILL in
// the middle of a file, then run again, ends with every row stored exactly
// once, on both engines. The binary sleeps between committed batches
// (GOVHALL_HUB_TEST_BATCH_PAUSE, a test-only hook) so the kill lands mid-file.
func TestHubImportResumesAfterKill(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "govhall")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	gen := t.TempDir()
	m, err := synth.Generate(context.Background(), synth.Config{Persons: 12000, Seed: 5, Dir: gen})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(gen, m.Files[0].File)
	if m.Files[0].Source != "public_security" || m.Files[0].Rows != 12000 {
		t.Fatalf("manifest: %+v", m.Files[0])
	}
	t.Run("sqlite", func(t *testing.T) {
		data := t.TempDir()
		killAndResume(t, bin, []string{"--data", data}, file, func() *db.DB {
			return dbtest.Open(t, db.Config{Path: filepath.Join(data, "govhall.db")})
		})
	})
	t.Run("postgres", func(t *testing.T) {
		url := dbtest.PostgresURL(t)
		killAndResume(t, bin, []string{"--db", url}, file, func() *db.DB { return dbtest.Open(t, db.Config{URL: url}) })
	})
}

func killAndResume(t *testing.T, bin string, store []string, file string, open func() *db.DB) {
	args := append([]string{"hub", "import", "--source", "public_security", "--kind", "population", "--batch", "500"}, store...)
	args = append(args, file)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), hub.BatchPauseEnv+"=100ms")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var d *db.DB
	committed := int64(0)
	for deadline := time.Now().Add(60 * time.Second); committed < 1500; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no batches committed within a minute:\n%s", out.String())
		}
		if d == nil {
			if _, err := os.Stat(filepath.Join(store[1], "govhall.db")); store[0] == "--data" && err != nil {
				continue
			}
			d = open()
		}
		_ = d.QueryRow(context.Background(), "SELECT COALESCE(MAX(last_line), 0) FROM hub_imports").Scan(&committed)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	var before int64
	if err := d.QueryRow(context.Background(), "SELECT count(*) FROM hub_persons").Scan(&before); err != nil {
		t.Fatal(err)
	}
	if before == 0 || before >= 12000 {
		t.Fatalf("after the kill %d persons are stored; the kill should land mid-file", before)
	}
	res, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("re-run: %v\n%s", err, res)
	}
	if !strings.Contains(string(res), "(resumed)") || !strings.Contains(string(res), "read 12000, inserted 12000") {
		t.Fatalf("re-run output does not say it resumed and loaded all 12000 rows:\n%s", res)
	}
	var n, distinct int64
	if err := d.QueryRow(context.Background(), "SELECT count(*), count(DISTINCT id_number) FROM hub_persons").Scan(&n, &distinct); err != nil {
		t.Fatal(err)
	}
	if n != 12000 || distinct != 12000 {
		t.Fatalf("%d rows, %d distinct ID numbers; want 12000 of each (before the re-run: %d)", n, distinct, before)
	}
	res, err = exec.Command(bin, append([]string{"hub", "stats", "--json"}, store...)...).Output()
	if err != nil {
		t.Fatal(err)
	}
	var st hub.Stats
	if err := json.Unmarshal(res, &st); err != nil || len(st.Last) != 1 || st.Last[0].Inserted != 12000 || st.Last[0].Status != "done" {
		t.Fatalf("stats: %v %s", err, res)
	}
	if st.Databases[0].Database != "population" || st.Databases[0].Records != 12000 {
		t.Fatalf("stats counts: %+v", st.Databases)
	}
	// The same file again: nothing changes.
	res, err = exec.Command(bin, args...).CombinedOutput()
	if err != nil || !strings.Contains(string(res), "already imported") {
		t.Fatalf("third run: %v\n%s", err, res)
	}
}

// A file with bad rows, without --partial, imports nothing and exits
// non-zero, naming the rejects file; unknown header columns fail at once.
func TestHubImportRefusesBadFiles(t *testing.T) {
	data := t.TempDir()
	gen := t.TempDir()
	m, err := synth.Generate(context.Background(), synth.Config{Persons: 300, Seed: 3, Dir: gen, Dirty: true})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(gen, m.Files[0].File)
	rejects := filepath.Join(t.TempDir(), "rejects.csv")
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"hub", "import", "--data", data, "--source", "public_security",
		"--kind", "population", "--rejects", rejects, file}, &out, &errOut)
	if code == 0 || !strings.Contains(out.String(), "nothing imported") {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
	planted, err := synth.ReadPlanted(filepath.Join(gen, synth.DirtyName))
	if err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(rejects)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range planted {
		if p.File == m.Files[0].File && p.Reason != synth.ReasonDuplicate && !strings.Contains(string(body), "\n"+strconv.Itoa(p.Line)+",") {
			t.Errorf("planted bad row at line %d (%s) is not in the rejects file", p.Line, p.Reason)
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(bad, []byte("公民身份号码,姓名,血型\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	errOut.Reset()
	code = run(context.Background(), []string{"hub", "import", "--data", data, "--source", "public_security",
		"--kind", "population", bad}, &out, &errOut)
	if code == 0 || !strings.Contains(errOut.String(), "血型") {
		t.Fatalf("unknown column: exit %d, %s", code, errOut.String())
	}
}
