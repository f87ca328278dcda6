package demo

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/govhall/govhall/internal/catalog"
)

// Planted is one discrepancy the generator put into a county's list (or
// responsibility list): the ground truth the audit must report exactly.
type Planted struct {
	Kind         string   `json:"kind"` // a catalog.Find… kind, or catalog.NoLead / catalog.SeveralLeads
	Jurisdiction string   `json:"jurisdiction"`
	List         string   `json:"list"`
	Items        []string `json:"items,omitempty"`  // item codes (the duty code for a duty problem)
	Leaves       []string `json:"leaves,omitempty"` // standard leaf codes
}

// Key identifies the discrepancy independently of order.
func (p Planted) Key() string { return TruthKey(p.Kind, p.Jurisdiction, p.List, p.Items, p.Leaves) }

// TruthKey is the comparable form of a discrepancy: kind, jurisdiction,
// list, the sorted item codes and the sorted leaf codes.
func TruthKey(kind, jurisdiction, list string, items, leaves []string) string {
	return strings.Join([]string{kind, jurisdiction, list, strings.Join(slices.Sorted(slices.Values(items)), ","),
		strings.Join(slices.Sorted(slices.Values(leaves)), ",")}, "|")
}

// countyPlan is what the generator plants in one county's lists. The seed
// says the three counties and the district reported 2,739, 2,874, 3,254
// and 2,955 power items at the end of 2014 without saying which is which:
// this assignment is ours. Everything else (how many omissions, extras,
// splits, changed values) is invented; the merges follow from them, since
// the count must come out as reported.
type countyPlan struct {
	code, name                                    string
	power                                         int // reported power items
	missing, extra, split                         int // in the power list
	statutory, promised, fees, materials          int // changed values in the power list
	psMissing, psExtra, psAbsorb, feeMiss, feeExt int
}

var countyPlans = []countyPlan{
	{"341602000000", "谯城区", 2955, 120, 60, 30, 8, 18, 4, 10, 3, 2, 4, 1, 2},
	{"341621000000", "涡阳县", 2739, 210, 25, 10, 12, 20, 6, 8, 5, 1, 6, 2, 1},
	{"341622000000", "蒙城县", 2874, 160, 40, 20, 6, 10, 2, 12, 2, 3, 3, 1, 1},
	{"341623000000", "利辛县", 3254, 60, 110, 45, 10, 25, 5, 6, 4, 2, 5, 0, 3},
}

// valuePlants are the changed values, reserved globally: leaf → county →
// kinds. A leaf with a changed value is implemented one-to-one in every
// county, and each kind changes in one county only, so the other three
// show what it should be.
type valuePlants map[string]map[string][]string

func (g *generator) planValues(plans []countyPlan, scale float64) valuePlants {
	var cand []string
	for _, m := range g.std.mains {
		for _, c := range m.leaves {
			l := g.std.leaves[c]
			if l.licensing && !l.story && slices.Contains(l.b.UseLevels, catalog.LevelCounty) {
				cand = append(cand, c)
			}
		}
	}
	g.rng.Shuffle(len(cand), func(i, j int) { cand[i], cand[j] = cand[j], cand[i] })
	vp := valuePlants{}
	for _, kind := range []string{catalog.FindStatutory, catalog.FindPromised, catalog.FindFees, catalog.FindMaterials} {
		next := 0
		for _, p := range plans {
			n := map[string]int{catalog.FindStatutory: p.statutory, catalog.FindPromised: p.promised,
				catalog.FindFees: p.fees, catalog.FindMaterials: p.materials}[kind]
			for range scaled(n, scale, true) {
				if next == len(cand) {
					break
				}
				c := cand[next]
				next++
				if vp[c] == nil {
					vp[c] = map[string][]string{}
				}
				vp[c][p.code] = append(vp[c][p.code], kind)
			}
		}
	}
	return vp
}

// listBuild collects one jurisdiction's reported list.
type listBuild struct {
	jur   string
	seq   int
	items []catalog.Item
	kinds []string // department kind of each item
	truth []Planted
}

// code numbers the list's items as the county numbered its 2014 report;
// the codes of a published item (credit code, level, basic code) are
// another series, so both can live in one jurisdiction.
func (lb *listBuild) code() string {
	lb.seq++
	return fmt.Sprintf("%s-2014-%05d", lb.jur[:6], lb.seq)
}

func (lb *listBuild) add(it catalog.Item, kind string) catalog.Item {
	it.Jurisdiction, it.Status = lb.jur, catalog.Reported
	if it.Code == "" {
		it.Code = lb.code()
	}
	lb.items = append(lb.items, it)
	lb.kinds = append(lb.kinds, kind)
	return it
}

func (lb *listBuild) plant(kind, list string, items []catalog.Item, leaves ...string) {
	p := Planted{Kind: kind, Jurisdiction: lb.jur, List: list, Leaves: leaves}
	for _, it := range items {
		p.Items = append(p.Items, it.Code)
	}
	lb.truth = append(lb.truth, p)
}

// doc is a faithful implementation's doc of a leaf at a level.
func (l *leafInfo) doc(level int) catalog.Doc {
	return catalog.Doc{LegalBasis: l.b.LegalBasis, PowerSource: 1, BodyNature: 1, UseLevels: []int{level},
		Statutory: catalog.Limit{Days: l.b.StatutoryDays}, Promised: catalog.Limit{Days: l.promised},
		CaseType: l.caseType, Objects: l.objects, Materials: slices.Clone(l.materials), Fees: slices.Clone(l.fees)}
}

func leafItem(b catalog.BasicItem, d catalog.Doc, parent string) catalog.Item {
	return catalog.Item{ParentCode: parent, Node: catalog.Handling, Covers: []string{b.Code}, Name: b.Name,
		Type: b.Type, List: b.List, Generated: b.Generated, Doc: d}
}

func mainItem(m *mainInfo, level int) catalog.Item {
	return catalog.Item{Node: catalog.Main, Name: m.b.Name, Type: m.b.Type, List: m.b.List, Generated: m.b.Generated,
		Doc: catalog.Doc{LegalBasis: m.b.LegalBasis, PowerSource: 1, BodyNature: 1, UseLevels: []int{level},
			CaseType: catalog.Promised, Statutory: catalog.Limit{Days: m.b.StatutoryDays}}}
}

// countyRand is a county's own random source, so its list does not depend
// on the order counties are built in.
func countyRand(seed uint64, code string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(code))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

// cityList is the city's list: every city-level item of the standard,
// implemented faithfully (main → sub → business-handling item).
func (g *generator) cityList() *listBuild {
	lb := &listBuild{jur: CityCode}
	codeOf := map[string]string{}
	for _, b := range g.std.basic {
		if !slices.Contains(b.UseLevels, catalog.LevelCity) {
			continue
		}
		var it catalog.Item
		switch b.Node {
		case catalog.Handling:
			it = leafItem(b, g.std.leaves[b.Code].doc(catalog.LevelCity), codeOf[b.ParentCode])
		default:
			it = mainItem(&mainInfo{b: b}, catalog.LevelCity)
			it.Node, it.ParentCode = b.Node, codeOf[b.ParentCode]
		}
		codeOf[b.Code] = lb.add(it, b.DeptKind).Code
	}
	return lb
}
