package ids

import (
	"errors"
	"strings"
	"testing"
)

// Identifiers printed on licences issued in several provinces: the check
// character computed here must agree with theirs.
var realLicenceIDs = []string{
	"1.2.156.3005.2.11100000000013338W087.11370800MB28559184.37080001202411010001.001.3",
	"1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S",
	"1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U",
	"1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0",
}

func TestParseLicenceIDAcceptsRealIdentifiers(t *testing.T) {
	for _, s := range realLicenceIDs {
		l, err := ParseLicenceID(s)
		if err != nil {
			t.Errorf("%s: %v", s, err)
			continue
		}
		if l.String() != s {
			t.Errorf("%s rebuilt as %s", s, l.String())
		}
	}
	l, _ := ParseLicenceID(realLicenceIDs[1])
	want := LicenceID{TypeCode: "11100000000013338W011", IssuerCode: "11430000006122244L", Serial: "20230000403", Version: "002"}
	if l != want {
		t.Fatalf("parts %+v, want %+v", l, want)
	}
}

func TestMakeLicenceIDAgreesWithRealCheckCharacters(t *testing.T) {
	for _, s := range realLicenceIDs {
		f := strings.Split(strings.TrimPrefix(s, LicencePrefix), ".")
		got, err := MakeLicenceID(f[0], f[1], f[2], f[3])
		if err != nil || got != s {
			t.Errorf("MakeLicenceID(%v) = %q, %v; want %q", f[:4], got, err, s)
		}
	}
}

func TestParseLicenceIDSaysWhatIsWrong(t *testing.T) {
	good := realLicenceIDs[1]
	cases := []struct{ in, reason string }{
		{"", LicenceFormat},
		{"1.2.156.3005.1.11100000000013338W011.11430000006122244L.20230000403.002.S", LicenceFormat},
		{strings.TrimSuffix(good, ".S"), LicenceFormat},
		{good + "S", LicenceFormat},
		{good + ".S", LicenceFormat},
		{strings.Replace(good, "W011", "W01", 1), LicenceTypeCode},
		{strings.Replace(good, "W011", "W01A", 1), LicenceTypeCode},
		{strings.Replace(good, "13338W011", "13338X011", 1), LicenceTypeCode},
		{strings.Replace(good, "6122244L", "6122244M", 1), LicenceIssuerCode},
		{strings.Replace(good, "20230000403", "", 1), LicenceSerial},
		{strings.Replace(good, "20230000403", "2023-0403", 1), LicenceSerial},
		{strings.Replace(good, "20230000403", strings.Repeat("9", 33), 1), LicenceSerial},
		{strings.Replace(good, ".002.", ".02.", 1), LicenceVersion},
		{strings.Replace(good, ".002.", ".00A.", 1), LicenceVersion},
		{strings.Replace(good, ".S", ".T", 1), LicenceCheck},
		{strings.Replace(good, "20230000403", "20230000430", 1), LicenceCheck},
	}
	for _, c := range cases {
		_, err := ParseLicenceID(c.in)
		var e *LicenceIDError
		if !errors.As(err, &e) || e.Reason != c.reason {
			t.Errorf("%q: %v, want reason %s", c.in, err, c.reason)
			continue
		}
		if e.Key() != "ids.licence."+c.reason {
			t.Errorf("%q: key %s", c.in, e.Key())
		}
	}
}

// People paste identifiers from office documents: full-width characters,
// lower case and surrounding spaces are forgiven.
func TestParseLicenceIDNormalises(t *testing.T) {
	pasted := " １.２.156.3005.2.11100000000013338w011.11430000006122244l.20230000403.002.s　"
	l, err := ParseLicenceID(pasted)
	if err != nil || l.String() != realLicenceIDs[1] {
		t.Fatalf("got %v %v", l, err)
	}
}

func TestMakeLicenceIDRefusesBadParts(t *testing.T) {
	issuer, _ := MakeCreditCode("11", "341600", "00300001")
	if _, err := MakeLicenceID("11100000000013338W011", issuer, "A1", "001"); err != nil {
		t.Fatalf("good parts refused: %v", err)
	}
	for _, p := range [][4]string{
		{"11100000000013338W01", issuer, "A1", "001"},
		{"11100000000013338W011", issuer[:17], "A1", "001"},
		{"11100000000013338W011", issuer, "a1", "001"},
		{"11100000000013338W011", issuer, "A1", "1"},
	} {
		if id, err := MakeLicenceID(p[0], p[1], p[2], p[3]); err == nil || !IsLicenceIDError(err) {
			t.Errorf("%v: got %q, %v", p, id, err)
		}
	}
}

// MOD 37,36 catches every single-character substitution and every swap of
// two different adjacent characters: the reason it was chosen.
func TestLicenceCheckCharCatchesTypingErrors(t *testing.T) {
	body := "11100000000013338W01111430000006122244L20230000403002"
	want := LicenceCheckChar(body)
	for i := 0; i < len(body); i++ {
		for _, c := range []byte(alnumChars) {
			if c == body[i] {
				continue
			}
			typo := body[:i] + string(c) + body[i+1:]
			if LicenceCheckChar(typo) == want {
				t.Fatalf("substituting %c at %d is not caught", c, i)
			}
		}
		if i+1 < len(body) && body[i] != body[i+1] {
			swap := body[:i] + string(body[i+1]) + string(body[i]) + body[i+2:]
			if LicenceCheckChar(swap) == want {
				t.Fatalf("swapping positions %d and %d is not caught", i, i+1)
			}
		}
	}
}

func FuzzParseLicenceID(f *testing.F) {
	for _, s := range realLicenceIDs {
		f.Add(s)
	}
	f.Add("1.2.156.3005.2....")
	f.Add("１.２")
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseLicenceID(s)
		if err != nil {
			if !IsLicenceIDError(err) {
				t.Fatalf("%q: error %v is not a LicenceIDError", s, err)
			}
			return
		}
		// A valid identifier is rebuilt identically from its parts and
		// parses again to the same parts.
		id, err := MakeLicenceID(l.TypeCode, l.IssuerCode, l.Serial, l.Version)
		if err != nil || id != l.String() {
			t.Fatalf("%q: parts %+v rebuilt as %q (%v)", s, l, id, err)
		}
		if again, err := ParseLicenceID(id); err != nil || again != l {
			t.Fatalf("%q: canonical %q parses as %+v (%v)", s, id, again, err)
		}
	})
}
