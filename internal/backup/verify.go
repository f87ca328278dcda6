package backup

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// DamageError names the file of a backup that is missing or differs from
// the manifest, so an operator knows which copy to distrust.
type DamageError struct {
	Dir string
	// Path is the file's path in the manifest, e.g. "files/ab/cdef…".
	Path    string
	Problem string
}

func (e *DamageError) Error() string {
	return fmt.Sprintf("backup %s is damaged: %s %s: take a new backup or use another copy", e.Dir, e.Path, e.Problem)
}

// Verify re-reads a backup folder and checks every file against the
// manifest (size and SHA-256), then runs SQLite's integrity_check on the
// database copy. The first problem found is returned as a *DamageError.
// Files in the folder that the manifest does not list are ignored (Restore
// ignores them too).
func Verify(dir string) (Manifest, error) {
	m, err := readManifest(dir)
	if err != nil {
		return Manifest{}, err
	}
	for _, e := range append([]Entry{m.Database}, m.Files...) {
		if err := checkEntry(dir, e); err != nil {
			return Manifest{}, err
		}
	}
	if err := checkDatabase(dir, m); err != nil {
		return Manifest{}, err
	}
	return m, nil
}

// readManifest reads and sanity-checks manifest.json. Paths are checked to
// stay inside the backup folder, since Restore writes to them.
func readManifest(dir string) (Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return Manifest{}, fmt.Errorf("%s is not a govhall backup: it has no %s (an interrupted backup leaves a hidden .partial folder instead; take a new one)", dir, ManifestName)
	} else if err != nil {
		return Manifest{}, fmt.Errorf("read backup %s: %w", dir, err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return Manifest{}, &DamageError{Dir: dir, Path: ManifestName, Problem: "is not valid JSON (" + err.Error() + ")"}
	}
	switch {
	case m.Format > FormatVersion:
		return Manifest{}, fmt.Errorf("backup %s has format %d, newer than this govhall understands (%d): use a newer govhall", dir, m.Format, FormatVersion)
	case m.Format < 1:
		return Manifest{}, &DamageError{Dir: dir, Path: ManifestName, Problem: "has no format version"}
	case m.Database.Path != DBName:
		return Manifest{}, &DamageError{Dir: dir, Path: ManifestName, Problem: fmt.Sprintf("names database %q, want %q", m.Database.Path, DBName)}
	}
	seen := make(map[string]bool, len(m.Files))
	for _, e := range m.Files {
		if !strings.HasPrefix(e.Path, FilesDir+"/") || path.Clean(e.Path) != e.Path || !filepath.IsLocal(filepath.FromSlash(e.Path)) {
			return Manifest{}, &DamageError{Dir: dir, Path: ManifestName, Problem: fmt.Sprintf("lists %q, which is not inside %s/", e.Path, FilesDir)}
		}
		if seen[e.Path] {
			return Manifest{}, &DamageError{Dir: dir, Path: ManifestName, Problem: fmt.Sprintf("lists %q twice", e.Path)}
		}
		seen[e.Path] = true
	}
	return m, nil
}

// checkEntry compares one file of the backup with its manifest entry.
func checkEntry(dir string, e Entry) error {
	got, err := hashFile(filepath.Join(dir, filepath.FromSlash(e.Path)))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &DamageError{Dir: dir, Path: e.Path, Problem: "is missing"}
	case err != nil:
		return &DamageError{Dir: dir, Path: e.Path, Problem: "cannot be read (" + err.Error() + ")"}
	case got.Size != e.Size:
		return &DamageError{Dir: dir, Path: e.Path, Problem: fmt.Sprintf("has %d bytes, the manifest says %d", got.Size, e.Size)}
	case got.SHA256 != e.SHA256:
		return &DamageError{Dir: dir, Path: e.Path, Problem: "differs from the manifest (SHA-256 mismatch)"}
	}
	return nil
}

// checkDatabase runs integrity_check on the database copy and checks its
// schema version against the manifest.
func checkDatabase(dir string, m Manifest) error {
	p := filepath.Join(dir, DBName)
	s, err := openReadOnly(p)
	if err != nil {
		return err
	}
	defer s.Close()
	rows, err := s.Query("PRAGMA integrity_check")
	if err != nil {
		return &DamageError{Dir: dir, Path: DBName, Problem: "cannot be opened by SQLite (" + err.Error() + ")"}
	}
	defer rows.Close()
	var problems []string
	for rows.Next() && len(problems) < 5 {
		var line string
		if err := rows.Scan(&line); err != nil {
			return err
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return &DamageError{Dir: dir, Path: DBName, Problem: "fails integrity_check (" + err.Error() + ")"}
	}
	if len(problems) > 0 {
		return &DamageError{Dir: dir, Path: DBName, Problem: "fails integrity_check: " + strings.Join(problems, "; ")}
	}
	rows.Close()
	var v int
	if err := s.QueryRow("SELECT COALESCE(MAX(version),0) FROM schema_migrations").Scan(&v); err != nil {
		return &DamageError{Dir: dir, Path: DBName, Problem: "has no readable schema_migrations (" + err.Error() + ")"}
	}
	if v != m.SchemaVersion {
		return &DamageError{Dir: dir, Path: DBName, Problem: fmt.Sprintf("has schema version %d, the manifest says %d", v, m.SchemaVersion)}
	}
	return nil
}
