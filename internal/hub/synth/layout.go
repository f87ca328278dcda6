package synth

import "fmt"

// How persons are laid out. The generator must be able to make any person
// from its index alone (a legal representative or a licence holder is a
// person of the population file, made again where it is needed), and ID
// numbers must be unique without remembering the ones already given out.
//
// Persons come in blocks of six: one to three households (a couple and
// their children, a couple, a single adult). Blocks are dealt to the four
// counties in a fixed pattern of 63 that follows their populations. Within
// a county, block bc has the shape (households, roles, birth years) number
// bc mod period of a table made from the seed, and m = bc / period. The
// table counts, for each birth year, how many of its places are born that
// year and gives each place its rank among them; a person's slot in its
// county and birth year is m × count + rank, which no other person of that
// county and year has. The slot, scrambled by a bijection, gives the day of
// birth and the sequence number. So (county, birth date, sequence) — the
// first 17 characters of the ID number — are unique by construction.

const (
	blockSize = 6
	period    = 4096 // shapes in the table
	// firstPair is the lowest sequence pair (seq / 2) of generated persons;
	// the pairs below are kept for the demo residents and planted bad rows.
	firstPair    = 20
	slotsPerYear = 365 * (500 - firstPair)
	scramble     = 104729 // prime, coprime with slotsPerYear
	minYear      = 1900
)

type role uint8

const (
	husband role = iota + 1
	wife
	child
	single
)

// Kinds of single adults.
const (
	youngSingle = iota
	divorced
	widowed
)

// place is one person's place in a block shape.
type place struct {
	role role
	kind uint8 // single adults: youngSingle, divorced, widowed
	hh   uint8 // household within the block
	year int16
	rank int32 // among the table's places born in year
}

type shape struct {
	places [blockSize]place
	hhs    uint8 // households in the block
}

type layout struct {
	asOfYear int
	shapes   []shape
	perYear  []int32 // index year-minYear
	maxYear  int32   // the largest perYear
	pattern  [63]uint8
	patRank  [63]int32
	patTotal int
}

// compositions are the household sizes a block is split into (1: a single
// adult, 2: a couple, 3+: a couple and children), with weights.
var compositions = []struct {
	sizes []int
	w     int
}{
	{[]int{4, 2}, 20}, {[]int{3, 3}, 18}, {[]int{4, 1, 1}, 10}, {[]int{5, 1}, 6},
	{[]int{3, 2, 1}, 16}, {[]int{2, 2, 2}, 7}, {[]int{6}, 2}, {[]int{2, 4}, 9},
	{[]int{3, 1, 1, 1}, 4}, {[]int{2, 2, 1, 1}, 8},
}

func newLayout(seed int64, asOfYear int) *layout {
	l := &layout{asOfYear: asOfYear, shapes: make([]shape, period), perYear: make([]int32, asOfYear-minYear+1)}
	w := make([]int, len(compositions))
	for i, c := range compositions {
		w[i] = c.w
	}
	cum := cumulative(w)
	r := seeded(seed, streamTable, 0)
	for p := range l.shapes {
		l.shapes[p] = l.makeShape(&r, compositions[r.weighted(cum)].sizes)
	}
	for p := range l.shapes {
		for i := range l.shapes[p].places {
			pl := &l.shapes[p].places[i]
			y := int(pl.year) - minYear
			pl.rank = l.perYear[y]
			l.perYear[y]++
			l.maxYear = max(l.maxYear, l.perYear[y])
		}
	}
	l.dealCounties()
	return l
}

// makeShape draws the households of one block and their birth years, so
// that children are born 22-39 years after both parents, couples married
// at legal age before their first child, and nobody after asOfYear-1.
func (l *layout) makeShape(r *rng, sizes []int) shape {
	var s shape
	i, y := 0, l.asOfYear
	for hh, n := range sizes {
		s.hhs++
		if n == 1 {
			kind := uint8(r.weighted(singleCum))
			lo, hi := singleAges[kind][0], singleAges[kind][1]
			s.places[i] = place{role: single, kind: kind, hh: uint8(hh), year: int16(y - r.between(lo, hi))}
			i++
			continue
		}
		delta := r.between(-2, 6) // wife's birth year minus husband's
		if r.chance(0.5) {
			delta = r.between(0, 3)
		}
		var f int
		if n == 2 {
			f = y - 24 - max(delta-2, 0) - r.between(0, 68)
			if r.chance(0.3) {
				f = y - 24 - max(delta-2, 0) - r.between(0, 10)
			}
		} else {
			f = y - 25 - max(delta-2, 0) - r.between(0, 35)
		}
		m := f + delta
		s.places[i] = place{role: husband, hh: uint8(hh), year: int16(f)}
		s.places[i+1] = place{role: wife, hh: uint8(hh), year: int16(m)}
		i += 2
		lo, hi := max(f+24, m+22), min(min(f, m)+39, y-1)
		kids := make([]int, n-2)
		for k := range kids {
			kids[k] = r.between(lo, hi)
		}
		sortInts(kids)
		for _, k := range kids {
			s.places[i] = place{role: child, hh: uint8(hh), year: int16(k)}
			i++
		}
	}
	return s
}

var (
	singleCum  = cumulative([]int{55, 15, 30})
	singleAges = [3][2]int{{18, 35}, {30, 65}, {60, 95}}
)

func sortInts(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// dealCounties fills the pattern of 63 blocks: each county in proportion
// to its share, spread out (largest deficit first).
func (l *layout) dealCounties() {
	var got [4]int
	total := 0
	for _, c := range counties {
		total += c.share
	}
	l.patTotal = total
	for j := 0; j < total; j++ {
		best, bestDef := 0, -1<<30
		for ci, c := range counties {
			def := c.share*(j+1)*1000/total - got[ci]*1000
			if def > bestDef {
				best, bestDef = ci, def
			}
		}
		l.pattern[j] = uint8(best)
		l.patRank[j] = int32(got[best])
		got[best]++
	}
}

// blockCounty returns the county of generated block b and the block's
// index among that county's blocks.
func (l *layout) blockCounty(b int) (int, int) {
	j := b % l.patTotal
	c := int(l.pattern[j])
	return c, b/l.patTotal*counties[c].share + int(l.patRank[j])
}

// checkCapacity refuses a population whose ID numbers would not fit the
// slots of a county's birth year.
func (l *layout) checkCapacity(blocks int) error {
	if blocks == 0 {
		return nil
	}
	for ci := range counties {
		last := -1
		for b := max(0, blocks-l.patTotal); b < blocks; b++ {
			if c, bc := l.blockCounty(b); c == ci {
				last = bc
			}
		}
		if last < 0 {
			continue
		}
		if m := last / period; int64(m+1)*int64(l.maxYear) > slotsPerYear {
			return fmt.Errorf("synth: %d persons are more than the ID numbers of one county and birth year can hold; at most about %d",
				blocks*blockSize, int64(slotsPerYear)/int64(l.maxYear)*period*int64(l.patTotal)/int64(counties[ci].share)*blockSize)
		}
	}
	return nil
}

// birthSlot is the day of the year (0-364) and the sequence pair of a
// person of county c born in year at slot; it is a bijection of the slot
// for each county and year.
func birthSlot(c, year int, slot int64) (dayOfYear, pair int) {
	off := int64(mix(uint64(c)<<16|uint64(year)) % slotsPerYear)
	s := (slot*scramble + off) % slotsPerYear
	return int(s % 365), firstPair + int(s/365)
}
