package catalog_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
)

// benchItems is the size of the searched catalog: the seed's city and four
// county lists together hold about 50,000 items.
const benchItems = 50_000

// Words of generated item names, in the shape of the seed's lists: a
// subject, what the government does about it, and the business-handling
// variant (新设/变更/延续/注销).
var (
	benchSubjects = []string{"食品经营", "药品零售", "医疗器械经营", "道路运输经营", "建筑工程施工", "城镇排水", "燃气经营",
		"出版物零售", "娱乐场所经营", "网吧经营", "旅馆业特种行业", "印章刻制", "烟花爆竹经营", "危险化学品经营",
		"采矿", "林木采伐", "取水", "河道采砂", "建设用地", "乡村建设规划", "建设工程规划", "城市道路占用",
		"户外广告设置", "医师执业", "护士执业", "教师资格", "民办学校办学", "养老机构设立", "社会团体登记",
		"民办非企业单位登记", "婚姻登记", "收养登记", "生育服务", "流动人口婚育", "户口迁移", "居民身份证",
		"机动车驾驶证", "社会保险登记", "失业保险金", "职业资格", "农药经营", "兽药经营", "种子生产经营",
		"动物防疫条件", "生猪定点屠宰", "中药材种植", "中药饮片生产", "排污", "建设项目环境影响评价", "辐射安全",
		"消防设计", "人防工程", "商品房预售", "房地产开发企业资质", "物业服务企业资质", "公共场所卫生",
		"饮用水供水单位卫生", "放射诊疗", "计划生育家庭奖励扶助", "残疾人证", "最低生活保障", "特困人员供养"}
	benchActions = []string{"许可", "审批", "核准", "登记", "备案", "证明", "确认", "验收", "年检", "认定",
		"资格审查", "补贴发放"}
	benchVariants  = []string{"", "（新设）", "（变更）", "（延续）", "（注销）", "（补证）"}
	benchMaterials = []string{"居民身份证", "营业执照", "申请书", "结婚证", "居民户口簿", "场所平面图",
		"法定代表人身份证明", "授权委托书", "环境影响报告表", "检验检测报告", "出生医学证明", "社会保障卡"}
	benchLaws = []string{"《中华人民共和国行政许可法》", "《中华人民共和国食品安全法》", "《中华人民共和国环境影响评价法》",
		"《流动人口计划生育工作条例》", "《中华人民共和国公司法》", "《安徽省人口与计划生育条例》", "《中华人民共和国道路运输条例》"}
)

// benchCatalog makes benchItems published items over the fixture's three
// jurisdictions, with names from the words above and the penalties that
// make up most of a power list ("对……的处罚"), each with two or three
// materials and a law: what the search text of a real item holds.
func benchCatalog() []catalog.Item {
	jurs := []string{cityCode, qiaocheng, guoyang}
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]catalog.Item, 0, benchItems)
	for i := 0; len(out) < benchItems; i++ {
		subj := benchSubjects[rng.IntN(len(benchSubjects))]
		name := subj + benchActions[rng.IntN(len(benchActions))] + benchVariants[rng.IntN(len(benchVariants))]
		typ := "01"
		if rng.IntN(3) == 0 {
			name, typ = "对未经"+subj+benchActions[rng.IntN(3)]+"擅自从事经营活动的处罚", "02"
		}
		var mats []string
		for range 2 + rng.IntN(2) {
			mats = append(mats, benchMaterials[rng.IntN(len(benchMaterials))])
		}
		it := leaf(jurs[i%len(jurs)], fmt.Sprintf("B%06d", i), name, mats...)
		it.Type, it.Generated = typ, true
		it.Doc.LegalBasis = []catalog.Basis{{Law: benchLaws[rng.IntN(len(benchLaws))]}}
		it.Events = []string{catalog.LifeEvents[rng.IntN(len(catalog.LifeEvents))]}
		out = append(out, it)
	}
	return out
}

