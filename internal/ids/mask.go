package ids

import (
	"strings"
	"unicode/utf8"
)

// Personal data is shown masked unless the reader needs it (DESIGN.md rule 7).
// The masks keep the length in characters, so a masked value still looks like
// what it stands for, and keep the parts people use to tell values apart:
// the division code and last four of an ID number, the operator prefix and
// last four of a phone number, a name's family name.

// MaskIDNumber keeps the first 6 and last 4 characters of an ID number:
// 341602********1234. A value too short to keep 5 characters hidden is
// masked whole.
func MaskIDNumber(s string) string { return maskMiddle(s, 6, 4, 15) }

// MaskPhone keeps the first 3 and last 4 digits of a mobile number:
// 138****5678. Longer values (a +86 prefix) keep more in front and still hide
// four; shorter ones keep only the last 4, and values under 8 characters are
// masked whole.
func MaskPhone(s string) string {
	n := utf8.RuneCountInString(s)
	switch {
	case n >= 11:
		return maskMiddle(s, n-8, 4, 11)
	case n >= 8:
		return maskMiddle(s, 0, 4, 8)
	}
	return strings.Repeat("*", n)
}

// MaskName keeps the first character of a name and writes one * for each
// of the others: 张** for 张小明.
func MaskName(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 {
		return ""
	}
	return string(r) + strings.Repeat("*", utf8.RuneCountInString(s[size:]))
}

// maskMiddle keeps head and tail characters and stars the rest; values
// shorter than min characters are starred whole.
func maskMiddle(s string, head, tail, min int) string {
	r := []rune(s)
	if len(r) < min {
		return strings.Repeat("*", len(r))
	}
	for i := head; i < len(r)-tail; i++ {
		r[i] = '*'
	}
	return string(r)
}

// MaskText masks, in free text such as a log message, every run of digits
// that looks like an ID number (17 digits then a digit or X) or a mainland
// mobile number (1[3-9] and 9 more digits). A run embedded in a longer run of
// digits (a bank card, an order number) is left alone. Full-width digits
// count as digits; bytes that are not UTF-8 pass through unchanged.
func MaskText(s string) string {
	var b strings.Builder
	last := 0 // bytes of s before last are written to b
	for i := 0; i < len(s); {
		run := digitRun(s, i)
		if len(run) == 0 {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
			continue
		}
		end := run[len(run)-1][1]
		if x := xAfter(s, end); len(run) == 17 && x > 0 {
			run = append(run, [2]int{end, end + x})
			end += x
		}
		if hide := hidden(s, run); hide != nil {
			for _, p := range hide {
				b.WriteString(s[last:p[0]])
				b.WriteByte('*')
				last = p[1]
			}
		}
		i = end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// hidden returns the characters of a digit run (byte spans) to star: the
// middle 8 of an ID number, the middle 4 of a mobile number, else nothing.
func hidden(s string, run [][2]int) [][2]int {
	digit := func(k int) int { return digitValue(s[run[k][0]:run[k][1]]) }
	switch {
	case len(run) == 18:
		return run[6:14]
	case len(run) == 11 && digit(0) == 1 && digit(1) >= 3:
		return run[3:7]
	}
	return nil
}

// digitRun returns the byte spans of the digits (ASCII or full-width) of the
// maximal run starting at i; nil when s[i:] does not start with a digit.
func digitRun(s string, i int) [][2]int {
	var run [][2]int
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isDigit(r) && !(r >= '０' && r <= '９') {
			break
		}
		run = append(run, [2]int{i, i + size})
		i += size
	}
	return run
}

// xAfter returns the byte size of an X check character (x, X, ｘ, Ｘ) at
// s[i:], or 0.
func xAfter(s string, i int) int {
	r, size := utf8.DecodeRuneInString(s[i:])
	switch r {
	case 'x', 'X', 'ｘ', 'Ｘ':
		return size
	}
	return 0
}

// digitValue is the value of one ASCII or full-width digit.
func digitValue(d string) int {
	r, _ := utf8.DecodeRuneInString(d)
	if r >= '０' {
		return int(r - '０')
	}
	return int(r - '0')
}
