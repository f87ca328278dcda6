package backup_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govhall/govhall/internal/backup"
	"github.com/govhall/govhall/internal/db"
)

// contents reads a hall's rows and files into comparable strings.
func contents(t *testing.T, dataDir string) (rows string, files map[string]string) {
	t.Helper()
	rows = queryString(t, filepath.Join(dataDir, backup.DBName),
		"SELECT COALESCE(group_concat(id || ':' || tx || ':' || file, ','), '') FROM (SELECT * FROM materials ORDER BY id)")
	files = map[string]string{}
	root := filepath.Join(dataDir, backup.FilesDir)
	err := filepath.WalkDir(root, func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		files[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows, files
}

func queryString(t *testing.T, path, q string) string {
	t.Helper()
	d, err := db.Open(ctx, db.Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var s string
	if err := d.QueryRow(ctx, q).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func sameFiles(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// Restoring into a new folder gives back the same rows and the same files,
// and leaves no temporary folder behind.
func TestRestoreIntoEmptyDir(t *testing.T) {
	h := newHall(t)
	h.seed(t, 10)
	out, _ := take(t, h)
	wantRows, wantFiles := contents(t, h.dataDir)
	target := filepath.Join(t.TempDir(), "data")
	if _, err := backup.Restore(ctx, out, target, false); err != nil {
		t.Fatal(err)
	}
	gotRows, gotFiles := contents(t, target)
	if gotRows != wantRows || wantRows == "" {
		t.Errorf("restored rows %q, want %q", gotRows, wantRows)
	}
	if !sameFiles(gotFiles, wantFiles) || len(wantFiles) != 10 {
		t.Errorf("restored files %v, want %v", gotFiles, wantFiles)
	}
	ents, _ := os.ReadDir(target)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".restore-") || strings.HasPrefix(e.Name(), "pre-restore-") {
			t.Errorf("restore left %s in the data dir", e.Name())
		}
	}
}

// Over a data dir that holds a hall, Restore refuses without force and
// changes nothing; with force it moves the old hall aside, intact.
func TestRestoreOverExistingHall(t *testing.T) {
	h := newHall(t)
	h.seed(t, 4)
	out, _ := take(t, h)
	wantRows, wantFiles := contents(t, h.dataDir)
	target := t.TempDir()
	if _, err := backup.Restore(ctx, out, target, false); err != nil {
		t.Fatal(err)
	}
	// The restored hall lives on: a new upload the backup does not have.
	later := &hall{dataDir: target, filesDir: filepath.Join(target, backup.FilesDir)}
	d, err := db.Open(ctx, db.Config{Path: filepath.Join(target, backup.DBName)})
	if err != nil {
		t.Fatal(err)
	}
	if err := later.upload(d, "later", "after the backup"); err != nil {
		t.Fatal(err)
	}
	d.Close()
	oldRows, oldFiles := contents(t, target)

	_, err = backup.Restore(ctx, out, target, false)
	if err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("Restore over a hall without force = %v, want a refusal mentioning --force", err)
	}
	if rows, files := contents(t, target); rows != oldRows || !sameFiles(files, oldFiles) {
		t.Fatal("a refused restore changed the data dir")
	}

	if _, err := backup.Restore(ctx, out, target, true); err != nil {
		t.Fatal(err)
	}
	if rows, files := contents(t, target); rows != wantRows || !sameFiles(files, wantFiles) {
		t.Errorf("after a forced restore the data dir holds %q %v, want %q %v", rows, files, wantRows, wantFiles)
	}
	aside, _ := filepath.Glob(filepath.Join(target, "pre-restore-*"))
	if len(aside) != 1 {
		t.Fatalf("pre-restore folders: %v, want one", aside)
	}
	if rows, files := contents(t, aside[0]); rows != oldRows || !sameFiles(files, oldFiles) {
		t.Errorf("the data moved aside is %q %v, want the old hall %q %v", rows, files, oldRows, oldFiles)
	}
}

// A stale -wal/-shm without its database must not be applied to the
// restored one: Restore removes it.
func TestRestoreRemovesStaleWAL(t *testing.T) {
	h := newHall(t)
	h.seed(t, 3)
	out, _ := take(t, h)
	wantRows, _ := contents(t, h.dataDir)
	target := t.TempDir()
	for _, n := range []string{backup.DBName + "-wal", backup.DBName + "-shm"} {
		if err := os.WriteFile(filepath.Join(target, n), []byte(strings.Repeat("junk", 2000)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := backup.Restore(ctx, out, target, false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(target, backup.DBName+"-wal")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stale -wal still there (%v)", err)
	}
	if rows, _ := contents(t, target); rows != wantRows {
		t.Errorf("restored rows %q, want %q", rows, wantRows)
	}
	if ok := queryString(t, filepath.Join(target, backup.DBName), "PRAGMA integrity_check"); ok != "ok" {
		t.Errorf("integrity_check of the restored database: %s", ok)
	}
}

// While a server holds the data dir's lock, Restore refuses and says why;
// once the lock is released it works, and it releases the lock itself.
func TestRestoreRefusesWhileLocked(t *testing.T) {
	h := newHall(t)
	h.seed(t, 2)
	out, _ := take(t, h)
	target := t.TempDir()
	unlock, err := backup.LockDataDir(target)
	if err != nil {
		t.Fatal(err)
	}
	const inUse = "is in use by another govhall process"
	if _, err := backup.Restore(ctx, out, target, true); err == nil || !strings.Contains(err.Error(), inUse) {
		t.Fatalf("Restore while locked = %v, want %q", err, inUse)
	}
	if _, err := backup.LockDataDir(target); err == nil || !strings.Contains(err.Error(), inUse) {
		t.Fatalf("second LockDataDir = %v, want %q", err, inUse)
	}
	if _, err := os.Stat(filepath.Join(target, backup.DBName)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("a refused restore wrote a database")
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	if err := unlock(); err != nil {
		t.Fatalf("second unlock: %v", err)
	}
	if _, err := backup.Restore(ctx, out, target, false); err != nil {
		t.Fatal(err)
	}
	unlock, err = backup.LockDataDir(target)
	if err != nil {
		t.Fatalf("the lock is still held after Restore: %v", err)
	}
	unlock()
}

// A damaged backup is refused before anything is written.
func TestRestoreRefusesDamagedBackup(t *testing.T) {
	h := newHall(t)
	h.seed(t, 3)
	out, m := take(t, h)
	victim := m.Files[1].Path
	if err := os.WriteFile(filepath.Join(out, filepath.FromSlash(victim)), []byte("evil"), 0o600); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "data")
	_, err := backup.Restore(ctx, out, target, false)
	if err == nil || !strings.Contains(err.Error(), victim) {
		t.Fatalf("Restore of a damaged backup = %v, want it to name %s", err, victim)
	}
	if _, err := os.Stat(target); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a refused restore created %s", target)
	}
}
