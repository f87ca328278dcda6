package synth

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/ids"
)

// The counties, towns and sample villages are those of the domain
// reference that the demo hall is built from.
func TestPlacesMatchTheReference(t *testing.T) {
	b, err := os.ReadFile("../../demo/bozhou.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Counties []struct {
			Code  string                        `json:"code"`
			Name  string                        `json:"name"`
			Towns []struct{ Code, Name string } `json:"towns"`
		} `json:"counties"`
		Villages []struct{ Code, Name, Town string } `json:"sample_villages"`
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, rc := range ref.Counties {
		c := countyByCode(rc.Code[:6])
		if c == nil {
			if len(rc.Towns) > 0 {
				t.Fatalf("county %s %s is missing", rc.Code, rc.Name)
			}
			continue
		}
		n++
		if c.name != rc.Name || len(c.towns) != len(rc.Towns) {
			t.Fatalf("county %s: %s with %d towns, reference %s with %d", rc.Code, c.name, len(c.towns), rc.Name, len(rc.Towns))
		}
		for i, rt := range rc.Towns {
			if c.towns[i].code != rt.Code || c.towns[i].name != rt.Name {
				t.Fatalf("town %s %s, reference %s %s", c.towns[i].code, c.towns[i].name, rt.Code, rt.Name)
			}
		}
	}
	if n != len(counties) {
		t.Fatalf("%d counties in the reference, %d generated", n, len(counties))
	}
	for _, rv := range ref.Villages {
		c := countyByCode(rv.Code[:6])
		found := false
		for _, tw := range c.towns {
			for _, v := range tw.villages {
				if v.code == rv.Code {
					found = v.name == rv.Name && tw.code == rv.Town
				}
			}
		}
		if !found {
			t.Fatalf("sample village %s %s is not a village of town %s", rv.Code, rv.Name, rv.Town)
		}
	}
}

// Invented villages extend their town's code (village part from 201,
// communities of streets from 001) and have unique codes and names.
func TestVillages(t *testing.T) {
	for _, c := range counties {
		for _, tw := range c.towns {
			names := map[string]bool{}
			for _, v := range tw.villages {
				if v.code[:9] != tw.code[:9] || len(v.code) != 12 || names[v.name] {
					t.Fatalf("village %s %s of town %s", v.code, v.name, tw.code)
				}
				if part := atoi(v.code[9:]); tw.street && part >= 200 || !tw.street && part < 200 && v.name != "谯东社区" {
					t.Fatalf("village %s %s: part %d in a %v street town", v.code, v.name, part, tw.street)
				}
				names[v.name] = true
			}
		}
	}
}

// The demo identities are the ones internal/demo registers, built the
// same way.
func TestDemoIdentities(t *testing.T) {
	for _, c := range []struct {
		want  string
		birth time.Time
		seq   int
	}{
		{LiXiangID, time.Date(1988, 7, 15, 0, 0, 0, 0, time.UTC), 3},
		{CuiManmanID, time.Date(1990, 3, 8, 0, 0, 0, 0, time.UTC), 4},
		{WangMingID, time.Date(1972, 11, 3, 0, 0, 0, 0, time.UTC), 11},
	} {
		if got, err := ids.MakeIDNumber("341602", c.birth, c.seq); err != nil || got != c.want {
			t.Fatalf("%s: made %s %v", c.want, got, err)
		}
	}
	if got, _ := ids.MakeCreditCode("91", "341602", "MA2N0001"); got != DemoEntityID {
		t.Fatalf("demo enterprise %s, made %s", DemoEntityID, got)
	}
	for _, lt := range LicenceTypes() {
		if len(lt.Code) != 21 || ids.ValidateCreditCode(lt.Code[:18]) != nil || !lt.Demo {
			t.Fatalf("type %s %s: not a demo ministry credit code + 3 digits", lt.Code, lt.Name)
		}
	}
}

// ID numbers (and the check character of planted impossible dates) are
// built as ids.MakeIDNumber builds them.
func TestIDCheckAgreesWithIDs(t *testing.T) {
	r := seeded(1, 99, 0)
	for i := 0; i < 1000; i++ {
		b := day{1920 + r.intn(100), 1 + r.intn(12), 1 + r.intn(28)}
		c, seq := counties[r.intn(4)].code, r.intn(1000)
		want, err := ids.MakeIDNumber(c, b.time(), seq)
		if got := mustID(c, b, seq); err != nil || got != want {
			t.Fatalf("made %s, ids.MakeIDNumber %s %v", got, want, err)
		}
	}
}

// ID numbers stay unique at scale, without writing files: a county's
// blocks past one period of the table (m ≥ 1) reuse shapes, and the slots
// must still differ.
func TestIDNumbersUniqueAtScale(t *testing.T) {
	n := 300_000
	if testing.Short() {
		n = 60_000
	}
	g, err := newGen(Config{Persons: n, Seed: 3, Dir: "unused"})
	if err != nil {
		t.Fatal(err)
	}
	seen := make(map[string]struct{}, n)
	block := make([]person, 0, blockSize)
	for b := 0; b < g.blocks; b++ {
		block = g.generatedBlock(b, g.demo+b*blockSize, block)
		for _, p := range block {
			if _, dup := seen[p.id]; dup {
				t.Fatalf("block %d: %s given twice", b, p.id)
			}
			seen[p.id] = struct{}{}
		}
	}
	if len(seen) != n-g.demo {
		t.Fatalf("%d ID numbers for %d persons", len(seen), n-g.demo)
	}
}
