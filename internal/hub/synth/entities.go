package synth

import (
	"strconv"

	"github.com/govhall/govhall/internal/ids"
)

// entity is one generated market entity.
type entity struct {
	index       int
	code, name  string
	typ         string
	rep         person // legal representative (or operator)
	capital     string // 万元
	address     string
	scope       string
	established day
	status      string
	authority   string
	food        bool   // holds a food business licence
	foodKind    string // 主体业态
}

// Entity statuses as the files write them.
const (
	entityActive  = "存续"
	entityRevoked = "吊销"
	entityClosed  = "注销"
)

// entityKind is a legal form: its type text, credit code prefix (9x:
// industry and commerce), weight and how its names end.
type entityKind struct {
	typ, prefix string
	w           int
	individual  bool // 个体工商户: named after the shop, capital small
	coop        bool
	suffix      string
}

var entityKinds = []entityKind{
	{"有限责任公司(自然人投资或控股)", "91", 45, false, false, "有限公司"},
	{"有限责任公司(自然人独资)", "91", 15, false, false, "有限公司"},
	{"股份有限公司(非上市、自然人投资或控股)", "91", 2, false, false, "股份有限公司"},
	{"个人独资企业", "91", 5, false, false, "商行"},
	{"个体工商户", "92", 30, true, false, ""},
	{"农民专业合作社", "93", 3, false, true, "种植专业合作社"},
}

// industry is a line of business: the word in company names, the shop
// word of individual businesses, the business scope, and whether it sells
// food (then it holds a food business licence).
type industry struct {
	word, shop, scope string
	food              string // 主体业态 of the food business licence, "" when none
}

var industries = []industry{
	{"中药饮片", "药材行", "中药饮片生产、销售；中药材收购、初加工、销售", ""},
	{"中药材", "药材行", "中药材收购、销售；农副产品销售", ""},
	{"药业", "药店", "药品批发；医疗器械销售", ""},
	{"商贸", "商店", "日用百货、五金交电、建筑材料销售", ""},
	{"农业科技", "农资店", "农作物种植、销售；农业技术推广服务", ""},
	{"食品", "副食店", "预包装食品、散装食品销售", "食品销售经营者"},
	{"餐饮管理", "饭店", "餐饮服务；餐饮管理", "餐饮服务经营者"},
	{"酒业", "酒行", "白酒生产、销售；预包装食品销售", "食品销售经营者"},
	{"建材", "建材店", "建筑材料、装饰材料销售", ""},
	{"物流", "货运部", "普通货运；仓储服务（不含危险品）", ""},
	{"服饰", "服装店", "服装、鞋帽加工、销售", ""},
	{"电子科技", "手机店", "电子产品研发、销售、维修", ""},
	{"超市", "便利店", "预包装食品、散装食品、日用百货零售", "食品销售经营者"},
	{"建筑工程", "装修队", "房屋建筑工程施工；室内外装饰装修工程", ""},
}

var tradeChars = []rune("华康泰瑞鑫隆盛源德天元恒信达丰宏嘉和兴昌福祥安汇金鼎润通益佳美永诚明博聚禾谯涡药芍")

var capitals = []string{"3", "5", "10", "20", "30", "50", "100", "200", "300", "500", "800", "1000", "2000", "5000"}

var (
	kindCum []int
)

func init() {
	w := make([]int, len(entityKinds))
	for i, k := range entityKinds {
		w[i] = k.w
	}
	kindCum = cumulative(w)
}

const (
	creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	bodySpace      = 31 * 31 * 31 * 31 * 31 * 31
	bodyStep       = 1000003 // prime, coprime with bodySpace: index → body is a bijection
)

// demoBody is the value of the demo enterprise's body MA2N0001.
var demoBody = bodyValue("2N0001")

func bodyValue(s string) int64 {
	v := int64(0)
	for i := 0; i < len(s); i++ {
		for j := 0; j < 31; j++ {
			if creditAlphabet[j] == s[i] {
				v = v*31 + int64(j)
			}
		}
	}
	return v
}

// orgBody is entity e's organisation code body: unique per entity, never
// the demo enterprise's.
func orgBody(e int) string {
	v := (int64(e)*bodyStep + 7) % bodySpace
	if v == demoBody {
		v = 7 // the value of index 0, which the demo enterprise takes
	}
	b := []byte("MA000000")
	for i := 7; i >= 2; i-- {
		b[i] = creditAlphabet[v%31]
		v /= 31
	}
	return string(b)
}

