// Package backup owns copies of an embedded (SQLite) hall: taking a
// consistent backup of a running hall — its database and its folder of
// uploaded files — into a self-describing folder with a manifest of SHA-256
// sums, verifying such a folder, restoring it into a data dir, and the
// advisory lock that says a data dir is in use by a govhall process.
//
// A PostgreSQL hall is backed up with PostgreSQL's own tools (pg_dump);
// this package refuses it.
//
// A backup folder looks like this:
//
//	manifest.json   format, creation time, schema version, sizes and sums
//	govhall.db      a self-contained SQLite file (no -wal needed)
//	files/…         the uploaded files, same layout as the data dir's files/
package backup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/govhall/govhall/internal/db"
)

// FormatVersion is the manifest layout this package writes; Verify and
// Restore refuse a newer one rather than guess at it.
const FormatVersion = 1

// Names inside a backup folder and inside a data dir.
const (
	ManifestName = "manifest.json"
	DBName       = "govhall.db"
	FilesDir     = "files"
)

// Manifest describes a backup so that it can be checked without the hall
// that made it: every byte is covered by a size and a SHA-256 sum.
type Manifest struct {
	Format int `json:"format"`
	// Created is when the backup was taken, in UTC.
	Created time.Time `json:"created"`
	// SchemaVersion is the highest applied govhall migration in the copy;
	// a hall older than that cannot open it.
	SchemaVersion int     `json:"schema_version"`
	Database      Entry   `json:"database"`
	Files         []Entry `json:"files"`
}

// Entry is one file of a backup. Path is relative to the backup folder,
// with forward slashes.
type Entry struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Take makes a consistent backup of a running embedded hall into outDir,
// without stopping it: other connections and processes may keep writing.
//
// The database is copied first, with SQLite's VACUUM INTO, which reads one
// snapshot inside a read transaction, so the copy holds every committed
// transaction up to a point and nothing after it. The files folder is copied
// afterwards: files are content-addressed and never change, so every file
// the snapshot refers to is already there; files added meanwhile are
// harmless extras.
//
// outDir must not exist or be empty. The backup is written into a hidden
// sibling folder and renamed into place when complete, so a folder named
// outDir is always a whole backup.
func Take(ctx context.Context, d *db.DB, filesDir, outDir string, now time.Time) (Manifest, error) {
	if d.Engine == db.Postgres {
		return Manifest{}, errors.New("backup of a PostgreSQL hall: use pg_dump (see README)")
	}
	if err := checkOutDir(outDir); err != nil {
		return Manifest{}, err
	}
	parent := filepath.Dir(filepath.Clean(outDir))
	if err := os.MkdirAll(parent, 0o750); err != nil {
		return Manifest{}, fmt.Errorf("backup into %s: create its parent folder: %w", outDir, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(outDir)+".partial-")
	if err != nil {
		return Manifest{}, fmt.Errorf("backup into %s: create a temporary folder next to it: %w", outDir, err)
	}
	m, err := fill(ctx, d, filesDir, tmp, now)
	if err == nil {
		err = publish(tmp, outDir)
	}
	if err != nil {
		os.RemoveAll(tmp)
		return Manifest{}, err
	}
	return m, nil
}

// checkOutDir refuses an outDir that holds anything: a backup never writes
// over another one.
func checkOutDir(outDir string) error {
	if outDir == "" {
		return errors.New("backup: no output folder given")
	}
	if strings.IndexByte(outDir, 0) >= 0 {
		return fmt.Errorf("backup into %q: the folder name contains a NUL byte", outDir)
	}
	fi, err := os.Stat(outDir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("backup into %s: %w", outDir, err)
	case !fi.IsDir():
		return fmt.Errorf("backup into %s: it is a file, not a folder: give a new or empty folder", outDir)
	}
	ents, err := os.ReadDir(outDir)
	if err != nil {
		return fmt.Errorf("backup into %s: %w", outDir, err)
	}
	if len(ents) > 0 {
		return fmt.Errorf("backup into %s: the folder is not empty: give a new or empty folder (a backup never writes over another)", outDir)
	}
	return nil
}

// fill writes the whole backup into the temporary folder tmp.
func fill(ctx context.Context, d *db.DB, filesDir, tmp string, now time.Time) (Manifest, error) {
	m := Manifest{Format: FormatVersion, Created: now.UTC()}
	dbPath := filepath.Join(tmp, DBName)
	if err := snapshotDB(ctx, d, dbPath); err != nil {
		return Manifest{}, err
	}
	v, err := schemaVersion(ctx, dbPath)
	if err != nil {
		return Manifest{}, fmt.Errorf("backup: read the copy's schema version: %w", err)
	}
	m.SchemaVersion = v
	if m.Database, err = syncAndHash(dbPath); err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	m.Database.Path = DBName
	if m.Files, err = copyFilesDir(ctx, filesDir, filepath.Join(tmp, FilesDir)); err != nil {
		return Manifest{}, fmt.Errorf("backup of files folder %s: %w", filesDir, err)
	}
	if err := writeManifest(tmp, m); err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	return m, nil
}

// snapshotDB copies the live database into dst with VACUUM INTO.
//
// It runs on a connection of its own rather than on d's single writer: the
// statement only reads the live database, and on the writer it would hold
// up every write of this process for as long as the copy takes (about
// 0.4 s per 100 MB). The copy is a rollback-journal file, complete by itself.
func snapshotDB(ctx context.Context, d *db.DB, dst string) error {
	abs, err := filepath.Abs(dst)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if strings.IndexByte(abs, 0) >= 0 {
		// SQLite would cut the name at the NUL and write somewhere else.
		return fmt.Errorf("backup into %q: the path contains a NUL byte", abs)
	}
	conn, err := sql.Open("sqlite", db.SQLiteURI(d.Path, "_pragma=busy_timeout(10000)"))
	if err != nil {
		return fmt.Errorf("backup: open %s: %w", d.Path, err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	// The target is a bound parameter, so no quoting is involved; being
	// absolute, it is never read as a file: URI.
	if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", abs); err != nil {
		return fmt.Errorf("backup: copy database %s: %w", d.Path, err)
	}
	return nil
}

// schemaVersion reads the highest applied migration of a database file.
func schemaVersion(ctx context.Context, dbPath string) (int, error) {
	s, err := openReadOnly(dbPath)
	if err != nil {
		return 0, err
	}
	defer s.Close()
	var v int
	err = s.QueryRowContext(ctx, "SELECT COALESCE(MAX(version),0) FROM schema_migrations").Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("%s: %w (is it a govhall database? run govhall migrate)", dbPath, err)
	}
	return v, nil
}

// openReadOnly opens a database file that nothing else writes (a backup
// copy) read-only. immutable=1 keeps SQLite from creating -shm or -journal
// files next to it.
func openReadOnly(dbPath string) (*sql.DB, error) {
	s, err := sql.Open("sqlite", db.SQLiteURI(dbPath, "mode=ro&immutable=1"))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dbPath, err)
	}
	s.SetMaxOpenConns(1)
	return s, nil
}

