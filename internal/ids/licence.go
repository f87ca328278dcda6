package ids

import (
	"errors"
	"strings"
)

// LicencePrefix is the object identifier arc under which every national
// electronic licence identifier sits.
const LicencePrefix = "1.2.156.3005.2."

// Reasons a LicenceIDError gives, in the order ParseLicenceID checks them.
const (
	LicenceFormat     = "format"      // not the prefix, or not five dot-separated fields after it
	LicenceTypeCode   = "type_code"   // not a valid credit code + 3 digits
	LicenceIssuerCode = "issuer_code" // not a valid credit code
	LicenceSerial     = "serial"      // not 1-32 characters of 0-9A-Z
	LicenceVersion    = "version"     // not 3 digits
	LicenceCheck      = "check"       // the MOD 37,36 check character does not match
)

// LicenceID is an electronic licence identifier taken apart (the check
// character is implied: String computes it).
type LicenceID struct {
	TypeCode   string // defining ministry's credit code + 3 digits, 21 characters
	IssuerCode string // issuing department's credit code, 18 characters
	Serial     string // 1-32 characters of 0-9A-Z, unique per type and issuer
	Version    string // 3 digits
}

// String is the identifier in its canonical form, check character included.
func (l LicenceID) String() string {
	body := l.TypeCode + l.IssuerCode + l.Serial + l.Version
	return LicencePrefix + l.TypeCode + "." + l.IssuerCode + "." + l.Serial + "." + l.Version +
		"." + string(LicenceCheckChar(body))
}

// LicenceIDError says which part of an electronic licence identifier is
// wrong.
type LicenceIDError struct {
	Reason string // one of the Licence* reason constants
}

func (e *LicenceIDError) Error() string {
	return "e-licence identifier: invalid " + strings.ReplaceAll(e.Reason, "_", " ")
}

// Key is the i18n message key that tells a person what to fix, so services
// can return errs.Field(field, e.Key(), nil).
func (e *LicenceIDError) Key() string { return "ids.licence." + e.Reason }

// MakeLicenceID validates the four parts and returns the identifier with its
// check character appended.
func MakeLicenceID(typeCode, issuerCode, serial, version string) (string, error) {
	l := LicenceID{TypeCode: typeCode, IssuerCode: issuerCode, Serial: serial, Version: version}
	if err := l.validate(); err != nil {
		return "", err
	}
	return l.String(), nil
}

// ParseLicenceID takes an identifier apart and checks every part and the
// check character. It trims spaces and accepts full-width and lower-case
// characters (as pasted from office documents); LicenceID.String gives the
// canonical form.
func ParseLicenceID(s string) (LicenceID, error) {
	s = NormalizeCreditCode(s)
	rest, ok := strings.CutPrefix(s, LicencePrefix)
	if !ok {
		return LicenceID{}, &LicenceIDError{Reason: LicenceFormat}
	}
	f := strings.Split(rest, ".")
	if len(f) != 5 || len(f[4]) != 1 {
		return LicenceID{}, &LicenceIDError{Reason: LicenceFormat}
	}
	l := LicenceID{TypeCode: f[0], IssuerCode: f[1], Serial: f[2], Version: f[3]}
	if err := l.validate(); err != nil {
		return LicenceID{}, err
	}
	if LicenceCheckChar(f[0]+f[1]+f[2]+f[3]) != f[4][0] {
		return LicenceID{}, &LicenceIDError{Reason: LicenceCheck}
	}
	return l, nil
}

func (l LicenceID) validate() error {
	switch {
	case len(l.TypeCode) != 21 || ValidateCreditCode(l.TypeCode[:18]) != nil || !allDigits(l.TypeCode[18:]):
		return &LicenceIDError{Reason: LicenceTypeCode}
	case ValidateCreditCode(l.IssuerCode) != nil:
		return &LicenceIDError{Reason: LicenceIssuerCode}
	case len(l.Serial) < 1 || len(l.Serial) > 32 || !alnumUpper(l.Serial):
		return &LicenceIDError{Reason: LicenceSerial}
	case len(l.Version) != 3 || !allDigits(l.Version):
		return &LicenceIDError{Reason: LicenceVersion}
	}
	return nil
}

// LicenceCheckChar is ISO 7064 MOD 37,36 (the hybrid system with M = 36)
// over s, whose characters are digits (values 0-9) and upper-case letters
// (10-35); any other byte counts as 0, so callers validate first. The
// result is one of 0-9A-Z.
func LicenceCheckChar(s string) byte {
	const m = 36
	p := m
	for i := 0; i < len(s); i++ {
		t := (p + alnumValue(s[i])) % m
		if t == 0 {
			t = m
		}
		p = 2 * t % (m + 1)
	}
	return alnumChars[(m+1-p)%m]
}

const alnumChars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

func alnumValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return 0
}

func alnumUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// IsLicenceIDError reports whether err is a malformed-identifier error, so
// callers can tell "no such licence" from "not an identifier".
func IsLicenceIDError(err error) bool {
	var e *LicenceIDError
	return errors.As(err, &e)
}
