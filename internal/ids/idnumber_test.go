package ids

import (
	"errors"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/i18n"
)

// today is the tests' clock: noon in Bozhou on 1 June 2025.
var today = time.Date(2025, 6, 1, 4, 0, 0, 0, time.UTC)

func TestValidateIDNumber(t *testing.T) {
	cases := []struct {
		in    string
		check string // "" means valid
		pos   int
	}{
		{"11010519491231002X", "", 0},
		{"360426199101010071", "", 0},
		{"11010519491231002x", "", 0},   // lower-case x
		{" １１０１０５１９４９１２３１００２Ｘ　", "", 0}, // full-width, ideographic space
		{"11010519491231002", "length", 0},
		{"11010519491231002XX", "length", 0},
		{"", "length", 0},
		{"110105194912310O2X", "characters", 16}, // letter O for zero
		{"1101051949123100X2", "characters", 17}, // X only at the end
		{"11010519491231002中", "characters", 18}, // 18 runes, more bytes
		{"99010519491231002X", "province", 1},
		{"00010519491231002X", "province", 1},
		{"110105194902300025", "birth date", 7}, // 30 February
		{"110105189912310025", "birth date", 7}, // before 1900
		{"110105202506020025", "birth date", 7}, // tomorrow
		{"110105194913010025", "birth date", 7}, // month 13
		{"110105194912310021", "check character", 18},
		{"360426199101010072", "check character", 18},
	}
	for _, c := range cases {
		_, err := ValidateIDNumber(c.in, today)
		var ie *IDNumberError
		switch {
		case c.check == "" && err != nil:
			t.Errorf("%q: %v, want valid", c.in, err)
		case c.check != "" && (!errors.As(err, &ie) || ie.Check != c.check || ie.Pos != c.pos):
			t.Errorf("%q: %v, want the %s check to fail at %d", c.in, err, c.check, c.pos)
		}
	}
}

func TestIDNumberParts(t *testing.T) {
	id, err := ValidateIDNumber("11010519491231002x", today)
	if err != nil {
		t.Fatal(err)
	}
	want := IDNumber{Number: "11010519491231002X", Division: "110105", Province: "11",
		Birth: time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC), Seq: 2, Male: false}
	if id != want {
		t.Fatalf("got %+v\nwant %+v", id, want)
	}
	id, _ = ValidateIDNumber("360426199101010071", today)
	if !id.Male || id.Seq != 7 || id.Warning != "" {
		t.Fatalf("360426199101010071: %+v, want a man with sequence 7 and no warning", id)
	}
}

// A person born today in China (already the next day there while it is
// still the day before in UTC) has a valid number.
func TestBirthDateIsTodayInChina(t *testing.T) {
	now := time.Date(2025, 5, 31, 20, 0, 0, 0, time.UTC) // 1 June 04:00 in Beijing
	n, _ := MakeIDNumber("341602", time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), 1)
	if _, err := ValidateIDNumber(n, now); err != nil {
		t.Fatalf("%s born today: %v", n, err)
	}
}

func TestUnknownCountyWarnsOnly(t *testing.T) {
	n, err := MakeIDNumber("349999", time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), 123)
	if err != nil {
		t.Fatal(err)
	}
	id, err := ValidateIDNumber(n, today)
	if err != nil || id.Warning != WarnUnknownCounty || id.WarningKey() == "" {
		t.Fatalf("%s: %+v %v, want valid with the unknown county warning", n, id, err)
	}
	for _, code := range []string{"341600", "341602", "341621", "341622", "341623"} {
		if !KnownDivision(code) {
			t.Errorf("Bozhou's %s is not known", code)
		}
	}
}

func TestMakeIDNumber(t *testing.T) {
	n, err := MakeIDNumber("110105", time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC), 2)
	if err != nil || n != "11010519491231002X" {
		t.Fatalf("got %q %v, want the public example 11010519491231002X", n, err)
	}
	bad := []struct {
		div   string
		birth time.Time
		seq   int
	}{
		{"990105", time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), 1},
		{"11010", time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), 1},
		{"11010a", time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), 1},
		{"110105", time.Date(1899, 1, 1, 0, 0, 0, 0, time.UTC), 1},
		{"110105", time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), 1000},
		{"110105", time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), -1},
	}
	for _, b := range bad {
		if n, err := MakeIDNumber(b.div, b.birth, b.seq); err == nil {
			t.Errorf("MakeIDNumber(%q, %v, %d) = %q, want an error", b.div, b.birth, b.seq, n)
		}
	}
}

// Every check's message key is in both catalogs: the i18n package's scan of
// the code cannot see keys built by Key().
func TestEveryCheckHasAMessage(t *testing.T) {
	keys := []string{IDNumber{Warning: WarnUnknownCounty}.WarningKey()}
	for _, c := range IDNumberChecks {
		keys = append(keys, (&IDNumberError{Check: c}).Key())
	}
	for _, c := range []string{"length", "characters", "organisation code", "check character"} {
		keys = append(keys, (&CreditCodeError{Check: c}).Key())
	}
	for _, k := range keys {
		for _, lang := range i18n.Langs {
			if !i18n.Has(lang, k) {
				t.Errorf("%s: no %s message", k, lang)
			}
		}
	}
	if got := i18n.T(i18n.ZH, "ids.error.id_number.check_character", nil); got != "身份证号码第18位校验码不正确，请核对后重新输入。" {
		t.Errorf("check character message: %q", got)
	}
}

func FuzzIDNumber(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "360426199101010071", "11010519491231002x",
		"１１０１０５１９４９１２３１００２ｘ", "110105194902300025", "", "x", "34160219800101123\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkIDNumberProperties(t, s)
		// Random input rarely carries a right check character: also try
		// the input with its check character computed.
		if n := NormalizeIDNumber(s); len(n) >= 17 && allDigits(n[:17]) {
			checkIDNumberProperties(t, n[:17]+string(idCheck(n[:17])))
		}
	})
}

func checkIDNumberProperties(t *testing.T, s string) {
	id, err := ValidateIDNumber(s, today)
	if err != nil {
		var ie *IDNumberError
		if !errors.As(err, &ie) || ie.Key() == "" {
			t.Fatalf("%q: error %v is not an *IDNumberError", s, err)
		}
		return
	}
	// Normalising is idempotent and the normalised value validates the same.
	if NormalizeIDNumber(id.Number) != id.Number {
		t.Fatalf("%q: normalised %q changes when normalised again", s, id.Number)
	}
	again, err := ValidateIDNumber(id.Number, today)
	if err != nil || again != id {
		t.Fatalf("%q: re-validating %q gives %+v %v, want %+v", s, id.Number, again, err, id)
	}
	// The number is rebuilt identically from its parts.
	made, err := MakeIDNumber(id.Division, id.Birth, id.Seq)
	if err != nil || made != id.Number {
		t.Fatalf("%q: parts of %q make %q (%v)", s, id.Number, made, err)
	}
	if m := MaskIDNumber(id.Number); m == id.Number || MaskText(id.Number) != m {
		t.Fatalf("%q: masked as %q and in text as %q", id.Number, m, MaskText(id.Number))
	}
}
