package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/govhall/govhall/internal/catalog"
)

// countyBuild plans one list of one county: which standard leaves it
// omits, merges and splits, and the extra items it adds.
type countyBuild struct {
	g        *generator
	rng      *rand.Rand
	plan     countyPlan
	list     string
	mains    []*mainInfo // the list's county-level main items, in standard order
	missing  map[string]bool
	split    map[string]bool
	groupOf  map[string]int // leaf → merge group
	groups   [][]string
	reserved map[string]bool // leaves with changed values somewhere: one-to-one everywhere
}

func (g *generator) countyBuild(p countyPlan, list string, vp valuePlants, seed uint64) *countyBuild {
	cb := &countyBuild{g: g, rng: countyRand(seed, p.code+"/"+list), plan: p, list: list, missing: map[string]bool{},
		split: map[string]bool{}, groupOf: map[string]int{}, reserved: map[string]bool{}}
	for c := range vp {
		cb.reserved[c] = true
	}
	for _, m := range g.std.mains {
		if m.b.List == list && slices.Contains(m.b.UseLevels, catalog.LevelCounty) {
			cb.mains = append(cb.mains, m)
		}
	}
	return cb
}

// leaves lists the list's leaves that satisfy keep, in standard order.
func (cb *countyBuild) leaves(keep func(l *leafInfo) bool) []string {
	var out []string
	for _, m := range cb.mains {
		for _, c := range m.leaves {
			if l := cb.g.std.leaves[c]; slices.Contains(l.b.UseLevels, catalog.LevelCounty) && keep(l) {
				out = append(out, c)
			}
		}
	}
	return out
}

// pick marks n leaves drawn at random from cand.
func (cb *countyBuild) pick(cand []string, n int, mark map[string]bool) {
	for _, i := range cb.rng.Perm(len(cand))[:min(n, len(cand))] {
		mark[cand[i]] = true
	}
}

// merge absorbs exactly n leaves into merged items: whole main items
// first (penalties and other government-initiated powers, as the counties
// did), then the hand-written and licensing ones; at small scales, where
// that is not enough, a department's leftovers across its main items, and
// last any leftovers. A merged item only joins leaves with the same
// statutory limit, so it states the standard's.
func (cb *countyBuild) merge(n int) error {
	var pool, story, licensing []*mainInfo
	for _, m := range cb.mains {
		switch {
		case m.story:
			story = append(story, m)
		case cb.g.std.leaves[m.leaves[0]].licensing:
			licensing = append(licensing, m)
		default:
			pool = append(pool, m)
		}
	}
	cb.rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	for _, m := range slices.Concat(pool, story, licensing) {
		n = cb.mergeBy(n, m.leaves, func(l *leafInfo) string { return fmt.Sprint(l.b.StatutoryDays) })
	}
	all := cb.leaves(func(*leafInfo) bool { return true })
	n = cb.mergeBy(n, all, func(l *leafInfo) string { return fmt.Sprint(l.deptKind, l.b.StatutoryDays) })
	n = cb.mergeBy(n, all, func(l *leafInfo) string { return fmt.Sprint(l.b.StatutoryDays) })
	if n > 0 {
		return fmt.Errorf("demo catalog: %s %s list: %d more leaves to merge than the standard allows", cb.plan.name, cb.list, n)
	}
	return nil
}

// mergeBy merges the free leaves among codes that share a key, in order,
// until n leaves are absorbed, and returns what is left of n.
func (cb *countyBuild) mergeBy(n int, codes []string, key func(*leafInfo) string) int {
	byKey := map[string][]string{}
	var order []string
	for _, c := range codes {
		l := cb.g.std.leaves[c]
		_, grouped := cb.groupOf[c]
		if grouped || !slices.Contains(l.b.UseLevels, catalog.LevelCounty) || cb.missing[c] || cb.split[c] || cb.reserved[c] {
			continue
		}
		k := key(l)
		if _, ok := byKey[k]; !ok {
			order = append(order, k)
		}
		byKey[k] = append(byKey[k], c)
	}
	for _, k := range order {
		group := byKey[k]
		if n == 0 {
			break
		}
		if len(group) < 2 {
			continue
		}
		group = group[:min(len(group), n+1)]
		n -= len(group) - 1
		for _, c := range group {
			cb.groupOf[c] = len(cb.groups)
		}
		cb.groups = append(cb.groups, group)
	}
	return n
}

// planList chooses the omissions, splits and merges so that the list,
// with its extra items, counts target items.
func (cb *countyBuild) planList(missing, split, extra, target int) error {
	// Powers go missing from the government-initiated kinds; licences stay.
	cb.pick(cb.leaves(func(l *leafInfo) bool { return !l.story && (!l.licensing || cb.list != catalog.PowerList) }),
		missing, cb.missing)
	if split > 0 {
		cb.pick(cb.leaves(func(l *leafInfo) bool { return l.licensing && !l.story && !cb.reserved[l.b.Code] }), split, cb.split)
	}
	standard := len(cb.leaves(func(*leafInfo) bool { return true }))
	absorb := standard - len(cb.missing) + extra + len(cb.split) - target
	if absorb < 0 {
		return fmt.Errorf("demo catalog: %s %s list: %d items is more than the standard allows", cb.plan.name, cb.list, target)
	}
	return cb.merge(absorb)
}

