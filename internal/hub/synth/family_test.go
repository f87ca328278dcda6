package synth

import (
	"testing"
	"time"
)

// families checks civil affairs' and health's rows against the
// population: spouses name each other and are of opposite sex; children
// are born 20-40 years after each parent, their father is a man and their
// mother a woman.
func (g *generated) families(t *testing.T, people map[string]personRow) (marriages, children int) {
	t.Helper()
	spouse := map[string]string{}
	for _, x := range g.all("civil_affairs/population") {
		tb, row := x.tb, x.row
		id, status, sp := tb.col(row, "公民身份号码"), tb.col(row, "婚姻状况"), tb.col(row, "配偶公民身份号码")
		where := tb.file + " line " + itoa(row.Line)
		p, ok := people[id]
		switch {
		case !ok || p.name != tb.col(row, "姓名"):
			t.Fatalf("%s: %s is not in the population by that name", where, id)
		case status == maritalMarried && people[sp].id == "":
			t.Fatalf("%s: spouse %q is not in the population", where, sp)
		case status != maritalMarried && sp != "":
			t.Fatalf("%s: %s but a spouse %s", where, status, sp)
		case status != maritalMarried && status != maritalDivorce && status != maritalWidow:
			t.Fatalf("%s: marital status %q", where, status)
		case status == maritalMarried && people[sp].sex == p.sex:
			t.Fatalf("%s: spouses of the same sex", where)
		}
		if _, dup := spouse[id]; dup {
			t.Fatalf("%s: %s has two rows", where, id)
		}
		spouse[id] = sp
	}
	for id, sp := range spouse {
		if sp != "" && spouse[sp] != id {
			t.Fatalf("the spouse of %s is %s, whose spouse is %q", id, sp, spouse[sp])
		}
	}
	children = 0
	for _, x := range g.all("health_family_planning/population") {
		tb, row := x.tb, x.row
		where := tb.file + " line " + itoa(row.Line)
		c, f, m := people[tb.col(row, "公民身份号码")], people[tb.col(row, "父亲公民身份号码")], people[tb.col(row, "母亲公民身份号码")]
		switch {
		case c.id == "" || f.id == "" || m.id == "":
			t.Fatalf("%s: child or parent not in the population", where)
		case f.sex != "男" || m.sex != "女":
			t.Fatalf("%s: father %s, mother %s", where, f.sex, m.sex)
		case c.birth != tb.col(row, "出生日期") || c.name != tb.col(row, "姓名"):
			t.Fatalf("%s: name or birth date differ from the population's", where)
		case spouse[f.id] != m.id:
			t.Fatalf("%s: parents %s and %s are not married to each other", where, f.id, m.id)
		}
		for _, parent := range []personRow{f, m} {
			pb, cb := parent.parsed.Birth, c.parsed.Birth
			if cb.Before(pb.AddDate(20, 0, 0)) || cb.After(pb.AddDate(40, 0, 0)) {
				t.Fatalf("%s: child born %s, parent %s", where, cb.Format(time.DateOnly), pb.Format(time.DateOnly))
			}
		}
		children++
	}
	return len(spouse), children
}

// The demo residents of the stories are in every population of two or
// more, married, in 赵庄村, with one child; the demo enterprise is the
// first entity, with 王明 as its legal representative.
func TestDemoResidents(t *testing.T) {
	g := generate(t, Config{Persons: 500, Entities: 20, Licences: 1500, Seed: 99})
	people := g.persons(t)
	li, cui := people[LiXiangID], people[CuiManmanID]
	if li.name != "李想" || cui.name != "崔曼曼" || li.sex != "男" || cui.sex != "女" {
		t.Fatalf("demo residents: %+v %+v", li, cui)
	}
	if li.division != Zhaozhuang || cui.division != Zhaozhuang {
		t.Fatalf("demo residents live in %s and %s, not 赵庄村 %s", li.division, cui.division, Zhaozhuang)
	}
	g.families(t, people)
	married := false
	for _, x := range g.all("civil_affairs/population") {
		if x.tb.col(x.row, "公民身份号码") == LiXiangID && x.tb.col(x.row, "配偶公民身份号码") == CuiManmanID {
			married = true
		}
	}
	var kids []string
	for _, x := range g.all("health_family_planning/population") {
		if x.tb.col(x.row, "父亲公民身份号码") == LiXiangID && x.tb.col(x.row, "母亲公民身份号码") == CuiManmanID {
			kids = append(kids, x.tb.col(x.row, "姓名"))
		}
	}
	if !married || len(kids) != 1 {
		t.Fatalf("married %v, children %v: want married with one child", married, kids)
	}
	if w := people[WangMingID]; w.name != "王明" {
		t.Fatalf("王明 %+v", w)
	}
	ents := g.entities(t, people)
	if ents[DemoEntityID] != DemoEntityName {
		t.Fatalf("demo enterprise: %q", ents[DemoEntityID])
	}
}

// Small populations keep their links inside the population: the demo
// residents come as far as there is room, and nothing points past the end.
func TestSmallPopulations(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 4, 5, 9, 10, 11} {
		cfg := Config{Persons: n, Entities: 3, Licences: 3 * (n + 3), Seed: int64(n)}
		g := generate(t, cfg)
		people := g.persons(t)
		if len(people) != n {
			t.Fatalf("%d persons: got %d", n, len(people))
		}
		if _, ok := people[LiXiangID]; ok != (n >= 2) {
			t.Fatalf("%d persons: 李想 present %v", n, ok)
		}
		if n >= 2 {
			g.families(t, people)
		}
		for _, x := range g.all("market_regulation/entity") {
			if _, err := time.Parse(time.DateOnly, x.tb.col(x.row, "成立日期")); err != nil {
				t.Fatal(err)
			}
		}
		if n > 0 {
			ents := map[string]string{}
			for _, x := range g.all("market_regulation/entity") {
				ents[x.tb.col(x.row, "统一社会信用代码")] = x.tb.col(x.row, "名称")
			}
			if got := g.licences(t, people, ents); got != cfg.Licences {
				t.Fatalf("%d persons: %d licences, want %d", n, got, cfg.Licences)
			}
		}
	}
}
