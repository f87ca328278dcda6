package ids

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// IDNumber is a citizen ID number (GB 11643) taken apart.
type IDNumber struct {
	Number   string    // the normalised 18 characters
	Division string    // positions 1-6: division of household registration at issue (GB/T 2260)
	Province string    // positions 1-2
	Birth    time.Time // positions 7-14, midnight UTC of the birth date
	Seq      int       // positions 15-17; odd for men, even for women
	Male     bool
	// Warning is WarnUnknownCounty when Division is not in the embedded
	// table. It is not a refusal: historic GB/T 2260 codes stay on cards.
	Warning string
}

// WarnUnknownCounty is the warning of an ID number whose six-digit division
// code is not in the embedded table.
const WarnUnknownCounty = "unknown county code"

// WarningKey is the i18n key of the warning ("" when there is none); its
// message takes the division code as {code}.
func (n IDNumber) WarningKey() string {
	if n.Warning == "" {
		return ""
	}
	return "ids.warning.id_number.unknown_county"
}

// IDNumberError says which check of GB 11643 a value failed.
type IDNumberError struct {
	Check string // "length", "characters", "province", "birth date", "check character"
	Pos   int    // 1-based position of the first offending character, when there is one
}

func (e *IDNumberError) Error() string {
	if e.Pos > 0 {
		return fmt.Sprintf("ID number: %s check failed at position %d", e.Check, e.Pos)
	}
	return "ID number: " + e.Check + " check failed"
}

// Key is the i18n message key that tells a person what to fix, so services
// can return errs.Field(field, e.Key(), nil).
func (e *IDNumberError) Key() string {
	return "ids.error.id_number." + strings.ReplaceAll(e.Check, " ", "_")
}

// IDNumberChecks lists the checks of ValidateIDNumber in the order they run.
var IDNumberChecks = []string{"length", "characters", "province", "birth date", "check character"}

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// chinaTime decides which calendar day "today" is for the birth date check.
// China has kept UTC+8 without daylight saving since 1991.
var chinaTime = time.FixedZone("CST", 8*3600)

// NormalizeIDNumber trims spaces (including the ideographic space) and turns
// the full-width digits and Ｘ/ｘ of text pasted from office documents, and a
// lower-case x, into ASCII. Other characters are left for the validator to
// refuse.
func NormalizeIDNumber(s string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= '０' && r <= '９':
			r = '0' + (r - '０')
		case r == 'Ｘ' || r == 'ｘ' || r == 'x':
			r = 'X'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ValidateIDNumber normalises s and checks it as GB 11643 asks: length,
// characters, a province-level code in positions 1-2, a real birth date
// between 1900 and now (the day in China), and the check character. The
// error is an *IDNumberError naming the first failed check.
func ValidateIDNumber(s string, now time.Time) (IDNumber, error) {
	n := NormalizeIDNumber(s)
	if utf8.RuneCountInString(n) != 18 {
		return IDNumber{}, &IDNumberError{Check: "length"}
	}
	for i, r := range []rune(n) {
		if !isDigit(r) && !(i == 17 && r == 'X') {
			return IDNumber{}, &IDNumberError{Check: "characters", Pos: i + 1}
		}
	}
	if !KnownProvince(n[:2]) {
		return IDNumber{}, &IDNumberError{Check: "province", Pos: 1}
	}
	birth, ok := parseBirth(n[6:14], now)
	if !ok {
		return IDNumber{}, &IDNumberError{Check: "birth date", Pos: 7}
	}
	if n[17] != idCheck(n[:17]) {
		return IDNumber{}, &IDNumberError{Check: "check character", Pos: 18}
	}
	id := IDNumber{Number: n, Division: n[:6], Province: n[:2], Birth: birth, Seq: atoi(n[14:17])}
	id.Male = id.Seq%2 == 1
	if !KnownDivision(id.Division) {
		id.Warning = WarnUnknownCounty
	}
	return id, nil
}

// MakeIDNumber builds a valid ID number from its parts, computing the check
// character: for tests and generated demo data.
func MakeIDNumber(division string, birth time.Time, seq int) (string, error) {
	if len(division) != 6 || !allDigits(division) || !KnownProvince(division[:2]) {
		return "", fmt.Errorf("ID number: division %q is not six digits starting with a province code", division)
	}
	y, m, d := birth.Date()
	if y < 1900 || y > 9999 {
		return "", fmt.Errorf("ID number: birth year %d is out of range", y)
	}
	if seq < 0 || seq > 999 {
		return "", fmt.Errorf("ID number: sequence %d is not three digits", seq)
	}
	head := fmt.Sprintf("%s%04d%02d%02d%03d", division, y, int(m), d, seq)
	return head + string(idCheck(head)), nil
}

// parseBirth reads YYYYMMDD (digits already checked) and accepts it when the
// date exists, is in 1900 or later and is not after today in China.
func parseBirth(s string, now time.Time) (time.Time, bool) {
	y, m, d := atoi(s[:4]), atoi(s[4:6]), atoi(s[6:8])
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if y < 1900 || t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return time.Time{}, false
	}
	if s > now.In(chinaTime).Format("20060102") {
		return time.Time{}, false
	}
	return t, true
}

// idCheck is GB 11643's check character over the first 17 digits.
func idCheck(head string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(head[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// KnownProvince reports whether a two-digit code is a province-level
// division of GB/T 2260 (71 Taiwan, 81 Hong Kong, 82 Macao included), or 83,
// which the residence permits of Taiwan residents carry as an ID number.
func KnownProvince(code string) bool {
	if len(code) != 2 || !allDigits(code) {
		return false
	}
	switch c := atoi(code); {
	case c >= 11 && c <= 15, c >= 21 && c <= 23, c >= 31 && c <= 37, c >= 41 && c <= 46,
		c >= 50 && c <= 54, c >= 61 && c <= 65, c == 71, c >= 81 && c <= 83:
		return true
	}
	return false
}

// knownDivisions is a small table of county-level GB/T 2260 codes: Bozhou's
// (divisions.md, 2023) and those of the standard's public examples. It is
// deliberately not the whole national list: an unknown code only warns.
var knownDivisions = map[string]bool{
	"341600": true, // 亳州市
	"341602": true, // 谯城区
	"341621": true, // 涡阳县
	"341622": true, // 蒙城县
	"341623": true, // 利辛县
	"110105": true, // 北京市朝阳区
	"360426": true, // 江西省德安县
}

// KnownDivision reports whether a six-digit division code is in the
// embedded table.
func KnownDivision(code string) bool { return knownDivisions[code] }

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(rune(s[i])) {
			return false
		}
	}
	return true
}

// atoi reads a short run of ASCII digits that the caller has checked.
func atoi(s string) int {
	v := 0
	for i := 0; i < len(s); i++ {
		v = v*10 + int(s[i]-'0')
	}
	return v
}
