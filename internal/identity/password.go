package identity

import (
	"bufio"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/govhall/govhall/internal/errs"
)

// Argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes, 1
// lane). They are stored in every hash, so raising them later re-hashes
// nobody's password by force: old hashes still verify.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// MinPasswordLen is the shortest password accepted (NIST SP 800-63B: at
// least 8, no composition rules, no forced rotation, but a check against
// passwords known to be common).
const MinPasswordLen = 8

//go:embed common-passwords.txt
var commonPasswordList string

var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(commonPasswordList))
	for sc.Scan() {
		if p := strings.TrimSpace(sc.Text()); p != "" && !strings.HasPrefix(p, "#") {
			m[strings.ToLower(p)] = true
		}
	}
	return m
}()

// CheckPassword applies the password rules and names the one that failed.
func CheckPassword(field, pw string, personal ...string) error {
	if utf8.RuneCountInString(pw) < MinPasswordLen {
		return errs.Field(field, "identity.error.password_short", map[string]any{"min": MinPasswordLen})
	}
	if len(pw) > 256 {
		return errs.Field(field, "identity.error.password_long", nil)
	}
	lower := strings.ToLower(pw)
	if commonPasswords[lower] || repetitive(lower) {
		return errs.Field(field, "identity.error.password_common", nil)
	}
	for _, p := range personal {
		if p != "" && strings.Contains(lower, strings.ToLower(p)) {
			return errs.Field(field, "identity.error.password_personal", nil)
		}
	}
	return nil
}

// repetitive catches one repeated character and runs like 12345678 or
// 87654321, which no list can hold in every length.
func repetitive(pw string) bool {
	up, down, same := true, true, true
	for i := 1; i < len(pw); i++ {
		d := int(pw[i]) - int(pw[i-1])
		up = up && d == 1
		down = down && d == -1
		same = same && d == 0
	}
	return up || down || same
}

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether pw matches hash, in constant time.
func VerifyPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 || m > 1<<21 {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	key, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(key) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

// dummyHash is verified against when a login names no account, so that an
// unknown login takes as long as a wrong password and reveals nothing.
var dummyHash, _ = HashPassword("not a password of anyone")
