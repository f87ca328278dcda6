package synth

import (
	"github.com/govhall/govhall/internal/ids"
)

// maxVersions bounds the versions of one licence (the identifier's version
// has three digits).
const maxVersions = 999

// Licence statuses as the files write them.
const (
	licenceValid   = "有效"
	licenceRevoked = "注销"
)

// quota is how many licences holder h (persons first, then entities) gets:
// the licences are spread evenly over the holders, so the files hold
// exactly Config.Licences.
func (g *gen) quota(h int) int {
	k, n := int64(g.cfg.Licences), int64(g.cfg.Persons+g.cfg.Entities)
	if n == 0 {
		return 0
	}
	return int(k*int64(h+1)/n - k*int64(h)/n)
}

// grant is one licence of a holder: its type and how many versions of it
// (all but the last cancelled).
type grant struct {
	typ      int
	versions int
}

// plan turns a quota into grants: the holder's natural licences in order
// of priority, then more versions of the renewable one.
func plan(quota int, natural []int, renewable int, out []grant) []grant {
	out = out[:0]
	for _, t := range natural {
		if len(out) == quota {
			return out
		}
		out = append(out, grant{t, 1})
	}
	extra := quota - len(out)
	if extra <= 0 {
		return out
	}
	for i := range out {
		if out[i].typ == renewable {
			out[i].versions += extra
			return out
		}
	}
	return append(out, grant{renewable, extra})
}

