//go:build unix

package backup

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// LockName is the lock file a govhall process holds in its data dir.
const LockName = ".lock"

// LockDataDir takes the exclusive advisory lock (flock) on <dataDir>/.lock,
// creating the folder and the file when needed. The server holds it while
// it runs and Restore holds it while it works, so neither can pull a
// database out from under the other. The lock dies with the process, so a
// crash never leaves a stale lock behind; the file itself stays (removing it
// would let two processes lock two different files).
//
// A second caller, in this process or another, gets an error saying the
// data dir is in use. unlock releases the lock; calling it again is harmless.
func LockDataDir(dataDir string) (unlock func() error, err error) {
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("lock data dir %s: %w", dataDir, err)
	}
	p := filepath.Join(dataDir, LockName)
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock data dir %s: %w", dataDir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("data dir %s is in use by another govhall process%s: stop it first, or use another data dir", dataDir, holder(p))
		}
		return nil, fmt.Errorf("lock data dir %s: %w", dataDir, err)
	}
	// The holder's pid, for the message a second caller gets; best effort.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	var once sync.Once
	var uerr error
	return func() error {
		once.Do(func() {
			uerr = errors.Join(syscall.Flock(int(f.Fd()), syscall.LOCK_UN), f.Close())
		})
		return uerr
	}, nil
}

// holder describes the process named in the lock file, if any.
func holder(lockPath string) string {
	b, err := os.ReadFile(lockPath)
	if err != nil {
		return ""
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return ""
	}
	return fmt.Sprintf(" (pid %d)", pid)
}
