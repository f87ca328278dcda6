package synth

// person is one generated resident, with what the population, marriage and
// birth files and the person's licences need.
type person struct {
	index    int // in the population; -1 for none
	id       string
	name     string
	former   string
	male     bool
	hui      bool
	birth    day
	county   *county
	village  village
	town     *town
	addr     string // household registration address
	current  string
	phone    string
	status   string // 正常, 死亡, 迁出
	marital  string // 已婚, 离婚, 丧偶; "" when civil affairs has no record
	spouse   int    // index, or -1
	father   int
	mother   int
	head     bool   // household head: holds the household register
	hhNo     string // household number (户号)
	married  day    // marriage registration, for couples
	children int    // in the population
}

// Person statuses, marital statuses and sexes as the files write them.
const (
	statusNormal   = "正常"
	statusDead     = "死亡"
	statusMovedOut = "迁出"
	maritalMarried = "已婚"
	maritalDivorce = "离婚"
	maritalWidow   = "丧偶"
)

var singleMarital = [3]string{"", maritalDivorce, maritalWidow}

// household is what the members of one household share.
type household struct {
	town    *town
	village village
	addr    string
	current string
	hui     bool
	no      string
}

// generatedBlock fills out with the persons of generated block b (global
// indexes from first); members past the population's end are dropped.
func (g *gen) generatedBlock(b, first int, out []person) []person {
	ci, bc := g.layout.blockCounty(b)
	c := counties[ci]
	sh := &g.layout.shapes[bc%period]
	m := int64(bc / period)
	r := seeded(g.cfg.Seed, streamBlock, uint64(b))
	var hhs [4]household
	for h := 0; h < int(sh.hhs); h++ {
		hhs[h] = g.makeHousehold(&r, c, bc*4+h)
	}
	out = out[:0]
	for i := 0; i < blockSize && first+i < g.cfg.Persons; i++ {
		pl := sh.places[i]
		slot := m*int64(g.layout.perYear[int(pl.year)-minYear]) + int64(pl.rank)
		doy, pair := birthSlot(ci, int(pl.year), slot)
		p := person{index: first + i, birth: fromDayOfYear(int(pl.year), doy), county: c,
			spouse: -1, father: -1, mother: -1, status: statusNormal}
		hh := &hhs[pl.hh]
		p.town, p.village, p.addr, p.current, p.hui, p.hhNo = hh.town, hh.village, hh.addr, hh.current, hh.hui, hh.no
		switch pl.role {
		case husband:
			p.male, p.head, p.marital, p.spouse = true, true, maritalMarried, first+i+1
		case wife:
			p.marital, p.spouse = maritalMarried, first+i-1
		case child:
			p.male = r.chance(0.52)
			p.father, p.mother = parentsOf(sh, i, first)
		case single:
			p.male, p.head, p.marital = r.chance(0.5), true, singleMarital[pl.kind]
			p.status = singleStatus(&r, pl.kind)
		}
		seq := 2 * pair
		if p.male {
			seq++
		}
		p.id = mustID(c.code, p.birth, seq)
		g.name(&r, &p, out)
		if p.birth.y <= g.layout.asOfYear-14 {
			p.phone = string(r.phone(g.scratch[:0]))
		}
		out = append(out, p)
	}
	g.linkCouples(&r, out)
	return out
}

// parentsOf finds the couple heading the household of place i.
func parentsOf(sh *shape, i, first int) (father, mother int) {
	for j := i - 1; j >= 0; j-- {
		if sh.places[j].hh == sh.places[i].hh && sh.places[j].role == husband {
			return first + j, first + j + 1
		}
	}
	return -1, -1
}

func singleStatus(r *rng, kind uint8) string {
	switch {
	case kind == widowed && r.chance(0.2):
		return statusDead
	case kind == youngSingle && r.chance(0.2), kind == divorced && r.chance(0.08):
		return statusMovedOut
	}
	return statusNormal
}

// mustID builds an ID number as ids.MakeIDNumber does (a test holds them
// equal), without its formatting cost: the generator makes millions. The
// layout keeps the parts in range.
func mustID(division string, birth day, seq int) string {
	var b [18]byte
	copy(b[:6], division)
	appendCompact(b[:6], birth)
	appendPadded(b[:14], seq, 3)
	b[17] = idCheck(string(b[:17]))
	return string(b[:])
}

// name gives p a name: a wife keeps her own family name, children mostly
// take their father's.
func (g *gen) name(r *rng, p *person, block []person) {
	family := ""
	if p.father >= 0 {
		if f := byIndex(block, p.father); f != nil {
			family = f.name[:len(f.name)-len(f.given())]
			if r.chance(0.05) {
				if mo := byIndex(block, p.mother); mo != nil {
					family = mo.name[:len(mo.name)-len(mo.given())]
				}
			}
			p.hui = f.hui
		}
	}
	if family == "" {
		family = r.surname(p.hui)
	}
	p.name = family + r.givenName(p.male)
	if p.father < 0 && r.chance(0.03) {
		p.former = family + r.givenName(p.male)
		if p.former == p.name {
			p.former = ""
		}
	}
}

// given is the given name: the name without its one-character family name.
func (p *person) given() string {
	for i := range p.name {
		if i > 0 {
			return p.name[i:]
		}
	}
	return ""
}

func byIndex(block []person, index int) *person {
	for i := range block {
		if block[i].index == index {
			return &block[i]
		}
	}
	return nil
}

// linkCouples drops links to persons past the population's end and gives
// couples their marriage date: after both reached the legal age, before
// their first child.
func (g *gen) linkCouples(r *rng, block []person) {
	for i := range block {
		p := &block[i]
		if p.spouse >= g.cfg.Persons {
			p.spouse, p.marital = -1, ""
		}
		if p.father >= 0 {
			if f := byIndex(block, p.father); f != nil {
				f.children++
				if mo := byIndex(block, p.mother); mo != nil {
					mo.children++
				}
			}
		}
	}
	for i := range block {
		p := &block[i]
		if !p.male || p.spouse < 0 || p.marital != maritalMarried {
			continue
		}
		w := byIndex(block, p.spouse)
		lo := day{max(p.birth.y+23, w.birth.y+21), 1, 1}
		hi := day{g.layout.asOfYear - 1, 12, 31}
		for j := range block {
			if block[j].father == p.index && block[j].birth.addDays(-280).before(hi) {
				hi = block[j].birth.addDays(-280)
			}
		}
		p.married = r.dayBetween(lo, hi)
		w.married = p.married
	}
}