// personLicences writes a person's licences: a social security card for
// everyone, a marriage certificate for each spouse, a medical birth
// certificate for children born since 1996, a household register for the
// head of a household; more versions of the card when the quota asks.
func (g *gen) personLicences(p *person, block []person) error {
	q := g.quota(p.index)
	if q == 0 {
		return nil
	}
	natural := make([]int, 0, 4)
	natural = append(natural, typeSocialSecurity)
	if p.marital == maritalMarried && g.inBlock(block, p.spouse) != nil {
		natural = append(natural, typeMarriage)
	}
	if p.birth.y >= 1996 && g.inBlock(block, p.father) != nil && g.inBlock(block, p.mother) != nil {
		natural = append(natural, typeBirth)
	}
	if p.head {
		natural = append(natural, typeHousehold)
	}
	r := seeded(g.cfg.Seed, streamLicence, uint64(p.index))
	var buf [4]grant
	for _, gr := range plan(q, natural, typeSocialSecurity, buf[:0]) {
		if err := g.personLicence(&r, p, block, gr); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) personLicence(r *rng, p *person, block []person, gr grant) error {
	asOf := dayOf(g.cfg.AsOf)
	var first day
	var years int // validity in years; 0 = no expiry
	var number string
	data := jsonObject{b: g.scratch[:0]}
	switch gr.typ {
	case typeSocialSecurity:
		first = r.issueBetween(maxDay(p.birth.addDays(30), day{2009, 1, 1}), asOf)
		years = 10
		number = cardNumber(r)
		data.add("name", p.name).add("social_security_number", p.id).add("sex", sexOf(p.male)).
			add("bank", banks[r.intn(len(banks))])
	case typeMarriage:
		h, w := p, g.inBlock(block, p.spouse)
		if !p.male {
			h, w = w, p
		}
		first = p.married
		number = marriageNumber(p.county.code, p.married, h.index)
		data.add("holder_name", p.name).add("registered_on", dateString(p.married)).
			add("husband_name", h.name).add("husband_id_number", h.id).add("wife_name", w.name).
			add("wife_id_number", w.id).add("registry", p.county.registry())
	case typeBirth:
		f, m := g.inBlock(block, p.father), g.inBlock(block, p.mother)
		first = minDay(p.birth.addDays(r.between(1, 10)), asOf.addDays(-1))
		number = birthNumber(p.index)
		data.add("child_name", p.name).add("sex", sexOf(p.male)).add("born_on", dateString(p.birth)).
			add("birthplace", prefix+p.county.name).add("mother_name", m.name).add("mother_id_number", m.id).
			add("father_name", f.name).add("father_id_number", f.id).add("institution", p.county.hospital())
	case typeHousehold:
		first = r.issueBetween(maxDay(p.birth.addYears(18), day{1990, 1, 1}), asOf)
		number = p.hhNo
		data.add("household_number", p.hhNo).add("head_name", p.name).add("head_id_number", p.id).
			add("address", p.addr).add("division", p.village.code).add("household_type", "家庭户")
	}
	h := holder{kind: HolderPerson, id: p.id, name: p.name, gone: p.status == statusDead}
	return g.writeLicence(h, gr, first, years, number, data.close())
}

type holder struct {
	kind, id, name string
	gone           bool // dead or closed: every licence is cancelled
}

// writeLicence writes the versions of one licence: version k is issued
// k-1 equal steps after the first between the first issue and the as-of
// date; every version but the last is cancelled.
func (g *gen) writeLicence(h holder, gr grant, first day, years int, number, data string) error {
	lt := &licenceTypes[gr.typ]
	iss := issuers[lt.Department]
	g.serials[gr.typ]++
	g.scratch = appendPadded(g.scratch[:0], first.y, 4)
	serial := string(appendPadded(g.scratch, g.serials[gr.typ], 9))
	asOf := dayOf(g.cfg.AsOf)
	span := int(asOf.time().Sub(first.time()).Hours()/24) - 1
	for v := 1; v <= gr.versions; v++ {
		issued := first.addDays(span * (v - 1) / gr.versions)
		version := string(appendPadded(g.scratch[:0], v, 3))
		// The parts are valid by construction (types and issuers are
		// checked once, serials are digits), so String computes the check
		// character without validating every licence again.
		id := ids.LicenceID{TypeCode: lt.Code, IssuerCode: iss.Code, Serial: serial, Version: version}.String()
		expires := ""
		if years > 0 {
			expires = dateString(issued.addYears(years).addDays(-1))
		}
		status := licenceValid
		if v < gr.versions || h.gone {
			status = licenceRevoked
		}
		if err := g.row(g.out.licences[lt.Department], id, lt.Code, number, h.kind, h.id, h.name, iss.Code, iss.Name,
			dateString(issued), expires, status, data); err != nil {
			return err
		}
	}
	return nil
}

// issueBetween is a random day from lo to the day before asOf (that day
// when lo is later).
func (r *rng) issueBetween(lo, asOf day) day {
	hi := asOf.addDays(-1)
	if hi.before(lo) {
		return hi
	}
	return r.dayBetween(lo, hi)
}

var banks = []string{"中国工商银行", "中国农业银行", "中国建设银行", "中国银行", "安徽亳州农村商业银行", "徽商银行"}

func sexOf(male bool) string {
	if male {
		return "男"
	}
	return "女"
}

func dateString(d day) string { return string(appendDate(make([]byte, 0, 10), d)) }

func maxDay(a, b day) day {
	if a.before(b) {
		return b
	}
	return a
}

func minDay(a, b day) day {
	if a.before(b) {
		return a
	}
	return b
}

// registry is the county's marriage registry.
func (c *county) registry() string { return "亳州市" + c.name + "民政局婚姻登记处" }

// hospital is where the county's children are born.
func (c *county) hospital() string {
	if c.code == "341602" {
		return "亳州市人民医院"
	}
	return c.name + "人民医院"
}

// cardNumber is a social security card number: a letter and 8 digits.
func cardNumber(r *rng) string {
	x := r.next()
	b := []byte{"ABCDEFGHJKLMNPQRSTUVWXYZ"[x%24]}
	x /= 24
	for i := 0; i < 8; i++ {
		b = append(b, byte('0'+x%10))
		x /= 10
	}
	return string(b)
}

// marriageNumber is a marriage certificate number: J, the county code, the
// year and a serial (both spouses' certificates carry the same number).
func marriageNumber(countyCode string, married day, husband int) string {
	b := append([]byte("J"), countyCode...)
	b = append(b, '-')
	b = appendPadded(b, married.y, 4)
	b = append(b, '-')
	return string(appendPadded(b, husband%1_000_000, 6))
}

// birthNumber is a medical birth certificate number: a letter and 9 digits.
func birthNumber(index int) string {
	b := []byte{"MNOPQR"[index%6]}
	return string(appendPadded(b, index%1_000_000_000, 9))
}
