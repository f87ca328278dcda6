package demo

import (
	"fmt"

	"github.com/govhall/govhall/internal/catalog"
)

// PlannedDuty is a duty of a county's responsibility list with its
// departments named by function.
type PlannedDuty struct {
	catalog.Duty
	LeadKinds, CooperateKinds []string
}

// DutyList names the responsibility list in the ground truth.
const DutyList = "duty"

type dutyTemplate struct {
	name, en, content string
	basis             []catalog.Basis
	lead              string
	cooperate         []string
}

// duties are a few real duties of a county. The first is the seed's
// example: stray dogs, which livestock, health, police and city management
// all seemed responsible for; now the police lead.
var duties = []dutyTemplate{
	{"流浪犬管理", "Management of stray dogs", "收容、处置流浪犬，查处违法养犬行为，防控狂犬病",
		[]catalog.Basis{{Law: "《中华人民共和国动物防疫法》"}, {Law: "《中华人民共和国治安管理处罚法》", Article: "第七十五条"}},
		"public_security", []string{"livestock_veterinary", "health_family_planning", "city_management"}},
	{"食品安全监督管理", "Food safety supervision", "对食品生产经营活动实施监督管理，组织食品安全事故调查处理",
		[]catalog.Basis{{Law: "《中华人民共和国食品安全法》"}},
		"market_regulation", []string{"health_family_planning", "agriculture"}},
	{"秸秆禁烧监督管理", "Supervision of the ban on burning straw", "划定禁烧区，巡查、制止和查处露天焚烧秸秆行为",
		[]catalog.Basis{{Law: "《中华人民共和国大气污染防治法》"}},
		"environmental_protection", []string{"agriculture", "public_security"}},
	{"建设工程质量安全监督", "Supervision of construction quality and safety", "对房屋建筑和市政基础设施工程的质量安全实施监督",
		[]catalog.Basis{{Law: "《建设工程质量管理条例》"}, {Law: "《建设工程安全生产管理条例》"}},
		"housing_construction", []string{"city_management"}},
	{"农村留守儿童关爱保护", "Care and protection of left-behind children", "摸底排查、建立台账，落实监护责任和关爱服务",
		[]catalog.Basis{{Law: "《中华人民共和国未成年人保护法》"}},
		"civil_affairs", []string{"education", "public_security"}},
	{"违法建设查处", "Dealing with illegal construction", "查处未取得建设工程规划许可证或者未按照许可证规定进行建设的行为",
		[]catalog.Basis{{Law: "《中华人民共和国城乡规划法》", Article: "第六十四条"}},
		"city_management", []string{"housing_construction", "land_resources"}},
}

// dutyPlants are the responsibility-list problems the demo keeps: in 涡阳县
// four departments still claim the stray-dog lead; in 蒙城县 no department
// leads the straw-burning ban (agriculture and environment each cooperate).
var dutyPlants = map[string]map[int][]string{
	"341621000000": {0: {"livestock_veterinary", "health_family_planning", "public_security", "city_management"}},
	"341622000000": {2: {}},
}

func plannedDuties() ([]PlannedDuty, []Planted) {
	var out []PlannedDuty
	var truth []Planted
	for _, p := range countyPlans {
		for i, t := range duties {
			d := PlannedDuty{Duty: catalog.Duty{Jurisdiction: p.code, Code: fmt.Sprintf("%s-ZR-%03d", p.code[:6], i+1),
				Name: t.name, NameEN: t.en, Content: t.content, LegalBasis: t.basis,
				Accountability: "对不履行或者不正确履行职责的，依照有关规定追究责任"},
				LeadKinds: []string{t.lead}, CooperateKinds: t.cooperate}
			if leads, ok := dutyPlants[p.code][i]; ok {
				d.LeadKinds = leads
				d.CooperateKinds = append([]string{t.lead}, t.cooperate...)
				kind := catalog.SeveralLeads
				if len(leads) == 0 {
					kind = catalog.NoLead
				}
				truth = append(truth, Planted{Kind: kind, Jurisdiction: p.code, List: DutyList, Items: []string{d.Code}})
			}
			out = append(out, d)
		}
	}
	return out, truth
}
