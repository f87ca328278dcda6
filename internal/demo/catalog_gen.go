package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/govhall/govhall/internal/catalog"
)

// The standard catalog of the demo: the seed's figures for the city level
// (10,305 powers, 501 public services, 234 fees) and the county level
// (8,673 / 357 / 89), as leaves of a main → sub → business-handling tree.
// Most leaves are used at both levels; the split below is ours (the seed
// gives only the totals).
var standardTargets = []struct {
	list               string
	both, city, county int // leaves used at both levels, city only, county only
}{
	{catalog.PowerList, 7900, 10305 - 7900, 8673 - 7900},
	{catalog.PublicServiceList, 300, 501 - 300, 357 - 300},
	{catalog.FeeList, 80, 234 - 80, 89 - 80},
}

// mainWeights are how often each type of main item is drawn for the power
// list; penalties have many leaves each, so they end up about 60% of the
// leaves, as in real lists.
var mainWeights = []struct {
	typ    string
	weight int
}{
	{"02", 30}, {"01", 12}, {"03", 6}, {"04", 2}, {"05", 3}, {"06", 12}, {"07", 8}, {"08", 2}, {"09", 1}, {"10", 14},
}

// statutoryDays is the statutory limit the law sets for a type, where it
// sets one for every item of the type: licensing 20 working days
// (行政许可法 Art. 42); confirmations, benefits and filings are given the
// same by the provincial rules the demo follows [U]. 0 = no general limit.
var statutoryDays = map[string]int{"01": 20, "05": 20, "07": 20, "10": 20}

// leafInfo is what the generator knows about a standard leaf beyond the
// basic item: the values every faithful implementation of it has.
type leafInfo struct {
	b         catalog.BasicItem
	main      string // code of its main item
	deptKind  string
	licensing bool // a leaf of a licensing main item: never merged away by the counties
	story     bool // a leaf of a hand-written item: no value is changed on it
	promised  int
	caseType  int
	objects   []int
	materials []catalog.Material
	fees      []catalog.Fee
}

// mainInfo is a main item of the standard with its leaves in order.
type mainInfo struct {
	b      catalog.BasicItem
	leaves []string
	story  bool
}

// standard is the generated standard catalog.
type standard struct {
	basic  []catalog.BasicItem // parents before children
	leaves map[string]*leafInfo
	mains  []*mainInfo
}

// scaled multiplies a count by the scale; a planted discrepancy stays at
// least one so every kind is present at any scale.
func scaled(n int, scale float64, atLeastOne bool) int {
	v := int(math.Round(float64(n) * scale))
	if atLeastOne && n > 0 && v < 1 {
		return 1
	}
	return v
}

type generator struct {
	rng     *rand.Rand
	std     *standard
	mainSeq map[string]int   // per department kind
	used    map[string]bool  // main names already given
	vocab   map[string]vocab // by kind
	deptIdx map[string]int   // two-digit department index in basic codes
	weights []int            // cumulative department weights
}

func newGenerator(seed uint64) *generator {
	g := &generator{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), mainSeq: map[string]int{},
		used: map[string]bool{}, vocab: map[string]vocab{}, deptIdx: map[string]int{},
		std: &standard{leaves: map[string]*leafInfo{}}}
	total := 0
	for i, v := range vocabs {
		g.vocab[v.kind] = v
		g.deptIdx[v.kind] = i + 1
		total += v.weight
		g.weights = append(g.weights, total)
	}
	return g
}

// generateStandard builds the standard catalog around the hand-written
// items' basic entries, to the seed's counts times scale.
func (g *generator) generateStandard(stories []catalog.BasicItem, scale float64) {
	g.addStories(stories)
	for _, t := range standardTargets {
		both, city, county := scaled(t.both, scale, false), scaled(t.city, scale, false), scaled(t.county, scale, false)
		for _, l := range g.std.leaves {
			if !l.story || l.b.List != t.list {
				continue
			}
			c3, c4 := slices.Contains(l.b.UseLevels, catalog.LevelCity), slices.Contains(l.b.UseLevels, catalog.LevelCounty)
			switch {
			case c3 && c4:
				both--
			case c3:
				city--
			case c4:
				county--
			}
		}
		for _, bucket := range []struct {
			n      int
			levels []int
		}{{both, []int{catalog.LevelCity, catalog.LevelCounty}}, {city, []int{catalog.LevelCity}}, {county, []int{catalog.LevelCounty}}} {
			// At very small scales the hand-written items alone may exceed
			// a bucket; then it holds just them.
			for n := bucket.n; n > 0; {
				n -= g.main(t.list, bucket.levels, n)
			}
		}
	}
}

