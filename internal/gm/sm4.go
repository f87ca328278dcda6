package gm

import (
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/emmansun/gmsm/sm4"
)

// SM4KeySize is the length of an SM4 key in bytes.
const SM4KeySize = 16

// ErrOpen is the error of a sealed box that was altered, truncated, or
// sealed under another key or additional data.
var ErrOpen = errors.New("SM4-GCM: message authentication failed")

// NewSM4Key makes a random SM4 key.
func NewSM4Key() ([]byte, error) {
	k := make([]byte, SM4KeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("SM4 key: %w", err)
	}
	return k, nil
}

// Seal encrypts and authenticates plaintext with SM4-GCM under key, binding
// aad (e.g. the record's identifier) without encrypting it. The result is
// the random 12-byte nonce followed by ciphertext and tag.
func Seal(key, plaintext, aad []byte) ([]byte, error) {
	g, err := sm4GCM(key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, g.NonceSize(), g.NonceSize()+len(plaintext)+g.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("SM4-GCM nonce: %w", err)
	}
	return g.Seal(nonce, nonce, plaintext, aad), nil
}

// Open reverses Seal; any change to sealed or aad gives ErrOpen.
func Open(key, sealed, aad []byte) ([]byte, error) {
	g, err := sm4GCM(key)
	if err != nil {
		return nil, err
	}
	if len(sealed) < g.NonceSize()+g.Overhead() {
		return nil, ErrOpen
	}
	n := g.NonceSize()
	out, err := g.Open(nil, sealed[:n], sealed[n:], aad)
	if err != nil {
		return nil, ErrOpen
	}
	return out, nil
}

func sm4GCM(key []byte) (cipher.AEAD, error) {
	b, err := sm4.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("SM4 key: %w", err)
	}
	return cipher.NewGCM(b)
}