// copyFilesDir copies every regular file under src into dst and returns
// their entries, with paths starting "files/". A missing src is an empty
// files folder (a hall nobody has uploaded to yet). A file that vanishes
// while the copy runs is skipped: it was never referenced by the snapshot.
func copyFilesDir(ctx context.Context, src, dst string) ([]Entry, error) {
	if err := os.Mkdir(dst, 0o700); err != nil {
		return nil, err
	}
	root, err := filepath.EvalSymlinks(src)
	if errors.Is(err, fs.ErrNotExist) {
		return []Entry{}, nil
	} else if err != nil {
		return nil, err
	}
	entries := []Entry{}
	dirs := []string{dst}
	err = filepath.WalkDir(root, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			if p != root && errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil || rel == "." {
			return err
		}
		out := filepath.Join(dst, rel)
		switch {
		case de.IsDir():
			dirs = append(dirs, out)
			return os.Mkdir(out, 0o700)
		case !de.Type().IsRegular():
			return fmt.Errorf("%s is not a regular file (govhall writes only regular files there): move it out of the folder and try again", p)
		}
		e, err := copyFile(p, out, 0o600)
		if errors.Is(err, errSourceGone) {
			return nil
		} else if err != nil {
			return err
		}
		e.Path = path.Join(FilesDir, filepath.ToSlash(rel))
		entries = append(entries, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return entries, syncDirs(dirs)
}

// publish makes the finished temporary folder the backup. rename(2) replaces
// an empty outDir atomically and fails if something appeared in it.
func publish(tmp, outDir string) error {
	if err := syncDir(tmp); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := syscall.Rename(tmp, outDir); err != nil {
		if errors.Is(err, syscall.ENOTEMPTY) || errors.Is(err, syscall.EEXIST) {
			return fmt.Errorf("backup into %s: something was written into the folder while the backup ran: give a new or empty folder", outDir)
		}
		return fmt.Errorf("backup: move %s to %s: %w", tmp, outDir, err)
	}
	if err := syncDir(filepath.Dir(filepath.Clean(outDir))); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}