func (g *generator) addStories(stories []catalog.BasicItem) {
	mains := map[string]*mainInfo{}
	mainOf := map[string]string{}
	for _, b := range stories {
		g.std.basic = append(g.std.basic, b)
		switch b.Node {
		case catalog.Main:
			m := &mainInfo{b: b, story: true}
			mains[b.Code] = m
			g.std.mains = append(g.std.mains, m)
			mainOf[b.Code] = b.Code
		case catalog.Sub:
			mainOf[b.Code] = mainOf[b.ParentCode]
		case catalog.Handling:
			m := mains[mainOf[b.ParentCode]]
			m.leaves = append(m.leaves, b.Code)
			l := g.leaf(b, m.b, b.DeptKind)
			l.story = true
		}
	}
}

func (g *generator) pickDept() vocab {
	n := g.rng.IntN(g.weights[len(g.weights)-1])
	i, _ := slices.BinarySearch(g.weights, n+1)
	return vocabs[i]
}

func (g *generator) pickType(v vocab, list string) string {
	switch list {
	case catalog.PublicServiceList:
		return "20"
	case catalog.FeeList:
		return "04"
	}
	for {
		total := 0
		for _, w := range mainWeights {
			total += w.weight
		}
		n := g.rng.IntN(total)
		for _, w := range mainWeights {
			if n < w.weight {
				if (w.typ == "05" && !v.benefits) || (w.typ == "09" && !v.adjudicate) {
					break
				}
				return w.typ
			}
			n -= w.weight
		}
	}
}

// mainName draws an unused name "{activity}{decision}" for the department
// and type; when all are used it adds a scope, as real lists do.
func (g *generator) mainName(v vocab, typ, list string) (string, string) {
	patterns := decisions[typ]
	if list == catalog.FeeList {
		patterns = decisions["fee"]
	}
	for range 12 {
		x := v.objects[g.rng.IntN(len(v.objects))]
		name := strings.ReplaceAll(patterns[g.rng.IntN(len(patterns))], "{x}", x)
		if !g.used[name] {
			g.used[name] = true
			return name, x
		}
	}
	for {
		x := v.objects[g.rng.IntN(len(v.objects))]
		scope := scopes[g.rng.IntN(len(scopes))]
		name := strings.ReplaceAll(patterns[g.rng.IntN(len(patterns))], "{x}", x) + "（" + scope + "）"
		if !g.used[name] {
			g.used[name] = true
			return name, x
		}
	}
}

// basis is a generated legal basis: a real law of the department, an
// invented article, marked as generated.
func (g *generator) basis(v vocab) []catalog.Basis {
	return []catalog.Basis{{Law: v.laws[g.rng.IntN(len(v.laws))], Article: fmt.Sprintf("第%s条", chineseNumber(10+g.rng.IntN(70))),
		Text: "演示数据：条款序号为生成，未经核对"}}
}

// code is a basic code: type (2), department (2), main (4), sub (2), leaf (2).
func (g *generator) code(typ, kind string, main, sub, leaf int) string {
	return fmt.Sprintf("%s%02d%04d%02d%02d", typ, g.deptIdx[kind], main, sub, leaf)
}

// main generates one main item of a list with at most max leaves at the
// given levels and returns how many leaves it has.
func (g *generator) main(list string, levels []int, max int) int {
	v := g.pickDept()
	typ := g.pickType(v, list)
	name, x := g.mainName(v, typ, list)
	g.mainSeq[v.kind]++
	seq := g.mainSeq[v.kind]
	m := &mainInfo{b: catalog.BasicItem{Code: g.code(typ, v.kind, seq, 0, 0), Node: catalog.Main, Name: name, Type: typ,
		List: list, UseLevels: levels, DeptKind: v.kind, StatutoryDays: statutoryDays[typ], LegalBasis: g.basis(v),
		Generated: true}}
	g.std.mains = append(g.std.mains, m)
	g.std.basic = append(g.std.basic, m.b)
	leaf := func(parent catalog.BasicItem, sub, n int, leafName string) {
		b := parent
		b.Code, b.ParentCode, b.Node, b.Name = g.code(typ, v.kind, seq, sub, n), parent.Code, catalog.Handling, leafName
		b.LegalBasis = g.basis(v)
		g.std.basic = append(g.std.basic, b)
		m.leaves = append(m.leaves, b.Code)
		g.leaf(b, m.b, v.kind)
	}
	g.fill(m, x, max, leaf)
	return len(m.leaves)
}

