package db

import (
	"slices"
	"testing"
)

// Grams are the distinct one- and two-character pieces of each run of
// letters and digits: what a one- or two-character query can match.
func TestGrams(t *testing.T) {
	got := grams("婚育证明 qc-001 婚育", nil)
	want := []string{"婚", "婚育", "育", "育证", "证", "证明", "明", "q", "qc", "c", "0", "00", "01", "1"}
	if !slices.Equal(got, want) {
		t.Fatalf("grams %v, want %v", got, want)
	}
	if got := grams("育儿", []string{"育"}); !slices.Equal(got, []string{"育", "育儿", "儿"}) {
		t.Fatalf("grams appended to existing ones: %v", got)
	}
	if got := startGrams("婚育证明"); !slices.Equal(got, []string{"_婚", "_婚育"}) {
		t.Fatalf("start grams %v", got)
	}
	if got := startGrams("（变更）婚育"); got != nil {
		t.Fatalf("a name that starts with punctuation has no start grams: %v", got)
	}
}

// A tag is three characters (one trigram, one token), the same for the
// same tag and different for different ones.
func TestTagToken(t *testing.T) {
	seen := map[string]string{}
	for _, tag := range []string{"j:341621000000", "j:341602000000", "e:marriage", "e:birth", "t:01", "t:02", "o:person"} {
		tok := tagToken(tag)
		if n := len([]rune(tok)); n != 3 {
			t.Fatalf("%s: %q has %d characters", tag, tok, n)
		}
		if tagToken(tag) != tok {
			t.Fatalf("%s: not deterministic", tag)
		}
		if other, dup := seen[tok]; dup {
			t.Fatalf("%s and %s share a token", tag, other)
		}
		seen[tok] = tag
	}
}
