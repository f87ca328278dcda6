package ids

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestMasks(t *testing.T) {
	cases := []struct {
		fn       func(string) string
		in, want string
	}{
		{MaskIDNumber, "341602198001011234", "341602********1234"},
		{MaskIDNumber, "11010519491231002X", "110105********002X"},
		{MaskIDNumber, "341602800101123", "341602*****1123"}, // first-generation, 15 digits
		{MaskIDNumber, "3416021", "*******"},
		{MaskIDNumber, "", ""},
		{MaskPhone, "13812345678", "138****5678"},
		{MaskPhone, "+8613812345678", "+86138****5678"},
		{MaskPhone, "55812345", "****2345"},
		{MaskPhone, "12345", "*****"},
		{MaskName, "张小明", "张**"},
		{MaskName, "欧阳娜娜", "欧***"},
		{MaskName, "李", "李"},
		{MaskName, "", ""},
		{MaskName, "Ann", "A**"},
	}
	for _, c := range cases {
		if got := c.fn(c.in); got != c.want {
			t.Errorf("%q: got %q, want %q", c.in, got, c.want)
		}
	}
}

func TestMaskText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"申请人 341602198001011234 电话13812345678。", "申请人 341602********1234 电话138****5678。"},
		{"id=11010519491231002x;", "id=110105********002x;"},
		{"全角３４１６０２１９８００１０１１２３４", "全角３４１６０２********１２３４"},
		{"card 6222021234567890123 order 2138123456789", "card 6222021234567890123 order 2138123456789"},
		{"tel 12812345678 and 1381234567", "tel 12812345678 and 1381234567"}, // no such prefix; 10 digits
		{"13812345678x", "138****5678x"},
		{"no digits here", "no digits here"},
		{"bad \xff 13912345678 \xfe", "bad \xff 139****5678 \xfe"},
	}
	for _, c := range cases {
		if got := MaskText(c.in); got != c.want {
			t.Errorf("%q:\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

func FuzzMask(f *testing.F) {
	for _, s := range []string{"341602198001011234", "13812345678", "张小明", "a11010519491231002Xb",
		"３４１６０２１９８００１０１１２３４", "\xff1381234567８"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := utf8.RuneCountInString(s)
		for _, m := range []string{MaskIDNumber(s), MaskPhone(s), MaskName(s)} {
			if utf8.ValidString(s) && utf8.RuneCountInString(m) != n {
				t.Fatalf("%q masked as %q: length changed", s, m)
			}
		}
		text := MaskText(s)
		if MaskText(text) != text {
			t.Fatalf("%q: masking %q again changes it", s, text)
		}
		if utf8.ValidString(s) && (!utf8.ValidString(text) || utf8.RuneCountInString(text) != n) {
			t.Fatalf("%q masked as %q: not the same length of valid text", s, text)
		}
		// A valid ID number in the text never survives masking.
		id, err := ValidateIDNumber(s, time.Now())
		if err == nil && strings.Contains(MaskText("x"+s+"y"), id.Number) {
			t.Fatalf("%q survives MaskText", s)
		}
		if err == nil && (MaskIDNumber(s) == s || strings.Contains(MaskIDNumber(s), id.Number)) {
			t.Fatalf("%q survives MaskIDNumber", s)
		}
	})
}
