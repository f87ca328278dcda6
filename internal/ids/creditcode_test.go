package ids

import (
	"errors"
	"testing"
)

func TestValidateCreditCode(t *testing.T) {
	cases := []struct {
		in    string
		check string // "" means valid
	}{
		{"91110000600037341L", ""},
		{"91350100M000100Y43", ""},
		{"91110000600037341", "length"},
		{"91110000600037341I", "characters"},
		{"91110000600037351L", "organisation code"},
		{"91110000600037341M", "check character"},
	}
	for _, c := range cases {
		err := ValidateCreditCode(c.in)
		var ce *CreditCodeError
		switch {
		case c.check == "" && err != nil:
			t.Errorf("%s: %v, want valid", c.in, err)
		case c.check != "" && (!errors.As(err, &ce) || ce.Check != c.check):
			t.Errorf("%s: %v, want the %s check to fail", c.in, err, c.check)
		}
	}
}

func TestCreditCodeKey(t *testing.T) {
	for in, want := range map[string]string{
		"91110000600037341":  "ids.error.credit_code.length",
		"91110000600037341I": "ids.error.credit_code.characters",
		"91110000600037351L": "ids.error.credit_code.organisation_code",
		"91110000600037341M": "ids.error.credit_code.check_character",
	} {
		if got := CreditCodeKey(ValidateCreditCode(in)); got != want {
			t.Errorf("%s: key %q, want %q", in, got, want)
		}
	}
	if got := CreditCodeKey(errors.New("another failure")); got != "error.invalid" {
		t.Errorf("another error: key %q, want error.invalid", got)
	}
}

func TestNormalizeCreditCode(t *testing.T) {
	if got := NormalizeCreditCode(" ９１１１００００６０００３７３４１ｌ "); got != "91110000600037341L" {
		t.Fatalf("got %q", got)
	}
}

func TestMakeCreditCodeRoundTrip(t *testing.T) {
	code, err := MakeCreditCode("91", "110000", "60003734")
	if err != nil || code != "91110000600037341L" {
		t.Fatalf("got %q %v, want the public example 91110000600037341L", code, err)
	}
	code, err = MakeCreditCode("11", "341600", "00300001")
	if err != nil {
		t.Fatal(err)
	}
	if err := ValidateCreditCode(code); err != nil {
		t.Fatalf("generated %s does not validate: %v", code, err)
	}
}

func FuzzCreditCode(f *testing.F) {
	f.Add("91110000600037341L")
	f.Add("91350100M000100Y43")
	f.Add("１１")
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeCreditCode(s)
		if ValidateCreditCode(n) != nil || len(n) != 18 {
			return
		}
		// A valid code is rebuilt identically from its parts.
		again, err := MakeCreditCode(n[:2], n[2:8], n[8:16])
		if err != nil || again != n {
			t.Fatalf("valid %q rebuilt as %q (%v)", n, again, err)
		}
	})
}
