// Package ids owns the identifiers of the field and how they are shown:
// citizen ID numbers (GB 11643) and unified social credit codes (GB 32100)
// are normalised, validated (an error names the check that failed and its
// message key) and generated here; Check classifies a value of unknown kind;
// the Mask functions hide ID numbers, phone numbers and names for display and
// logs. Electronic licence identifiers (1.2.156.3005.2.…, check character ISO
// 7064 MOD 37,36) are built and parsed here too; case numbers join as their
// issue lands.
package ids

import (
	"errors"
	"fmt"
	"strings"
)

// creditAlphabet is GB 32100's character set; a character's value is its index.
const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// CreditCodeError says which check of GB 32100 a value failed.
type CreditCodeError struct {
	Check string // "length", "characters", "organisation code", "check character"
	Pos   int    // 1-based position of the offending character, when there is one
}

func (e *CreditCodeError) Error() string {
	if e.Pos > 0 {
		return fmt.Sprintf("credit code: %s check failed at position %d", e.Check, e.Pos)
	}
	return "credit code: " + e.Check + " check failed"
}

// Key is the i18n message key that tells a person what to fix, so services
// can return errs.Field(field, e.Key(), nil).
func (e *CreditCodeError) Key() string {
	return "ids.error.credit_code." + strings.ReplaceAll(e.Check, " ", "_")
}

// CreditCodeKey is the i18n key that tells a person what to fix in a code
// ValidateCreditCode refused with err: its failed check's key, or
// "error.invalid" for an error of another kind (which it does not return
// today), so that no caller takes such an error for a valid code.
func CreditCodeKey(err error) string {
	var e *CreditCodeError
	if errors.As(err, &e) {
		return e.Key()
	}
	return "error.invalid"
}

// NormalizeCreditCode trims, upper-cases and turns full-width characters
// (common in text pasted from office documents) into ASCII.
func NormalizeCreditCode(s string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		if r >= 0xFF01 && r <= 0xFF5E { // full-width ASCII block
			r -= 0xFEE0
		}
		b.WriteRune(r)
	}
	return strings.ToUpper(b.String())
}

// ValidateCreditCode checks a normalised unified social credit code: length,
// character set, the embedded organisation code's check (positions 9-17,
// GB 11714) and the check character (position 18).
func ValidateCreditCode(code string) error {
	if len(code) != 18 {
		return &CreditCodeError{Check: "length"}
	}
	for i := 0; i < 18; i++ {
		if strings.IndexByte(creditAlphabet, code[i]) < 0 {
			return &CreditCodeError{Check: "characters", Pos: i + 1}
		}
	}
	if code[16] != orgCheck(code[8:16]) {
		return &CreditCodeError{Check: "organisation code", Pos: 17}
	}
	if code[17] != creditCheck(code[:17]) {
		return &CreditCodeError{Check: "check character", Pos: 18}
	}
	return nil
}

// MakeCreditCode builds a valid credit code from its parts: registering
// authority and category (2 characters), division code (6 digits) and the
// 8-character organisation code body; both check characters are computed.
func MakeCreditCode(authority, division, orgBody string) (string, error) {
	if len(authority) != 2 || len(division) != 6 || len(orgBody) != 8 {
		return "", fmt.Errorf("credit code parts must be 2+6+8 characters, got %q %q %q", authority, division, orgBody)
	}
	head := authority + division + orgBody
	for i := 0; i < len(head); i++ {
		if strings.IndexByte(creditAlphabet, head[i]) < 0 {
			return "", &CreditCodeError{Check: "characters", Pos: i + 1}
		}
	}
	head += string(orgCheck(orgBody))
	return head + string(creditCheck(head)), nil
}

// orgCheck is GB 11714's check character over the 8-character body:
// c = 11 − Σ mod 11, 10 → X, 11 → 0. Letters count as 10 + their offset.
func orgCheck(body string) byte {
	sum := 0
	for i := 0; i < 8; i++ {
		c := body[i]
		v := int(c - '0')
		if c >= 'A' && c <= 'Z' {
			v = int(c-'A') + 10
		}
		sum += v * orgWeights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

func creditCheck(head string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(creditAlphabet, head[i]) * creditWeights[i]
	}
	return creditAlphabet[(31-sum%31)%31]
}
