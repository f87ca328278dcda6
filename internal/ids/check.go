package ids

import (
	"errors"
	"strings"
	"time"
)

// Kinds of value that Check tells apart.
const (
	KindIDNumber   = "id_number"
	KindCreditCode = "credit_code"
	KindLicenceID  = "licence_id"
	KindUnknown    = "unknown"
)

// Result is what Check found out about one value.
type Result struct {
	Kind       string // KindIDNumber, KindCreditCode or KindUnknown
	Valid      bool
	Normalised string // the value as the validator of its kind saw it
	Check      string // the failed check when not Valid ("kind" for KindUnknown)
	Pos        int    // 1-based position the failed check points at, 0 when none
	Warning    string // e.g. "unknown county code 999999"; only for valid values
	// Err is the validator's error (*IDNumberError, *CreditCodeError or
	// *LicenceIDError), for its Key; nil when Valid or for KindUnknown.
	Err error
}

// Check classifies a value of unknown kind, as found in a spreadsheet
// column, and validates it. By shape: a value that starts with the
// e-licence arc 1.2.156.3005.2. is an e-licence identifier; 15 to 20 characters with no letter but
// X are an ID number, with other letters a credit code, anything else
// unknown. An 18-digit value that fails as an ID number but passes as a
// credit code (credit codes may be all digits) is a credit code; one that
// fails both is reported as an ID number, by far the commoner kind.
func Check(value string, now time.Time) Result {
	switch classify(value) {
	case KindIDNumber:
		r := checkIDNumber(value, now)
		if !r.Valid && r.Check != "length" {
			if c := checkCreditCode(value); c.Valid {
				return c
			}
		}
		return r
	case KindCreditCode:
		return checkCreditCode(value)
	case KindLicenceID:
		return checkLicenceID(value)
	}
	return Result{Kind: KindUnknown, Normalised: strings.TrimSpace(value), Check: "kind"}
}

func classify(value string) string {
	n := NormalizeCreditCode(value)
	if strings.HasPrefix(n, LicencePrefix) {
		return KindLicenceID
	}
	r := []rune(n)
	if len(r) < 15 || len(r) > 20 {
		return KindUnknown
	}
	for _, c := range r {
		if c >= 'A' && c <= 'Z' && c != 'X' {
			return KindCreditCode
		}
	}
	return KindIDNumber
}

func checkIDNumber(value string, now time.Time) Result {
	r := Result{Kind: KindIDNumber, Normalised: NormalizeIDNumber(value)}
	id, err := ValidateIDNumber(value, now)
	var e *IDNumberError
	if errors.As(err, &e) {
		r.Check, r.Pos, r.Err = e.Check, e.Pos, err
		return r
	}
	r.Valid = true
	if id.Warning != "" {
		r.Warning = id.Warning + " " + id.Division
	}
	return r
}

func checkCreditCode(value string) Result {
	r := Result{Kind: KindCreditCode, Normalised: NormalizeCreditCode(value)}
	err := ValidateCreditCode(r.Normalised)
	var e *CreditCodeError
	if errors.As(err, &e) {
		r.Check, r.Pos, r.Err = e.Check, e.Pos, err
		return r
	}
	r.Valid = true
	return r
}

func checkLicenceID(value string) Result {
	r := Result{Kind: KindLicenceID, Normalised: NormalizeCreditCode(value)}
	l, err := ParseLicenceID(value)
	var e *LicenceIDError
	if errors.As(err, &e) {
		r.Check, r.Err = e.Reason, err
		return r
	}
	r.Valid, r.Normalised = true, l.String()
	return r
}