// build writes the county's list: main items with their business-handling
// items, then the extras, recording every planted discrepancy.
func (cb *countyBuild) build(lb *listBuild, vp valuePlants, extra int) {
	done := map[int]bool{} // merge groups written
	for _, m := range cb.mains {
		parent := ""
		for _, c := range m.leaves {
			l := cb.g.std.leaves[c]
			if !slices.Contains(l.b.UseLevels, catalog.LevelCounty) {
				continue
			}
			if cb.missing[c] {
				lb.plant(catalog.FindMissing, cb.list, nil, c)
				continue
			}
			if parent == "" {
				parent = lb.add(mainItem(m, catalog.LevelCounty), m.b.DeptKind).Code
			}
			gi, merged := cb.groupOf[c]
			switch {
			case merged && !done[gi]:
				done[gi] = true
				it := leafItem(l.b, l.doc(catalog.LevelCounty), parent)
				it.Name, it.Covers = m.b.Name, cb.groups[gi]
				it = lb.add(it, m.b.DeptKind)
				lb.plant(catalog.FindMerged, cb.list, []catalog.Item{it}, cb.groups[gi]...)
			case merged:
			case cb.split[c]:
				var its []catalog.Item
				for _, who := range []string{"（个人申请）", "（单位申请）"} {
					it := leafItem(l.b, l.doc(catalog.LevelCounty), parent)
					it.Name += who
					its = append(its, lb.add(it, m.b.DeptKind))
				}
				lb.plant(catalog.FindSplit, cb.list, its, c)
			default:
				it := leafItem(l.b, l.doc(catalog.LevelCounty), parent)
				kinds := vp[c][lb.jur]
				changeValues(&it, kinds)
				it = lb.add(it, m.b.DeptKind)
				for _, k := range kinds {
					lb.plant(k, cb.list, []catalog.Item{it}, c)
				}
			}
		}
	}
	cb.extras(lb, extra)
}

// changeValues plants changed values in a county's implementation: the
// extended limit quoted as the statutory one, a different promise, a fee
// without a basis in the standard, a certificate the law does not ask for.
func changeValues(it *catalog.Item, kinds []string) {
	d := &it.Doc
	for _, k := range kinds {
		switch k {
		case catalog.FindStatutory:
			d.Statutory.Days += 10
		case catalog.FindPromised:
			if d.Promised.Days < d.Statutory.Days {
				d.Promised.Days = d.Statutory.Days
			} else {
				d.Promised.Days = max(1, d.Promised.Days/2)
			}
		case catalog.FindFees:
			d.Fees = append(d.Fees, catalog.Fee{Name: "专家评审费", Amount: "300.00",
				Basis: catalog.Basis{Law: "县物价局收费批复", Text: "演示数据：无上位法依据的收费"}})
		case catalog.FindMaterials:
			d.Materials = append(d.Materials, catalog.Material{Name: "村（居）民委员会出具的证明", Necessity: "required",
				Kind: "original", Source: catalog.FromApplicant})
		}
	}
}

// extras are items the standard lacks: invented by the county, or a
// city-level power the county exercises without delegation.
func (cb *countyBuild) extras(lb *listBuild, n int) {
	var cityOnly []*leafInfo
	for _, m := range cb.g.std.mains {
		for _, c := range m.leaves {
			l := cb.g.std.leaves[c]
			if l.b.List == cb.list && !l.story && !slices.Contains(l.b.UseLevels, catalog.LevelCounty) {
				cityOnly = append(cityOnly, l)
			}
		}
	}
	for i := range n {
		var it catalog.Item
		var kind string
		if i%5 == 4 && len(cityOnly) > 0 {
			l := cityOnly[cb.rng.IntN(len(cityOnly))]
			it = leafItem(l.b, l.doc(catalog.LevelCounty), "")
			kind = l.deptKind
		} else {
			v := vocabs[cb.rng.IntN(len(vocabs))]
			x := v.objects[cb.rng.IntN(len(v.objects))]
			typ := map[string]string{catalog.PowerList: "10", catalog.PublicServiceList: "20", catalog.FeeList: "04"}[cb.list]
			it = catalog.Item{Node: catalog.Handling, Type: typ, List: cb.list, Generated: true,
				Name: strings.ReplaceAll(extraNames[cb.rng.IntN(len(extraNames))], "{x}", x),
				Doc: catalog.Doc{LegalBasis: cb.g.basis(v), PowerSource: 1, BodyNature: 1, UseLevels: []int{catalog.LevelCounty},
					Promised: catalog.Limit{Days: 5}, CaseType: catalog.Promised, Objects: []int{catalog.ObjectPerson, catalog.ObjectEnterprise},
					Materials: []catalog.Material{{Name: "申请书", Necessity: "required", Kind: "form", Source: catalog.FromApplicant}}}}
			if cb.list == catalog.FeeList {
				it.Name = x + "服务费"
				it.Doc.Fees = []catalog.Fee{{Name: it.Name, Amount: "50.00",
					Basis: catalog.Basis{Law: "县物价局收费批复", Text: "演示数据：不在收费目录中的收费"}}}
			}
			kind = v.kind
		}
		it = lb.add(it, kind)
		lb.plant(catalog.FindExtra, cb.list, []catalog.Item{it})
	}
}