// fill gives a main item its leaves (at most max): a licence splits into
// sub-items by a qualifier and those into new/change/renewal/cancellation;
// a penalty into the conducts it punishes; other powers into a few leaves.
func (g *generator) fill(m *mainInfo, x string, max int, leaf func(parent catalog.BasicItem, sub, n int, name string)) {
	seq := g.mainSeq[m.b.DeptKind]
	switch {
	case m.b.Type == "01":
		q := qualifiers[g.rng.IntN(len(qualifiers))]
		for si, qual := range q {
			hs := handlings[g.rng.IntN(len(handlings))]
			if len(m.leaves)+len(hs) > max {
				hs = hs[:max-len(m.leaves)]
			}
			if len(hs) == 0 {
				break
			}
			sub := m.b
			sub.Code, sub.ParentCode, sub.Node, sub.Name = g.code(m.b.Type, m.b.DeptKind, seq, si+1, 0), m.b.Code, catalog.Sub, m.b.Name+"（"+qual+"）"
			g.std.basic = append(g.std.basic, sub)
			for hi, h := range hs {
				leaf(sub, si+1, hi+1, sub.Name+"（"+h+"）")
			}
		}
	case m.b.Type == "02":
		n := min(max, 3+g.rng.IntN(10))
		for i, c := range g.rng.Perm(len(conducts))[:n] {
			leaf(m.b, 0, i+1, "对"+strings.ReplaceAll(conducts[c], "{x}", x)+"的处罚")
		}
	default:
		n := min(max, 1+g.rng.IntN(3))
		if n == 1 {
			leaf(m.b, 0, 1, m.b.Name)
			break
		}
		var parts []string
		if m.b.Type == "10" {
			parts = handlings[4-n]
		} else {
			parts = []string{"个人", "单位", "其他组织"}
		}
		for i := range n {
			leaf(m.b, 0, i+1, m.b.Name+"（"+parts[i]+"）")
		}
	}
}

// leaf records what every faithful implementation of a standard leaf has.
func (g *generator) leaf(b, main catalog.BasicItem, kind string) *leafInfo {
	v := g.vocab[kind]
	l := &leafInfo{b: b, main: main.Code, deptKind: kind, licensing: b.Type == "01", caseType: catalog.Promised}
	g.std.leaves[b.Code] = l
	l.objects = []int{catalog.ObjectEnterprise}
	if v.persons || b.Type == "02" {
		l.objects = []int{catalog.ObjectPerson, catalog.ObjectEnterprise}
	}
	applicable := catalog.Applicable(b.Type) && b.List != catalog.FeeList
	switch {
	case b.StatutoryDays > 0:
		l.promised = max(1, b.StatutoryDays/4+g.rng.IntN(b.StatutoryDays/2+1))
	case b.Type == "20":
		l.caseType = catalog.Immediate
	case applicable:
		l.promised = 5 * (1 + g.rng.IntN(4))
	}
	if applicable {
		l.materials = g.materials(b, main)
	}
	if b.List == catalog.FeeList || (l.licensing && g.rng.IntN(12) == 0) {
		l.fees = []catalog.Fee{{Name: strings.TrimSuffix(b.Name, "（新设）") + "工本费", Amount: fmt.Sprintf("%d.00", 5*(1+g.rng.IntN(8))),
			Basis: catalog.Basis{Law: "《安徽省行政事业性收费项目目录》", Article: fmt.Sprintf("第%d项", 1+g.rng.IntN(300)),
				Text: "演示数据：项次为生成，未经核对"}}}
	}
	return l
}

// materials are a leaf's application materials: the form, proof of who
// applies, the substance, and what its business-handling kind needs.
func (g *generator) materials(b, main catalog.BasicItem) []catalog.Material {
	ms := []catalog.Material{
		{Name: main.Name + "申请表", Necessity: "required", Kind: "form", Source: catalog.FromApplicant, Copies: 1},
		{Name: "申请人身份证明", Necessity: "required", Kind: "copy", Source: catalog.FromApplicant, Copies: 1},
	}
	switch {
	case strings.HasSuffix(b.Name, "（变更）"):
		ms = append(ms, catalog.Material{Name: "变更事项的证明材料", Necessity: "required", Kind: "original", Source: catalog.FromApplicant})
	case strings.HasSuffix(b.Name, "（延续）"):
		ms = append(ms, catalog.Material{Name: "原许可证件", Necessity: "required", Kind: "original", Source: catalog.FromApplicant})
	case strings.HasSuffix(b.Name, "（注销）"):
		ms = append(ms, catalog.Material{Name: "注销申请书", Necessity: "required", Kind: "original", Source: catalog.FromApplicant})
	default:
		ms = append(ms, catalog.Material{Name: "符合条件的证明材料", Necessity: "required", Kind: "original", Source: catalog.FromApplicant})
	}
	if g.rng.IntN(3) == 0 {
		ms = append(ms, catalog.Material{Name: "授权委托书", Necessity: "conditional", Kind: "original", Source: catalog.FromApplicant,
			Condition: "委托他人办理的"})
	}
	return ms
}

// chineseNumber writes 1…99 as Chinese numerals, as article numbers are.
func chineseNumber(n int) string {
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return digits[n]
	case n < 20:
		return "十" + digits[n%10]
	default:
		return digits[n/10] + "十" + digits[n%10]
	}
}
