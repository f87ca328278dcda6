package gm

import (
	"os"
	"path/filepath"
	"testing"
)

// The first start creates a key readable by the hall's user only; the next
// start signs with the same key.
func TestLoadOrCreateKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "licence-sm2.pem")
	k1, created, err := LoadOrCreateKeyFile(path)
	if err != nil || !created {
		t.Fatalf("first start: %v, created %v", err, created)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v (%v), want 0600", st.Mode().Perm(), err)
	}
	k2, created, err := LoadOrCreateKeyFile(path)
	if err != nil || created || !k2.Public().Equal(k1.Public()) {
		t.Fatalf("second start: %v, created %v, same key %v", err, created, k2.Public().Equal(k1.Public()))
	}
}

func TestLoadOrCreateKeyFileRefusesAnotherFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "licence-sm2.pem")
	if err := os.WriteFile(path, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadOrCreateKeyFile(path); err == nil {
		t.Fatal("a file that is not a key was accepted")
	}
	if b, _ := os.ReadFile(path); string(b) != "not a key" {
		t.Fatal("the file was overwritten")
	}
}
