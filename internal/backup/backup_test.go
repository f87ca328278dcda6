package backup_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/backup"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var ctx = context.Background()

// hall is an embedded hall in a temp data dir: a migrated database with a
// table of materials (two rows per transaction, each naming an uploaded
// file) and a files folder.
type hall struct {
	d        *db.DB
	dataDir  string
	filesDir string
}

func newHall(t *testing.T) *hall {
	t.Helper()
	d := dbtest.SQLite(t)
	h := &hall{d: d, dataDir: filepath.Dir(d.Path), filesDir: filepath.Join(filepath.Dir(d.Path), "files")}
	if _, err := d.Exec(ctx, `CREATE TABLE materials (
		id INTEGER PRIMARY KEY, tx TEXT NOT NULL, file TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	return h
}

// upload stores a file the way the files package does (write, then the row
// that refers to it commits), as a pair of rows in one transaction.
func (h *hall) upload(d *db.DB, name, content string) error {
	p := filepath.Join(h.filesDir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return err
	}
	if err := os.WriteFile(p, []byte(content), 0o640); err != nil {
		return err
	}
	return d.WithTx(ctx, func(tx *db.Tx) error {
		for i := 0; i < 2; i++ {
			if _, err := tx.Exec(ctx, "INSERT INTO materials (tx, file) VALUES (?, ?)", name, name); err != nil {
				return err
			}
		}
		return nil
	})
}

func (h *hall) seed(t *testing.T, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if err := h.upload(h.d, fmt.Sprintf("s/%02d/f%d", i%3, i), fmt.Sprintf("content %d", i)); err != nil {
			t.Fatal(err)
		}
	}
}

func count(t *testing.T, path, q string) int {
	t.Helper()
	d, err := db.Open(ctx, db.Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var n int
	if err := d.QueryRow(ctx, q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func take(t *testing.T, h *hall) (string, backup.Manifest) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "bk")
	m, err := backup.Take(ctx, h.d, h.filesDir, out, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return out, m
}

// A backup taken while the hall keeps writing — through its own handle and
// through a second one, as another process would — holds whole
// transactions only, passes Verify, and has every file its rows refer to.
func TestTakeWhileWriting(t *testing.T) {
	h := newHall(t)
	// Some ballast, so the copy takes long enough for writes to land during it.
	if _, err := h.d.Exec(ctx, `CREATE TABLE ballast AS WITH RECURSIVE c(i) AS (
		SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 20000) SELECT randomblob(1000) AS b FROM c`); err != nil {
		t.Fatal(err)
	}
	w := startWriters(t, h)
	out := filepath.Join(t.TempDir(), "bk")
	before := w.committed.Load()
	m, err := backup.Take(ctx, h.d, h.filesDir, out, time.Date(2026, 5, 1, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)))
	during := w.committed.Load() - before
	w.stop(t)
	if err != nil {
		t.Fatal(err)
	}
	if during == 0 {
		t.Error("no write committed while the backup ran: the test proves nothing")
	}
	if _, err := backup.Verify(out); err != nil {
		t.Fatal(err)
	}
	if !m.Created.Equal(time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC)) || m.Created.Location() != time.UTC {
		t.Errorf("created = %v, want 2026-05-01 02:00 UTC", m.Created)
	}
	if ms, _ := db.Migrations(db.SQLite); m.SchemaVersion != len(ms) || m.SchemaVersion == 0 {
		t.Errorf("schema version = %d, want %d", m.SchemaVersion, len(ms))
	}
	copyPath := filepath.Join(out, backup.DBName)
	rows := count(t, copyPath, "SELECT COUNT(*) FROM materials")
	if rows < 400 || rows%2 != 0 {
		t.Errorf("backup holds %d rows, want an even number ≥ 400", rows)
	}
	if n := count(t, copyPath, "SELECT COUNT(*) FROM (SELECT tx FROM materials GROUP BY tx HAVING COUNT(*) <> 2)"); n != 0 {
		t.Errorf("%d transactions are half in the backup", n)
	}
	checkFilesPresent(t, copyPath, m)
	t.Logf("backup: %d rows, %d files; %d uploads committed during Take, %d in all", rows, len(m.Files), during, w.committed.Load())
}

// writers keep uploading into a hall, through its own handle and through a
// second one opened on the same file, as another process would.
type writers struct {
	halt      atomic.Bool
	committed atomic.Int64
	wg        sync.WaitGroup
	errs      chan error
}

// startWriters starts the writers and returns once 200 uploads committed.
func startWriters(t *testing.T, h *hall) *writers {
	t.Helper()
	other, err := db.Open(ctx, db.Config{Path: h.d.Path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	w := &writers{errs: make(chan error, 2)}
	for n, d := range []*db.DB{h.d, other} {
		w.wg.Go(func() {
			for i := 0; !w.halt.Load(); i++ {
				if err := h.upload(d, fmt.Sprintf("w%d/%d", n, i), strings.Repeat("x", i)); err != nil {
					w.errs <- err
					return
				}
				w.committed.Add(1)
			}
		})
	}
	for w.committed.Load() < 200 && len(w.errs) == 0 {
		time.Sleep(time.Millisecond)
	}
	return w
}

// stop halts the writers and fails the test if one of them failed.
func (w *writers) stop(t *testing.T) {
	t.Helper()
	w.halt.Store(true)
	w.wg.Wait()
	close(w.errs)
	for err := range w.errs {
		t.Fatal("writer:", err)
	}
}

// checkFilesPresent checks every file named by the copy's rows is listed in
// the manifest.
func checkFilesPresent(t *testing.T, copyPath string, m backup.Manifest) {
	t.Helper()
	listed := map[string]bool{}
	for _, e := range m.Files {
		listed[e.Path] = true
	}
	d, err := db.Open(ctx, db.Config{Path: copyPath})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	rs, err := d.Query(ctx, "SELECT DISTINCT file FROM materials")
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	for rs.Next() {
		var f string
		if err := rs.Scan(&f); err != nil {
			t.Fatal(err)
		}
		if !listed["files/"+f] {
			t.Fatalf("row refers to files/%s, which the backup lacks", f)
		}
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
}

// Verify names the file that was changed or removed after the backup.
func TestVerifyNamesDamagedFile(t *testing.T) {
	h := newHall(t)
	h.seed(t, 5)
	for _, tc := range []struct {
		name, path string
		damage     func(p string) error
	}{
		{"modified file", "files/s/01/f1", func(p string) error { return os.WriteFile(p, []byte("content 9"), 0o600) }},
		{"grown file", "files/s/02/f2", func(p string) error { return os.WriteFile(p, []byte("content 2!"), 0o600) }},
		{"missing file", "files/s/00/f3", os.Remove},
		{"modified database", backup.DBName, flipLastByte},
		{"missing database", backup.DBName, os.Remove},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, _ := take(t, h)
			if err := tc.damage(filepath.Join(out, filepath.FromSlash(tc.path))); err != nil {
				t.Fatal(err)
			}
			_, err := backup.Verify(out)
			var de *backup.DamageError
			if !errors.As(err, &de) || de.Path != tc.path {
				t.Fatalf("Verify = %v, want a DamageError naming %s", err, tc.path)
			}
			if !strings.Contains(err.Error(), tc.path) {
				t.Errorf("message %q does not name %s", err, tc.path)
			}
		})
	}
}

func flipLastByte(p string) error {
	b, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	b[len(b)-1] ^= 0xff
	return os.WriteFile(p, b, 0o600)
}

// A database copy whose manifest was rewritten to match its damage still
// fails: integrity_check reads the pages themselves.
func TestVerifyRunsIntegrityCheck(t *testing.T) {
	h := newHall(t)
	h.seed(t, 50)
	out, m := take(t, h)
	p := filepath.Join(out, backup.DBName)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	// Scribble over the b-tree pages after the first two (header, schema).
	for i := 2 * 4096; i < len(b); i += 97 {
		b[i] ^= 0x5a
	}
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	m.Database, err = entryOf(p)
	if err != nil {
		t.Fatal(err)
	}
	rewriteManifest(t, out, m)
	_, err = backup.Verify(out)
	var de *backup.DamageError
	if !errors.As(err, &de) || de.Path != backup.DBName {
		t.Fatalf("Verify = %v, want a DamageError naming %s", err, backup.DBName)
	}
}

// Take refuses an output folder that holds anything and leaves it alone;
// an existing empty folder is fine.
func TestTakeRefusesNonEmptyOutDir(t *testing.T) {
	h := newHall(t)
	h.seed(t, 2)
	parent := t.TempDir()
	out := filepath.Join(parent, "bk")
	if err := os.Mkdir(out, 0o750); err != nil {
		t.Fatal(err)
	}
	keep := filepath.Join(out, "notes.txt")
	if err := os.WriteFile(keep, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := backup.Take(ctx, h.d, h.filesDir, out, time.Now())
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("Take into a non-empty folder = %v, want a refusal", err)
	}
	if b, err := os.ReadFile(keep); err != nil || string(b) != "mine" {
		t.Errorf("the folder's file was touched: %q %v", b, err)
	}
	if ents, _ := os.ReadDir(parent); len(ents) != 1 {
		t.Errorf("Take left %d entries next to the folder, want only it", len(ents))
	}
	if err := os.Remove(keep); err != nil {
		t.Fatal(err)
	}
	if _, err := backup.Take(ctx, h.d, h.filesDir, out, time.Now()); err != nil {
		t.Fatalf("Take into an empty folder: %v", err)
	}
	if _, err := backup.Take(ctx, h.d, h.filesDir, filepath.Join(parent, "a\x00b"), time.Now()); err == nil {
		t.Error("Take accepted a folder name with a NUL byte")
	}
}

// Take says to use pg_dump for a PostgreSQL hall.
func TestTakeRefusesPostgres(t *testing.T) {
	d := dbtest.Postgres(t)
	_, err := backup.Take(ctx, d, t.TempDir(), filepath.Join(t.TempDir(), "bk"), time.Now())
	if err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Fatalf("Take of a PostgreSQL hall = %v, want a pointer to pg_dump", err)
	}
}

func entryOf(p string) (backup.Entry, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return backup.Entry{}, err
	}
	s := sha256.Sum256(b)
	return backup.Entry{Path: filepath.Base(p), Size: int64(len(b)), SHA256: hex.EncodeToString(s[:])}, nil
}

func rewriteManifest(t *testing.T, dir string, m backup.Manifest) {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, backup.ManifestName), b, 0o600); err != nil {
		t.Fatal(err)
	}
}
