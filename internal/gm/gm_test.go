package gm

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm4"
)

func mustKey(t testing.TB) *PrivateKey {
	t.Helper()
	k, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSignVerify(t *testing.T) {
	k, other := mustKey(t), mustKey(t)
	msg := []byte(`{"holder":"李想","type":"出生医学证明"}`)
	sig, err := Sign(k, msg)
	if err != nil {
		t.Fatal(err)
	}
	if !Verify(k.Public(), msg, sig) {
		t.Fatal("a fresh signature does not verify")
	}
	for i := 0; i < len(msg)*8; i += 7 {
		flipped := bytes.Clone(msg)
		flipped[i/8] ^= 1 << (i % 8)
		if Verify(k.Public(), flipped, sig) {
			t.Fatalf("message with bit %d flipped still verifies", i)
		}
	}
	for i := 0; i < len(sig)*8; i += 5 {
		bad := bytes.Clone(sig)
		bad[i/8] ^= 1 << (i % 8)
		if Verify(k.Public(), msg, bad) {
			t.Fatalf("signature with bit %d flipped still verifies", i)
		}
	}
	if Verify(other.Public(), msg, sig) {
		t.Fatal("another key's public key accepts the signature")
	}
	if Verify(k.Public(), msg, nil) || Verify(nil, msg, sig) {
		t.Fatal("an empty signature or key verifies")
	}
}

// The signature follows GB/T 32918.2 with the standard user ID, so any
// conforming verifier that passes that ID explicitly accepts it.
func TestSignUsesTheStandardUserID(t *testing.T) {
	k := mustKey(t)
	msg := []byte("e-licence")
	sig, err := Sign(k, msg)
	if err != nil {
		t.Fatal(err)
	}
	if !sm2.VerifyASN1WithSM2(k.Public().k, []byte("1234567812345678"), msg, sig) {
		t.Fatal("not verifiable with the explicit default user ID")
	}
	if sm2.VerifyASN1WithSM2(k.Public().k, []byte("another-user-id"), msg, sig) {
		t.Fatal("verifiable with another user ID")
	}
}

func TestPEMRoundTrip(t *testing.T) {
	k := mustKey(t)
	privPEM, err := MarshalPrivateKeyPEM(k)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(privPEM), "-----BEGIN PRIVATE KEY-----") {
		t.Fatalf("not PKCS#8 PEM:\n%s", privPEM)
	}
	back, err := ParsePrivateKeyPEM(privPEM)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM, err := MarshalPublicKeyPEM(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ParsePublicKeyPEM(pubPEM)
	if err != nil {
		t.Fatal(err)
	}
	if !pub.Equal(k.Public()) || !back.Public().Equal(k.Public()) {
		t.Fatal("keys changed in the round trip")
	}
	sig, _ := Sign(back, []byte("x"))
	if !Verify(pub, []byte("x"), sig) {
		t.Fatal("the parsed private key signs what the parsed public key does not accept")
	}
	id1, _ := KeyID(k.Public())
	id2, _ := KeyID(pub)
	id3, _ := KeyID(mustKey(t).Public())
	if len(id1) != 64 || id1 != id2 || id1 == id3 {
		t.Fatalf("key ids %s %s %s", id1, id2, id3)
	}
}

func TestParsePEMRefusesOtherContent(t *testing.T) {
	k := mustKey(t)
	privPEM, _ := MarshalPrivateKeyPEM(k)
	pubPEM, _ := MarshalPublicKeyPEM(k.Public())
	for name, b := range map[string][]byte{
		"empty":             nil,
		"text":              []byte("not a key"),
		"public as private": pubPEM,
		"truncated":         privPEM[:len(privPEM)/2],
		"garbage body":      []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
	} {
		if _, err := ParsePrivateKeyPEM(b); err == nil {
			t.Errorf("private key from %s accepted", name)
		}
	}
	if _, err := ParsePublicKeyPEM(privPEM); err == nil {
		t.Error("a private key PEM accepted as public key")
	}
}

func TestSM3KnownAnswer(t *testing.T) {
	// GB/T 32905-2016, appendix A, example 1.
	const want = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
	if got := hex.EncodeToString(SM3([]byte("abc"))); got != want {
		t.Fatalf("SM3(abc) = %s, want %s", got, want)
	}
}

func TestSM4KnownAnswer(t *testing.T) {
	// GB/T 32907-2016, appendix A, example 1.
	key, _ := hex.DecodeString("0123456789abcdeffedcba9876543210")
	b, err := sm4.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]byte, 16)
	b.Encrypt(out, key)
	if got := hex.EncodeToString(out); got != "681edf34d206965e86b3e94f536e4246" {
		t.Fatalf("SM4 block = %s", got)
	}
}

func TestSealOpen(t *testing.T) {
	key, err := NewSM4Key()
	if err != nil {
		t.Fatal(err)
	}
	other, _ := NewSM4Key()
	msg := []byte("341602198807150036")
	sealed, err := Seal(key, msg, []byte("row-1"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, msg) {
		t.Fatal("the plaintext is visible in the sealed box")
	}
	again, _ := Seal(key, msg, []byte("row-1"))
	if bytes.Equal(sealed, again) {
		t.Fatal("two seals of the same message are identical: the nonce is not random")
	}
	if got, err := Open(key, sealed, []byte("row-1")); err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("open: %q %v", got, err)
	}
	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-1] ^= 1
	for name, try := range map[string]func() ([]byte, error){
		"tampered":  func() ([]byte, error) { return Open(key, tampered, []byte("row-1")) },
		"other aad": func() ([]byte, error) { return Open(key, sealed, []byte("row-2")) },
		"other key": func() ([]byte, error) { return Open(other, sealed, []byte("row-1")) },
		"truncated": func() ([]byte, error) { return Open(key, sealed[:10], []byte("row-1")) },
	} {
		if _, err := try(); !errors.Is(err, ErrOpen) {
			t.Errorf("%s: %v, want ErrOpen", name, err)
		}
	}
	if _, err := Seal([]byte("short"), msg, nil); err == nil {
		t.Error("a 5-byte key accepted")
	}
}

func BenchmarkSign(b *testing.B) {
	k := mustKey(b)
	msg := bytes.Repeat([]byte("x"), 1024)
	for b.Loop() {
		if _, err := Sign(k, msg); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	k := mustKey(b)
	msg := bytes.Repeat([]byte("x"), 1024)
	sig, _ := Sign(k, msg)
	for b.Loop() {
		if !Verify(k.Public(), msg, sig) {
			b.Fatal("does not verify")
		}
	}
}