// benchQueries are what people type: the story items' words, and pieces of
// generated names of one to six characters.
func benchQueries(items []catalog.Item) (short, long []string) {
	short = []string{"婚育", "证明", "许可", "登记", "处罚", "备案", "医", "生育"}
	long = []string{"流动人口婚育证明", "食品经营许可", "营业执照", "环境影响评价", "建设项目竣工", "企业设立登记", "结婚证"}
	rng := rand.New(rand.NewPCG(3, 4))
	for len(short) < 40 || len(long) < 40 {
		name := []rune(items[rng.IntN(len(items))].Name)
		n := 1 + rng.IntN(6)
		if len(name) <= n {
			continue
		}
		at := rng.IntN(len(name) - n)
		q := string(name[at : at+n])
		if utf8.RuneCountInString(q) < 3 && len(short) < 40 {
			short = append(short, q)
		} else if utf8.RuneCountInString(q) >= 3 && len(long) < 40 {
			long = append(long, q)
		}
	}
	return short, long
}

// BenchmarkSearch searches a seed-scale catalog (50,000 published items)
// for terms shorter than a trigram (the grams) and of three or more
// characters (the trigrams), without and with a filter (a jurisdiction or
// a life event, as /catalog offers), a page of 20 with its total, as
// /catalog does, and reports the median and 99th percentile per query.
// Target: p99 < 20 ms on both engines.
//
//	go test ./internal/catalog -run '^$' -bench 'Search/sqlite' -benchtime 2000x
func BenchmarkSearch(b *testing.B) {
	items := benchCatalog()
	short, long := benchQueries(items)
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			var d *db.DB
			if engine == "sqlite" {
				d = dbtest.SQLite(b)
			} else {
				d = dbtest.Postgres(b)
			}
			s, ctx := searchHall(b, d)
			start := time.Now()
			for chunk := range slices.Chunk(items, 5000) {
				if err := s.CreateMany(ctx, chunk); err != nil {
					b.Fatal(err)
				}
			}
			// A hall in service: PostgreSQL's autovacuum has set the
			// visibility map the index-only scans of the postings need.
			settle := "ANALYZE"
			if engine == "postgres" {
				settle = "VACUUM ANALYZE"
			}
			if _, err := d.Exec(ctx, settle); err != nil {
				b.Fatal(err)
			}
			b.Logf("%s: %d items stored in %s", engine, len(items), time.Since(start).Round(time.Millisecond))
			filters := []catalog.Filter{{Jurisdiction: guoyang}, {Event: "birth"}, {Event: "marriage", Jurisdiction: qiaocheng}}
			for _, set := range []struct {
				name    string
				queries []string
				filters []catalog.Filter
			}{{"short", short, nil}, {"trigram", long, nil}, {"short-filtered", short, filters}, {"trigram-filtered", long, filters}} {
				b.Run(set.name, func(b *testing.B) { benchQueriesOn(b, ctx, s, set.queries, set.filters) })
			}
		})
	}
}

func benchQueriesOn(b *testing.B, ctx context.Context, s *catalog.Service, queries []string, filters []catalog.Filter) {
	var took []time.Duration
	found := 0
	i := 0
	slowest, slowQ, slowN := time.Duration(0), "", 0
	for b.Loop() {
		q := queries[i%len(queries)]
		f := catalog.Filter{Limit: 20}
		if len(filters) > 0 {
			f = filters[i%len(filters)]
			f.Limit = 20
		}
		i++
		t0 := time.Now()
		res, err := s.Search(ctx, q, f)
		total := res.Total
		d := time.Since(t0)
		took = append(took, d)
		if err != nil {
			b.Fatalf("search %q: %v", q, err)
		}
		if d > slowest {
			slowest, slowQ, slowN = d, q, total
		}
		found += total
	}
	b.Logf("slowest: %q (%d matches) in %s", slowQ, slowN, slowest.Round(time.Microsecond))
	if found == 0 {
		b.Fatal("no query found anything: the benchmark measures nothing")
	}
	slices.Sort(took)
	pct := func(p float64) float64 {
		return float64(took[min(len(took)-1, int(p*float64(len(took))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(found)/float64(len(took)), "hits/query")
}
