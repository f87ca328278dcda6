package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Restore puts a backup back into a data dir: the database becomes
// dataDir/govhall.db and the files dataDir/files/.
//
// It verifies the backup first and holds the data dir's lock throughout, so
// it refuses while a server uses the data dir. A data dir that already holds
// a hall is refused unless force; then the old database (with its -wal and
// -shm) and files are moved aside into dataDir/pre-restore-<time>/, never
// deleted. Everything is copied into a hidden folder inside dataDir first
// and renamed into place at the end; if a rename fails, the earlier ones are
// undone, so the data dir holds either the old hall or the restored one.
func Restore(ctx context.Context, backupDir, dataDir string, force bool) (Manifest, error) {
	m, err := Verify(backupDir)
	if err != nil {
		return Manifest{}, fmt.Errorf("restore (nothing was changed): %w", err)
	}
	unlock, err := LockDataDir(dataDir)
	if err != nil {
		return Manifest{}, fmt.Errorf("restore: %w", err)
	}
	defer unlock()
	held, err := holdsHall(dataDir)
	if err != nil {
		return Manifest{}, fmt.Errorf("restore into %s: %w", dataDir, err)
	}
	if held && !force {
		return Manifest{}, fmt.Errorf("restore into %s: it already holds a hall (%s or a non-empty %s/): restore into a new folder, or use --force to move the current data aside into %s", dataDir, DBName, FilesDir, filepath.Join(dataDir, "pre-restore-<time>"))
	}
	stage, err := os.MkdirTemp(dataDir, ".restore-")
	if err != nil {
		return Manifest{}, fmt.Errorf("restore into %s: %w", dataDir, err)
	}
	defer os.RemoveAll(stage)
	if err := stageBackup(ctx, backupDir, stage, m); err != nil {
		return Manifest{}, fmt.Errorf("restore into %s (nothing was changed): %w", dataDir, err)
	}
	if err := swapIn(dataDir, stage, time.Now()); err != nil {
		return Manifest{}, fmt.Errorf("restore into %s: %w", dataDir, err)
	}
	return m, nil
}

// oldNames are what a hall keeps in its data dir and a restore replaces.
var oldNames = []string{DBName, DBName + "-wal", DBName + "-shm", DBName + "-journal", FilesDir}

// holdsHall reports whether dataDir has a database or any uploaded file.
func holdsHall(dataDir string) (bool, error) {
	if _, err := os.Lstat(filepath.Join(dataDir, DBName)); err == nil {
		return true, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	f, err := os.Open(filepath.Join(dataDir, FilesDir))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	defer f.Close()
	names, err := f.Readdirnames(1)
	return len(names) > 0, ignoreEOF(err)
}

// stageBackup copies the backup's files into stage, checking each against
// the manifest again (the backup could change after Verify).
func stageBackup(ctx context.Context, backupDir, stage string, m Manifest) error {
	dirs := map[string]bool{stage: true}
	for _, e := range append([]Entry{m.Database}, m.Files...) {
		if err := ctx.Err(); err != nil {
			return err
		}
		dst := filepath.Join(stage, filepath.FromSlash(e.Path))
		if dir := filepath.Dir(dst); !dirs[dir] {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return err
			}
			dirs[dir] = true
		}
		got, err := copyFile(filepath.Join(backupDir, filepath.FromSlash(e.Path)), dst, 0o640)
		if errors.Is(err, errSourceGone) {
			return &DamageError{Dir: backupDir, Path: e.Path, Problem: "disappeared while it was being restored"}
		} else if err != nil {
			return err
		}
		if got.Size != e.Size || got.SHA256 != e.SHA256 {
			return &DamageError{Dir: backupDir, Path: e.Path, Problem: "changed while it was being restored"}
		}
	}
	if err := os.MkdirAll(filepath.Join(stage, FilesDir), 0o750); err != nil {
		return err
	}
	dirs[filepath.Join(stage, FilesDir)] = true
	list := make([]string, 0, len(dirs))
	for d := range dirs {
		list = append(list, d)
	}
	return syncDirs(list)
}

// renames records the renames of a restore so a failure can undo them.
type renames [][2]string

func (r *renames) do(from, to string) error {
	if err := os.Rename(from, to); err != nil {
		return err
	}
	*r = append(*r, [2]string{from, to})
	return nil
}

func (r renames) undo() error {
	for i := len(r) - 1; i >= 0; i-- {
		if err := os.Rename(r[i][1], r[i][0]); err != nil {
			return err
		}
	}
	return nil
}

// swapIn moves the old hall aside (or removes the leftovers of one that
// has no database) and renames the staged database and files into place:
// the files first, the database last, since a govhall.db is what makes a
// data dir look like a hall.
func swapIn(dataDir, stage string, now time.Time) error {
	var done renames
	aside, err := clearOld(dataDir, now, &done)
	if err == nil {
		err = done.do(filepath.Join(stage, FilesDir), filepath.Join(dataDir, FilesDir))
	}
	if err == nil {
		err = done.do(filepath.Join(stage, DBName), filepath.Join(dataDir, DBName))
	}
	if err == nil {
		err = syncDir(dataDir)
	}
	if err == nil && aside != "" {
		err = syncDir(aside)
	}
	if err == nil {
		return nil
	}
	if uerr := done.undo(); uerr != nil {
		where := "there was no previous data: run the restore again with --force"
		if aside != "" {
			where = "the previous data is in " + aside + ": move it back by hand"
		}
		return fmt.Errorf("%w; undoing the restore failed too (%v): %s", err, uerr, where)
	}
	if aside != "" {
		os.Remove(aside) // empty again after the undo
	}
	return fmt.Errorf("%w (the data dir was left as it was)", err)
}

// clearOld empties the places the restore will fill. With an old database,
// it and everything else of the old hall go into a new pre-restore folder,
// whose path it returns. Without one, a stale -wal/-shm/-journal is only
// junk that SQLite would wrongly apply to the restored database: it is
// removed, as is an empty files folder.
func clearOld(dataDir string, now time.Time, done *renames) (string, error) {
	var present []string
	for _, n := range oldNames {
		if _, err := os.Lstat(filepath.Join(dataDir, n)); err == nil {
			present = append(present, n)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
	}
	held, err := holdsHall(dataDir)
	if err != nil || len(present) == 0 {
		return "", err
	}
	if !held {
		for _, n := range present {
			if err := os.Remove(filepath.Join(dataDir, n)); err != nil {
				return "", fmt.Errorf("remove stale %s: %w", n, err)
			}
		}
		return "", nil
	}
	aside, err := makeAsideDir(dataDir, now)
	if err != nil {
		return "", err
	}
	for _, n := range present {
		if err := done.do(filepath.Join(dataDir, n), filepath.Join(aside, n)); err != nil {
			return aside, fmt.Errorf("move %s aside: %w", n, err)
		}
	}
	return aside, nil
}

// makeAsideDir creates dataDir/pre-restore-<UTC time>, adding a counter if
// a restore in the same second already made one.
func makeAsideDir(dataDir string, now time.Time) (string, error) {
	base := filepath.Join(dataDir, "pre-restore-"+now.UTC().Format("20060102T150405Z"))
	p := base
	for i := 2; ; i++ {
		err := os.Mkdir(p, 0o750)
		if err == nil {
			return p, nil
		}
		if !errors.Is(err, fs.ErrExist) || i > 100 {
			return "", fmt.Errorf("create %s: %w", p, err)
		}
		p = fmt.Sprintf("%s-%d", base, i)
	}
}

func ignoreEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}
