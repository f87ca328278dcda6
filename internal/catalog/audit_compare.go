package catalog

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// countList compares one county's list with the standard: missing, extra,
// merged and split findings, statutory limits, and the explained count.
func countList(l AuditList, leaves map[string]BasicItem, standard []string) (ListAudit, []Finding) {
	la := ListAudit{List: l.List, Status: l.Status, Standard: len(standard), Reported: len(l.Items)}
	var fs []Finding
	add := func(f Finding) {
		f.Jurisdiction, f.List = l.Jurisdiction, l.List
		fs = append(fs, f)
	}
	itemsOf := map[string][]Item{}
	for _, it := range l.Items {
		in, out := inStandard(it, leaves)
		switch {
		case len(in) == 0:
			la.Extra++
			add(Finding{Kind: FindExtra, Items: []ItemRef{ref(it)}, Delta: 1, Outside: out})
		case len(in) > 1:
			la.Merged++
			la.Absorbed += len(in) - 1
			add(Finding{Kind: FindMerged, Items: []ItemRef{ref(it)}, Leaves: leafRefs(in, leaves),
				Delta: -(len(in) - 1), Outside: out})
		}
		for _, c := range in {
			itemsOf[c] = append(itemsOf[c], it)
			if want := leaves[c].StatutoryDays; want > 0 && it.Doc.Statutory.Days != want {
				add(Finding{Kind: FindStatutory, Items: []ItemRef{ref(it)}, Leaves: leafRefs([]string{c}, leaves),
					Value: strconv.Itoa(it.Doc.Statutory.Days), Standard: strconv.Itoa(want)})
			}
		}
	}
	for _, c := range standard {
		switch its := itemsOf[c]; {
		case len(its) == 0:
			la.Missing++
			add(Finding{Kind: FindMissing, Leaves: leafRefs([]string{c}, leaves), Delta: -1})
		case len(its) > 1:
			la.Split++
			la.SplitAdded += len(its) - 1
			refs := make([]ItemRef, 0, len(its))
			for _, it := range its {
				refs = append(refs, ref(it))
			}
			add(Finding{Kind: FindSplit, Items: refs, Leaves: leafRefs([]string{c}, leaves), Delta: len(its) - 1})
		}
	}
	la.Explained = la.Reported == la.Standard-la.Missing-la.Absorbed+la.Extra+la.SplitAdded
	return la, fs
}

// entry is a county's one-to-one implementation of a standard leaf: the
// only item covering it, covering nothing else. Merged and split items are
// findings of their own; their values are not compared with the peers'.
type entry struct {
	jur string
	it  Item
}

// valueKinds are the values compared between counties.
var valueKinds = []struct {
	kind  string
	value func(Doc) string
}{
	{FindPromised, func(d Doc) string { return strconv.Itoa(d.Promised.Days) }},
	{FindFees, feesValue},
	{FindMaterials, materialsValue},
}

// compareValues finds, for every standard leaf that two or more counties
// implement one-to-one, the counties whose promised limit, fees or
// materials differ from the value most of them have. When no value is held
// by more counties than every other, each county is reported.
func compareValues(lists []AuditList, leaves map[string]BasicItem) []Finding {
	byLeaf := map[string][]entry{}
	for _, l := range lists {
		count := map[string]int{}
		single := map[string]Item{}
		for _, it := range l.Items {
			in, _ := inStandard(it, leaves)
			for _, c := range in {
				count[c]++
				if len(in) == 1 {
					single[c] = it
				}
			}
		}
		for c, it := range single {
			if count[c] == 1 {
				byLeaf[c] = append(byLeaf[c], entry{l.Jurisdiction, it})
			}
		}
	}
	var fs []Finding
	for _, c := range slices.Sorted(maps.Keys(byLeaf)) {
		es := byLeaf[c]
		if len(es) < 2 {
			continue
		}
		slices.SortFunc(es, func(a, b entry) int { return strings.Compare(a.jur, b.jur) })
		for _, vk := range valueKinds {
			fs = append(fs, deviants(vk.kind, vk.value, es, leafRefs([]string{c}, leaves))...)
		}
	}
	return fs
}

func deviants(kind string, value func(Doc) string, es []entry, leaf []LeafRef) []Finding {
	vals := make([]string, len(es))
	votes := map[string]int{}
	for i, e := range es {
		vals[i] = value(e.it.Doc)
		votes[vals[i]]++
	}
	if len(votes) == 1 {
		return nil
	}
	majority, best, tie := "", 0, false
	for _, v := range slices.Sorted(maps.Keys(votes)) {
		switch n := votes[v]; {
		case n > best:
			majority, best, tie = v, n, false
		case n == best:
			tie = true
		}
	}
	if tie {
		majority = ""
	}
	var fs []Finding
	for i, e := range es {
		if !tie && vals[i] == majority {
			continue
		}
		f := Finding{Kind: kind, Jurisdiction: e.jur, List: e.it.List, Items: []ItemRef{ref(e.it)},
			Leaves: leaf, Value: vals[i], Standard: majority}
		for j, p := range es {
			if j != i {
				f.Peers = append(f.Peers, PeerValue{Jurisdiction: p.jur, Item: ref(p.it), Value: vals[j]})
			}
		}
		fs = append(fs, f)
	}
	return fs
}

// feesValue is an item's fees in a canonical form: "name=amount" or
// "name=formula", sorted, joined by "; "; "" when it charges nothing.
func feesValue(d Doc) string {
	parts := make([]string, 0, len(d.Fees))
	for _, f := range d.Fees {
		v := f.Amount
		if f.Formula != "" {
			v = f.Formula
		}
		parts = append(parts, strings.TrimSpace(f.Name)+"="+strings.TrimSpace(v))
	}
	slices.Sort(parts)
	return strings.Join(parts, "; ")
}

// materialsValue is an item's materials in a canonical form:
// "name (necessity)", sorted, joined by "; ".
func materialsValue(d Doc) string {
	parts := make([]string, 0, len(d.Materials))
	for _, m := range d.Materials {
		parts = append(parts, fmt.Sprintf("%s (%s)", strings.TrimSpace(m.Name), m.Necessity))
	}
	slices.Sort(parts)
	return strings.Join(parts, "; ")
}

// spreads explains, per list, the difference between the county with the
// most items and the one with the fewest.
func spreads(cs []CountyAudit) []Spread {
	type at struct {
		jur string
		la  ListAudit
	}
	most, fewest := map[string]at{}, map[string]at{}
	var order []string
	for _, c := range cs {
		for _, la := range c.Lists {
			m, ok := most[la.List]
			if !ok {
				order = append(order, la.List)
			}
			if !ok || la.Reported > m.la.Reported {
				most[la.List] = at{c.Jurisdiction, la}
			}
			if f, ok := fewest[la.List]; !ok || la.Reported < f.la.Reported {
				fewest[la.List] = at{c.Jurisdiction, la}
			}
		}
	}
	var out []Spread
	for _, l := range order {
		m, f := most[l], fewest[l]
		out = append(out, Spread{List: l, Most: m.jur, Fewest: f.jur, Difference: m.la.Reported - f.la.Reported,
			Missing: f.la.Missing - m.la.Missing, Absorbed: f.la.Absorbed - m.la.Absorbed,
			Extra: m.la.Extra - f.la.Extra, SplitAdded: m.la.SplitAdded - f.la.SplitAdded})
	}
	slices.SortFunc(out, func(a, b Spread) int { return listOrder(a.List) - listOrder(b.List) })
	return out
}
