package synth

import "strconv"

// county is a county-level division of Bozhou whose people the generator
// makes. share is its part of the population (about 1.6 M, 1.7 M, 1.4 M and
// 1.6 M residents with household registration).
type county struct {
	code  string // GB/T 2260, six digits
	name  string
	seat  string // the county seat's town or street, for urban addresses
	share int
	towns []town
}

// town is a street, town or township of bozhou.json, with the villages
// (or communities) the generator invents for it.
type town struct {
	code     string // 12 digits, village part 000
	name     string
	street   bool
	villages []village
}

// village is a village or community: a demo name unless it is one of the
// sample villages of bozhou.json; its 12-digit code extends its town's.
type village struct {
	code string
	name string
}

// prefix is 安徽省亳州市: every Bozhou address starts with it.
const prefix = "安徽省亳州市"

// counties are the four of the seed ("three counties and one district"),
// with the towns of the domain reference (bozhou.json; a test keeps them
// equal). The development zone has no GB/T 2260 code and no residents of
// its own in the generated data.
var counties = []*county{
	{code: "341602", name: "谯城区", seat: "花戏楼街道", share: 16, towns: townsOf("341602",
		"001花戏楼街道", "002薛阁街道", "003汤陵街道", "100古井镇", "101芦庙镇", "102华佗镇", "103魏岗镇",
		"104牛集镇", "105颜集镇", "106五马镇", "107十八里镇", "108谯东镇", "109十九里镇", "110沙土镇",
		"111观堂镇", "112大杨镇", "113城父镇", "114十河镇", "115双沟镇", "116淝河镇", "117古城镇",
		"118龙扬镇", "119立德镇", "200张店乡", "201赵桥乡")},
	{code: "341621", name: "涡阳县", seat: "西阳镇", share: 17, towns: townsOf("341621", "103西阳镇", "121牌坊镇")},
	{code: "341622", name: "蒙城县", seat: "漆园街道", share: 14, towns: townsOf("341622", "001漆园街道", "201王集乡")},
	{code: "341623", name: "利辛县", seat: "城关镇", share: 16, towns: townsOf("341623", "100城关镇", "101阚疃镇")},
}

// sampleVillages are bozhou.json's sample villages, kept at their codes.
var sampleVillages = []village{
	{"341602100201", "古井村"},
	{"341602102201", "华佗村"},
	{"341602108001", "谯东社区"},
	{"341602108201", "赵庄村"},
	{"341621103201", "西阳村"},
	{"341622201201", "王集村"},
	{"341623101201", "阚疃村"},
}

func sampleVillage(code string) (string, bool) {
	for _, v := range sampleVillages {
		if v.code == code {
			return v.name, true
		}
	}
	return "", false
}

// Zhaozhuang is 赵庄村 of 谯东镇, Qiaocheng District: the demo residents'
// village (story 1).
const Zhaozhuang = "341602108201"

// townsOf builds the towns of a county from "NNNname" entries.
func townsOf(cc string, entries ...string) []town {
	out := make([]town, len(entries))
	for i, e := range entries {
		out[i] = town{code: cc + e[:3] + "000", name: e[3:], street: e[0] == '0'}
	}
	return out
}

// villagesPerTown is how many villages (or communities of a street) each
// town gets. The counties other than Qiaocheng have only two towns in the
// reference, so theirs get more.
func villagesPerTown(c *county) int {
	if len(c.towns) > 10 {
		return 16
	}
	return 60
}

var villageSyllables = []string{"庄", "楼", "集", "寨", "营", "湖", "口", "店", "桥", "庙", "园", "圩", "台", "坊", "岗", "洼"}

var communityWords = []string{"幸福", "和平", "建设", "光明", "花园", "新华", "文化", "人民", "站前", "东关",
	"西关", "南关", "北关", "友谊", "团结", "健康", "育才", "银杏", "芍花", "药都", "魏武", "华佗", "涡河", "明珠"}

// init invents the villages. Names and codes depend on nothing but the
// town, so they are the same for every seed.
func init() {
	for _, c := range counties {
		for ti := range c.towns {
			c.towns[ti].villages = inventVillages(&c.towns[ti], villagesPerTown(c))
		}
	}
}

func inventVillages(t *town, n int) []village {
	r := seeded(0, streamVillage, uint64(atoi(t.code)))
	first, base := 200, t.code[:9]
	if t.street {
		first = 0
	}
	seen := map[string]bool{}
	var out []village
	for k := 1; len(out) < n; k++ {
		code := base + pad3(first+k)
		if name, ok := sampleVillage(code); ok {
			out = append(out, village{code, name})
			seen[name] = true
			continue
		}
		var name string
		for name == "" || seen[name] {
			if t.street {
				name = communityWords[r.intn(len(communityWords))] + "社区"
				if seen[name] {
					name = communityWords[r.intn(len(communityWords))] + communityWords[r.intn(len(communityWords))][:3] + "社区"
				}
			} else {
				name = surnames[r.intn(40)].s + villageSyllables[r.intn(len(villageSyllables))] + "村"
			}
		}
		seen[name] = true
		out = append(out, village{code, name})
	}
	for _, v := range sampleVillages { // a sample community outside the invented range
		if v.code[:9] == base && !seen[v.name] {
			out = append(out, v)
		}
	}
	return out
}

// countyByCode finds a county; nil when there is none.
func countyByCode(code string) *county {
	for _, c := range counties {
		if c.code == code {
			return c
		}
	}
	return nil
}

func pad3(n int) string {
	s := strconv.Itoa(n)
	for len(s) < 3 {
		s = "0" + s
	}
	return s
}

func atoi(s string) int {
	v, _ := strconv.Atoi(s)
	return v
}
