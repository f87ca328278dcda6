package hub

import (
	"strings"
	"testing"
)

func testParser() *parser {
	p := &parser{now: testNow, source: "public_security", divisions: map[string]bool{}, types: map[string]LicenceType{}}
	for _, c := range bozhouCounties {
		p.divisions[c] = true
	}
	return p
}

// Each registry cell is checked against the others: the sex and the birth
// date must be those the ID number encodes; the division must be Bozhou's;
// dates may be written YYYYMMDD.
func TestParseRegistryCrossChecks(t *testing.T) {
	cells := func(i int, edit func(c []string)) []string {
		c := strings.Split(registryLine(t, i), ",")
		c = append(c, "")
		if edit != nil {
			edit(c)
		}
		return c
	}
	for _, tc := range []struct {
		name, field, key string
		edit             func(c []string)
	}{
		{"good", "", "", nil},
		{"compact date", "", "", func(c []string) { c[5] = strings.ReplaceAll(c[5], "-", "") }},
		{"six-digit division", "", "", func(c []string) { c[7] = "341621" }},
		{"sex differs from the ID number", "sex", "hub.reject.sex_mismatch", func(c []string) { c[3] = "女" }},
		{"birth differs from the ID number", "birth_date", "hub.reject.birth_mismatch", func(c []string) { c[5] = "1960-01-02" }},
		{"impossible date", "birth_date", "hub.reject.date", func(c []string) { c[5] = "1960-13-01" }},
		{"division elsewhere", "hukou_division", "hub.reject.division_unknown", func(c []string) { c[7] = "340102000000" }},
		{"division not digits", "hukou_division", "hub.reject.division_format", func(c []string) { c[7] = "34160200100A" }},
		{"unknown status", "status", "hub.reject.value", func(c []string) { c[10] = "失踪" }},
		{"bad phone", "phone", "hub.reject.phone", func(c []string) { c[9] = "call me" }},
		{"unknown change type", "change", "hub.reject.change", func(c []string) { c[11] = "删除" }},
	} {
		r := &rec{}
		parseRegistry(testParser(), cells(0, tc.edit), r)
		switch {
		case tc.key == "" && r.rej != nil:
			t.Errorf("%s: rejected %+v", tc.name, r.rej)
		case tc.key != "" && (r.rej == nil || r.rej.key != tc.key || r.rej.field != tc.field):
			t.Errorf("%s: got %+v, want %s on %s", tc.name, r.rej, tc.key, tc.field)
		case tc.key == "" && (r.vals[5] != birthOf(0) || len(r.vals[7]) != 12 || r.vals[3] != "M"):
			t.Errorf("%s: stored values %v", tc.name, r.vals)
		}
	}
}

// No cells, however odd, make a parser panic; a row it accepts has a key
// and a value for each of the format's columns.
func FuzzParseRow(f *testing.F) {
	f.Add(0, "341602196001010011,张三,,男,汉族,1960-01-01,地址,341602001001,,13800000000,正常,")
	f.Add(1, "341602196001010011,已婚,341602196001020027,张三,变更")
	f.Add(2, "341602196001010011,341602196001020027,,,19600101,注销")
	f.Add(3, "91341602MA2N0001XK,公司,,李四,,100.5,,,2010-01-01,存续,,")
	f.Add(4, "1.2.156.3005.2.x,a,b,111,341602196001010011,c,d,e,2020-01-01,,有效,{},")
	f.Fuzz(func(t *testing.T, which int, line string) {
		fm := formats[(which%len(formats)+len(formats))%len(formats)]
		c := make([]string, len(fm.fields))
		copy(c, strings.Split(line, ","))
		for i := range c {
			c[i] = trim(c[i])
		}
		r := &rec{}
		fm.parse(testParser(), c, r)
		if r.rej == nil && (r.key == "" || len(r.vals) != len(fm.cols())) {
			t.Fatalf("%s accepted %q with key %q and %d values", fm.name, line, r.key, len(r.vals))
		}
	})
}
