package synth

// The demo residents and the demo enterprise of the seed's stories (see
// internal/demo): every population of two or more persons starts with them,
// so the hall's stories find them in the hub. 李想 and 崔曼曼 of 赵庄村 are
// married and have one child (story 4's second-child birth permit needs
// the spouse and the existing child); they work in Maqin County, Qinghai
// (story 1). 王明 is the legal representative of the demo enterprise.
const (
	LiXiangID    = "341602198807150036"
	CuiManmanID  = "341602199003080049"
	WangMingID   = "341602197211030119"
	DemoEntityID = "91341602MA2N0001XK"
	// DemoEntityName is the demo enterprise's name in internal/demo.
	DemoEntityName = "亳州市华佗中药饮片有限公司（演示）"
)

// demoHousehold is the household number of the demo couple.
const demoHousehold = "029999999"

var demoMarried = day{2012, 5, 1}

// demoPersons returns the first n (at most 4) demo residents.
func demoPersons(n int) []person {
	qiaodong := &counties[0].towns[11] // 谯东镇
	zhaozhuang := village{Zhaozhuang, "赵庄村"}
	home := prefix + "谯城区谯东镇赵庄村3组18号"
	huatuo := &counties[0].towns[5] // 华佗镇
	all := []person{
		{index: 0, id: LiXiangID, name: "李想", male: true, birth: day{1988, 7, 15}, town: qiaodong, village: zhaozhuang,
			addr: home, current: "青海省果洛藏族自治州玛沁县大武镇格萨尔路16号", phone: "13800001234",
			marital: maritalMarried, spouse: 1, father: -1, mother: -1, head: true, married: demoMarried},
		{index: 1, id: CuiManmanID, name: "崔曼曼", birth: day{1990, 3, 8}, town: qiaodong, village: zhaozhuang,
			addr: home, current: "青海省果洛藏族自治州玛沁县大武镇格萨尔路16号", phone: "13800005678",
			marital: maritalMarried, spouse: 0, father: -1, mother: -1, married: demoMarried},
		{index: 2, name: "李沐阳", male: true, birth: day{2013, 5, 20}, town: qiaodong, village: zhaozhuang,
			addr: home, current: home, spouse: -1, father: 0, mother: 1},
		{index: 3, id: WangMingID, name: "王明", male: true, birth: day{1972, 11, 3}, town: huatuo,
			village: village{"341602102201", "华佗村"}, addr: prefix + "谯城区华佗镇华佗村5组27号",
			current: prefix + "谯城区华佗镇华佗村5组27号", phone: "13900001111", spouse: -1, father: -1, mother: -1, head: true},
	}
	all[2].id = mustID("341602", all[2].birth, 5)
	out := all[:n]
	for i := range out {
		p := &out[i]
		p.county, p.status = counties[0], statusNormal
		if p.hhNo = demoHousehold; p.index == 3 {
			p.hhNo = "029999998"
		}
		if p.spouse >= n {
			p.spouse, p.marital = -1, ""
		}
	}
	if n > 2 {
		out[0].children, out[1].children = 1, 1
	}
	return out
}