// entity makes entity e: the demo enterprise first.
func (g *gen) entity(e int) entity {
	if e == 0 {
		return g.demoEntity()
	}
	r := seeded(g.cfg.Seed, streamEntity, uint64(e))
	k := &entityKinds[r.weighted(kindCum)]
	ind := &industries[r.intn(len(industries))]
	c := counties[r.weighted(countyCum)]
	t := &c.towns[r.intn(len(c.towns))]
	cityLevel := !k.individual && r.chance(0.12)
	div, area, authority := c.code, c.name, "亳州市"+c.name+"市场监督管理局"
	if cityLevel {
		div, area, authority = "341600", "亳州市", "亳州市市场监督管理局"
	}
	code, err := ids.MakeCreditCode(k.prefix, div, orgBody(e))
	if err != nil {
		panic("synth: generated credit code parts are out of range: " + err.Error())
	}
	en := entity{index: e, code: code, typ: k.typ, authority: authority, scope: ind.scope, food: ind.food != "", foodKind: ind.food}
	trade := string(tradeChars[r.intn(len(tradeChars))]) + string(tradeChars[r.intn(len(tradeChars))])
	switch {
	case k.individual:
		en.name = c.name + trade + ind.shop
		en.capital = strconv.Itoa(r.between(1, 30))
	case k.coop:
		en.name = area + trade + k.suffix
		en.capital = capitals[5+r.intn(5)]
	default:
		if area == c.name && r.chance(0.6) {
			area = "亳州市"
		}
		en.name = area + trade + ind.word + k.suffix
		en.capital = capitals[2+r.intn(len(capitals)-2)]
		if r.chance(0.1) {
			en.capital += "." + strconv.Itoa(r.between(1, 9))
		}
	}
	en.address = prefix + c.name + t.name + roads[r.intn(len(roads))] + strconv.Itoa(r.between(1, 300)) + "号"
	en.established = r.dayBetween(day{1995, 1, 1}, dayOf(g.cfg.AsOf).addDays(-1))
	switch x := r.intn(100); {
	case x < 3:
		en.status = entityRevoked
	case x < 10:
		en.status = entityClosed
	default:
		en.status = entityActive
	}
	en.rep = g.representative(&r)
	return en
}

var countyCum = func() []int {
	w := make([]int, len(counties))
	for i, c := range counties {
		w[i] = c.share
	}
	return cumulative(w)
}()

// representative picks a married adult of a complete block of the
// population (every block has a couple), or a demo resident when the
// population is too small.
func (g *gen) representative(r *rng) person {
	complete := (g.cfg.Persons - g.demo) / blockSize
	if complete == 0 {
		if g.demo > 0 {
			return g.personAt(r.intn(min(g.demo, 2)))
		}
		return outsider(r)
	}
	b := r.intn(complete)
	first := g.demo + b*blockSize
	wantWife := r.chance(0.3)
	for i := 0; i < blockSize; i++ {
		p := g.personAt(first + i)
		if p.marital == maritalMarried && p.male != wantWife {
			return p
		}
	}
	return g.personAt(first)
}

// outsider is a legal representative from outside the (empty) population.
func outsider(r *rng) person {
	b := day{1960 + r.intn(30), 1 + r.intn(12), 1 + r.intn(28)}
	return person{id: mustID("341602", b, 2*(10+r.intn(10))+1), name: r.surname(false) + r.givenName(true), male: true, birth: b}
}

func (g *gen) demoEntity() entity {
	rep := person{id: WangMingID, name: "王明", male: true}
	if g.demo > 3 {
		rep = g.personAt(3)
	}
	return entity{code: DemoEntityID, name: DemoEntityName, typ: entityKinds[0].typ, rep: rep, capital: "500",
		address: prefix + "谯城区华佗镇药都路8号", scope: industries[0].scope, established: day{2014, 12, 16},
		status: entityActive, authority: "亳州市谯城区市场监督管理局"}
}

// writeEntity writes the entity's row and its licences: a business
// licence, a food business licence when it sells food, and more versions
// of one of them when the quota asks.
func (g *gen) writeEntity(en entity) error {
	g.scratch = appendDate(g.scratch[:0], en.established)
	if err := g.row(g.out.entities, en.code, en.name, en.typ, en.rep.name, en.rep.id, en.capital, en.address,
		en.scope, string(g.scratch), en.status, en.authority); err != nil {
		return err
	}
	q := g.quota(g.cfg.Persons + en.index)
	if q == 0 {
		return nil
	}
	natural, renew := []int{typeBusiness}, typeBusiness
	if en.food {
		natural, renew = append(natural, typeFood), typeFood
	}
	r := seeded(g.cfg.Seed, streamLicence, uint64(g.cfg.Persons+en.index))
	var buf [2]grant
	h := holder{kind: HolderEntity, id: en.code, name: en.name, gone: en.status != entityActive}
	for _, gr := range plan(q, natural, renew, buf[:0]) {
		if err := g.entityLicence(&r, &en, h, gr); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) entityLicence(r *rng, en *entity, h holder, gr grant) error {
	data := jsonObject{b: g.scratch[:0]}
	if gr.typ == typeBusiness {
		data.add("credit_code", en.code).add("name", en.name).add("type", en.typ).
			add("legal_representative", en.rep.name).add("registered_capital", en.capital).
			add("established_on", dateString(en.established)).add("term", "长期").add("address", en.address).
			add("business_scope", en.scope)
		return g.writeLicence(h, gr, en.established, 0, en.code, data.close())
	}
	first := r.issueBetween(en.established.addDays(r.between(10, 90)), dayOf(g.cfg.AsOf))
	data.add("operator", en.name).add("credit_code", en.code).add("legal_representative", en.rep.name).
		add("premises", en.address).add("main_business", en.foodKind).add("items", foodItems(en.foodKind))
	return g.writeLicence(h, gr, first, 5, foodNumber(en), data.close())
}

func foodItems(kind string) string {
	if kind == "餐饮服务经营者" {
		return "热食类食品制售"
	}
	return "预包装食品（含冷藏冷冻食品）销售；散装食品销售"
}

// foodNumber is a food business licence number: JY, 1 (sales) or 2
// (catering), the division, a serial and a check digit.
func foodNumber(en *entity) string {
	b := []byte("JY1")
	if en.foodKind == "餐饮服务经营者" {
		b[2] = '2'
	}
	b = append(b, en.code[2:8]...)
	b = appendPadded(b, en.index%1_000_000, 6)
	sum := 0
	for _, c := range b[2:] {
		sum += int(c - '0')
	}
	return string(append(b, byte('0'+sum%10)))
}
