package backup

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// errSourceGone says the file to copy no longer exists.
var errSourceGone = errors.New("source file vanished")

// copyFile copies src to a new file dst (which must not exist), syncs it,
// and returns its size and SHA-256 sum; the caller fills in Path.
func copyFile(src, dst string, perm fs.FileMode) (Entry, error) {
	in, err := os.Open(src)
	if errors.Is(err, fs.ErrNotExist) {
		return Entry{}, errSourceGone
	} else if err != nil {
		return Entry{}, err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return Entry{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Entry{}, fmt.Errorf("copy %s to %s: %w", src, dst, err)
	}
	return Entry{Size: n, SHA256: sum(h)}, nil
}

// syncAndHash flushes a file that was just written to disk and returns its
// size and SHA-256 sum.
func syncAndHash(p string) (Entry, error) {
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		return Entry{}, err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return Entry{}, fmt.Errorf("sync %s: %w", p, err)
	}
	return hashReader(f)
}

// hashFile returns the size and SHA-256 sum of a file.
func hashFile(p string) (Entry, error) {
	f, err := os.Open(p)
	if err != nil {
		return Entry{}, err
	}
	defer f.Close()
	return hashReader(f)
}

func hashReader(r io.Reader) (Entry, error) {
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return Entry{}, err
	}
	return Entry{Size: n, SHA256: sum(h)}, nil
}

func sum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

// syncDir flushes a folder's entries (new names, renames) to disk.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	return nil
}

func syncDirs(dirs []string) error {
	for _, d := range dirs {
		if err := syncDir(d); err != nil {
			return err
		}
	}
	return nil
}

// writeManifest writes manifest.json into dir and syncs it.
func writeManifest(dir string, m Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	p := filepath.Join(dir, ManifestName)
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(append(b, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	return nil
}
