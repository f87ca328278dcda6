// Package gm owns the national (GM/T) cryptography of the hall: SM2
// signatures (GB/T 32918) with SM3 digests and the standard default user ID,
// SM3 hashing (GB/T 32905), SM4-GCM encryption (GB/T 32907), and the PEM
// forms in which SM2 keys are kept on disk and in the database. It wraps
// github.com/emmansun/gmsm so that no other package needs to know its API.
package gm

import (
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/smx509"
)

// PrivateKey is an SM2 signing key.
type PrivateKey struct{ k *sm2.PrivateKey }

// PublicKey is an SM2 verification key.
type PublicKey struct{ k *ecdsa.PublicKey }

// GenerateKey makes a new SM2 key pair from the system's secure random
// source.
func GenerateKey() (*PrivateKey, error) {
	k, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate SM2 key: %w", err)
	}
	return &PrivateKey{k}, nil
}

// Public is the key that verifies this key's signatures.
func (p *PrivateKey) Public() *PublicKey { return &PublicKey{&p.k.PublicKey} }

// Equal reports whether two public keys are the same point.
func (p *PublicKey) Equal(q *PublicKey) bool { return q != nil && p.k.Equal(q.k) }

// Sign signs msg with SM2: the digest is SM3 over Z_A (from the default user
// ID 1234567812345678 and the public key) followed by msg, as GB/T 32918.2
// specifies. The signature is ASN.1 DER (r, s).
func Sign(priv *PrivateKey, msg []byte) ([]byte, error) {
	sig, err := priv.k.Sign(rand.Reader, msg, sm2.DefaultSM2SignerOpts)
	if err != nil {
		return nil, fmt.Errorf("SM2 sign: %w", err)
	}
	return sig, nil
}

// Verify reports whether sig is pub's SM2 signature of msg (default user
// ID). A malformed signature is simply not valid.
func Verify(pub *PublicKey, msg, sig []byte) bool {
	if pub == nil || pub.k == nil {
		return false
	}
	return sm2.VerifyASN1WithSM2(pub.k, nil, msg, sig)
}

// SM3 is the 32-byte SM3 digest of data.
func SM3(data []byte) []byte {
	d := sm3.Sum(data)
	return d[:]
}

// KeyID names a public key: the lower-case hex of SM3 over its PKIX DER
// encoding (the bytes inside its PEM block), so anyone holding the PEM can
// recompute it.
func KeyID(pub *PublicKey) (string, error) {
	der, err := smx509.MarshalPKIXPublicKey(pub.k)
	if err != nil {
		return "", fmt.Errorf("encode SM2 public key: %w", err)
	}
	return hex.EncodeToString(SM3(der)), nil
}

const (
	privatePEMType = "PRIVATE KEY"
	publicPEMType  = "PUBLIC KEY"
)

// MarshalPrivateKeyPEM encodes the key as a PKCS#8 "PRIVATE KEY" PEM block,
// the form OpenSSL/Tongsuo and gmssl tools read.
func MarshalPrivateKeyPEM(priv *PrivateKey) ([]byte, error) {
	der, err := smx509.MarshalPKCS8PrivateKey(priv.k)
	if err != nil {
		return nil, fmt.Errorf("encode SM2 private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: privatePEMType, Bytes: der}), nil
}

// ParsePrivateKeyPEM reads a PKCS#8 PEM block holding an SM2 key; any other
// content, or a key of another algorithm, is an error.
func ParsePrivateKeyPEM(b []byte) (*PrivateKey, error) {
	block, _ := pem.Decode(b)
	if block == nil || block.Type != privatePEMType {
		return nil, errors.New("SM2 private key: no PRIVATE KEY PEM block")
	}
	k, err := smx509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("SM2 private key: %w", err)
	}
	sk, ok := k.(*sm2.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("SM2 private key: the PEM holds a %T", k)
	}
	return &PrivateKey{sk}, nil
}

// MarshalPublicKeyPEM encodes the key as a PKIX "PUBLIC KEY" PEM block.
func MarshalPublicKeyPEM(pub *PublicKey) ([]byte, error) {
	der, err := smx509.MarshalPKIXPublicKey(pub.k)
	if err != nil {
		return nil, fmt.Errorf("encode SM2 public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: publicPEMType, Bytes: der}), nil
}

// ParsePublicKeyPEM reads a PKIX PEM block holding an SM2 public key.
func ParsePublicKeyPEM(b []byte) (*PublicKey, error) {
	block, _ := pem.Decode(b)
	if block == nil || block.Type != publicPEMType {
		return nil, errors.New("SM2 public key: no PUBLIC KEY PEM block")
	}
	k, err := smx509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("SM2 public key: %w", err)
	}
	pk, ok := k.(*ecdsa.PublicKey)
	if !ok || !sm2.IsSM2PublicKey(pk) {
		return nil, fmt.Errorf("SM2 public key: the PEM holds a %T that is not an SM2 key", k)
	}
	return &PublicKey{pk}, nil
}
