//go:build !unix

package backup

import "fmt"

// LockName is the lock file a govhall process holds in its data dir.
const LockName = ".lock"

// LockDataDir is only implemented on Unix systems, where govhall runs.
func LockDataDir(dataDir string) (unlock func() error, err error) {
	return nil, fmt.Errorf("lock data dir %s: advisory locks are only implemented on Unix systems", dataDir)
}
