package gm

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// LoadOrCreateKeyFile reads the SM2 private key kept as PKCS#8 PEM at path,
// or, when there is no file, generates one and writes it with mode 0600 (its
// folder 0700). created reports a new key. A file that exists but is not an
// SM2 key is an error, never silently replaced: licences signed with it
// would otherwise become unverifiable.
func LoadOrCreateKeyFile(path string) (key *PrivateKey, created bool, err error) {
	b, err := os.ReadFile(path)
	if err == nil {
		k, err := ParsePrivateKeyPEM(b)
		if err != nil {
			return nil, false, fmt.Errorf("key file %s: %w", path, err)
		}
		return k, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, fmt.Errorf("key file: %w", err)
	}
	k, err := GenerateKey()
	if err != nil {
		return nil, false, err
	}
	pemBytes, err := MarshalPrivateKeyPEM(k)
	if err != nil {
		return nil, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, fmt.Errorf("key file: %w", err)
	}
	// O_EXCL: two processes starting at once do not overwrite each other's
	// key; the loser reads the winner's.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadOrCreateKeyFile(path)
	} else if err != nil {
		return nil, false, fmt.Errorf("key file: %w", err)
	}
	_, werr := f.Write(pemBytes)
	if serr := f.Sync(); werr == nil {
		werr = serr
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(path)
		return nil, false, fmt.Errorf("write key file %s: %w", path, werr)
	}
	return k, true, nil
}
