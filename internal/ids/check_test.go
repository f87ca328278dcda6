package ids

import (
	"strings"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	cases := []struct {
		in   string
		want Result
	}{
		{"11010519491231002x", Result{Kind: KindIDNumber, Valid: true, Normalised: "11010519491231002X", Warning: ""}},
		{"341602198001011230", Result{Kind: KindIDNumber, Check: "check character", Pos: 18, Normalised: "341602198001011230"}},
		{"3416021980010112", Result{Kind: KindIDNumber, Check: "length", Normalised: "3416021980010112"}},
		{"91110000600037341L", Result{Kind: KindCreditCode, Valid: true, Normalised: "91110000600037341L"}},
		{"９１１１００００６０００３７３４１ｌ", Result{Kind: KindCreditCode, Valid: true, Normalised: "91110000600037341L"}},
		{"91110000600037341M", Result{Kind: KindCreditCode, Check: "check character", Pos: 18, Normalised: "91110000600037341M"}},
		{"9111000060003734L", Result{Kind: KindCreditCode, Check: "length", Normalised: "9111000060003734L"}},
		{realLicenceIDs[0], Result{Kind: KindLicenceID, Valid: true, Normalised: realLicenceIDs[0]}},
		{strings.ToLower(realLicenceIDs[1]), Result{Kind: KindLicenceID, Valid: true, Normalised: realLicenceIDs[1]}},
		{strings.Replace(realLicenceIDs[1], ".S", ".T", 1), Result{Kind: KindLicenceID, Check: "check", Normalised: strings.Replace(realLicenceIDs[1], ".S", ".T", 1)}},
		{"1.2.156.3005.2.x", Result{Kind: KindLicenceID, Check: "format", Normalised: "1.2.156.3005.2.X"}},
		{"13812345678", Result{Kind: KindUnknown, Check: "kind", Normalised: "13812345678"}},
		{" 张三 ", Result{Kind: KindUnknown, Check: "kind", Normalised: "张三"}},
	}
	for _, c := range cases {
		got := Check(c.in, today)
		got.Err = nil
		if got != c.want {
			t.Errorf("%q:\n got %+v\nwant %+v", c.in, got, c.want)
		}
	}
}

// Credit codes may be all digits: one that is valid is not called a broken
// ID number.
func TestCheckAllDigitCreditCode(t *testing.T) {
	code, err := MakeCreditCode("12", "341600", "00300001")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range code {
		if c < '0' || c > '9' {
			t.Skipf("%s is not all digits", code)
		}
	}
	if r := Check(code, today); r.Kind != KindCreditCode || !r.Valid {
		t.Fatalf("%s: %+v", code, r)
	}
}

func TestCheckWarnsOfUnknownCounty(t *testing.T) {
	n, _ := MakeIDNumber("110101", time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC), 21)
	r := Check(n, today)
	if !r.Valid || r.Warning != "unknown county code 110101" {
		t.Fatalf("%+v", r)
	}
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "91110000600037341L", "12341600003000012X", "１３８", "\ufeff", realLicenceIDs[0]} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := Check(s, today)
		switch {
		case r.Valid != (r.Check == "") || r.Valid && r.Kind == KindUnknown:
			t.Fatalf("%q: inconsistent %+v", s, r)
		case r.Valid && r.Kind == KindIDNumber:
			if id, err := ValidateIDNumber(r.Normalised, today); err != nil || id.Number != r.Normalised {
				t.Fatalf("%q: %+v but %v", s, r, err)
			}
		case r.Valid && r.Kind == KindCreditCode:
			if err := ValidateCreditCode(r.Normalised); err != nil {
				t.Fatalf("%q: %+v but %v", s, r, err)
			}
		case r.Valid && r.Kind == KindLicenceID:
			if l, err := ParseLicenceID(r.Normalised); err != nil || l.String() != r.Normalised {
				t.Fatalf("%q: %+v but %v", s, r, err)
			}
		case !r.Valid && r.Kind != KindUnknown && r.Err == nil:
			t.Fatalf("%q: %+v has no error", s, r)
		}
	})
}
