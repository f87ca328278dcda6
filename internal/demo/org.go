// Package demo builds the demo hall of Bozhou: its jurisdictions from the
// domain reference (bozhou.json), typical city and county departments with
// their posts, and the service points of every level. Divisions, credit
// codes and points that were invented for the demo are stored with
// confirmed=false and shown as demo data. It also builds the demo service
// catalog on the seed's scale with its ground truth (catalog.go) and the
// hand-written items of the stories (catalog/*.json).
//
// Seeding is idempotent: every object is created only when missing, and the
// seed is marked done in the seeds table, so a second start seeds nothing.
package demo

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/ids"
	"github.com/govhall/govhall/internal/org"
)

//go:embed bozhou.json
var bozhouJSON []byte

type division struct {
	Code      string     `json:"code"`
	GBT2260   *string    `json:"gbt2260"`
	Name      string     `json:"name"`
	NameEN    string     `json:"name_en"`
	Kind      string     `json:"kind"`
	Town      string     `json:"town"`
	Confirmed *bool      `json:"confirmed"`
	Note      string     `json:"note"`
	Towns     []division `json:"towns"`
}

type bozhou struct {
	City     division   `json:"city"`
	Counties []division `json:"counties"`
	Villages []division `json:"sample_villages"`
}

// deptKind is a typical department: its function key and its names at city
// and county level (the names of 2014).
type deptKind struct {
	Kind, City, County, EN string
}

var departments = []deptKind{
	{"public_security", "公安局", "公安局", "Public Security Bureau"},
	{"civil_affairs", "民政局", "民政局", "Civil Affairs Bureau"},
	{"health_family_planning", "卫生和计划生育委员会", "卫生和计划生育委员会", "Health and Family Planning Commission"},
	{"market_regulation", "市场监督管理局", "市场监督管理局", "Market Regulation Administration"},
	{"environmental_protection", "环境保护局", "环境保护局", "Environmental Protection Bureau"},
	{"housing_construction", "住房和城乡建设委员会", "住房和城乡建设局", "Housing and Urban-Rural Development"},
	{"human_resources_social_security", "人力资源和社会保障局", "人力资源和社会保障局", "Human Resources and Social Security Bureau"},
	{"development_reform", "发展和改革委员会", "发展和改革委员会", "Development and Reform Commission"},
	{"land_resources", "国土资源局", "国土资源局", "Land and Resources Bureau"},
	{"education", "教育局", "教育局", "Education Bureau"},
	{"transport", "交通运输局", "交通运输局", "Transport Bureau"},
	{"agriculture", "农业委员会", "农业委员会", "Agriculture Commission"},
	{"livestock_veterinary", "畜牧兽医局", "畜牧兽医局", "Livestock and Veterinary Bureau"},
	{"city_management", "城市管理行政执法局", "城市管理行政执法局", "Urban Management Bureau"},
	{"supervision", "监察局", "监察局", "Supervision Bureau"},
	{"government_services", "政务服务中心管理办公室", "政务服务中心管理办公室", "Government Services Centre Office"},
}

// zoneDepartments are the few bureaus of the development zone's committee.
var zoneDepartments = []string{"market_regulation", "environmental_protection", "housing_construction", "land_resources", "government_services"}

type post struct{ Name, EN, Duty string }

// posts are the steps every department's approvals pass through.
var posts = []post{
	{"受理岗", "Acceptance", "接收申请、核对材料、出具受理或不予受理通知"},
	{"审查岗", "Review", "审查材料的实质内容，提出审查意见"},
	{"决定岗", "Decision", "作出准予或不予许可的决定并签发"},
}

var supervisionPosts = []post{{"电子监察岗", "Electronic supervision", "监督办件时限与程序，处理预警与投诉"}}

// SeedName marks the organisation seed in the seeds table.
const SeedName = "org-bozhou-v1"

// SeedOrg builds the demo structure. It reports whether it did anything
// (false when the seed was already applied).
func SeedOrg(ctx context.Context, d *db.DB, s *org.Service) (bool, error) {
	var n int
	if err := d.QueryRow(ctx, "SELECT count(*) FROM seeds WHERE name = ?", SeedName).Scan(&n); err != nil {
		return false, fmt.Errorf("read seeds: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	var b bozhou
	if err := json.Unmarshal(bozhouJSON, &b); err != nil {
		return false, fmt.Errorf("demo divisions: %w", err)
	}
	sd := seeder{ctx: ctx, s: s}
	sd.hall(b.City, "", "city", departmentKinds(nil))
	for _, c := range b.Counties {
		kinds := departmentKinds(nil)
		if c.Kind == "zone" {
			kinds = departmentKinds(zoneDepartments)
		}
		sd.hall(c, b.City.Code, c.Kind, kinds)
		for _, t := range c.Towns {
			sd.division(t, c.Code, t.Kind)
			sd.point(t.Code, org.Centre, t.Name+"便民服务中心", "", isConfirmed(t))
		}
	}
	for _, v := range b.Villages {
		kind := "village"
		if v.Code[9] == '0' { // village part 001-199: a community
			kind = "community"
		}
		sd.division(v, v.Town, kind)
		sd.point(v.Code, org.Proxy, v.Name+"代办点", v.NameEN+" proxy point", false)
	}
	if sd.err != nil {
		return false, sd.err
	}
	if _, err := d.Exec(ctx, "INSERT INTO seeds (name, applied_at) VALUES (?, ?)", SeedName, time.Now().UTC()); err != nil {
		return false, fmt.Errorf("mark seed: %w", err)
	}
	return true, nil
}

func departmentKinds(only []string) []deptKind {
	if only == nil {
		return departments
	}
	var out []deptKind
	for _, k := range departments {
		for _, o := range only {
			if k.Kind == o {
				out = append(out, k)
			}
		}
	}
	return out
}

func isConfirmed(d division) bool { return d.Confirmed == nil || *d.Confirmed }

// seeder creates what is missing and keeps the first error.
type seeder struct {
	ctx  context.Context
	s    *org.Service
	err  error
	nDep int
}

func (sd *seeder) division(v division, parent, kind string) {
	if sd.err != nil {
		return
	}
	if _, err := sd.s.Jurisdiction(sd.ctx, v.Code); err == nil {
		return
	} else if !errors.Is(err, db.ErrNotFound) {
		sd.err = err
		return
	}
	gbt := ""
	if v.GBT2260 != nil {
		gbt = *v.GBT2260
	}
	_, sd.err = sd.s.CreateJurisdiction(sd.ctx, org.Jurisdiction{Code: v.Code, GBT2260: gbt, ParentCode: parent,
		Kind: kind, Name: v.Name, NameEN: v.NameEN, Confirmed: isConfirmed(v), Note: v.Note})
}

// hall creates a city or county-level division with its service centre,
// departments and posts.
func (sd *seeder) hall(v division, parent, kind string, kinds []deptKind) {
	sd.division(v, parent, kind)
	sd.point(v.Code, org.Centre, v.Name+"政务服务中心", v.NameEN+" Government Services Centre", isConfirmed(v))
	for _, k := range kinds {
		sd.department(v, k)
	}
}

func (sd *seeder) department(j division, k deptKind) {
	sd.nDep++
	if sd.err != nil {
		return
	}
	deps, err := sd.s.Departments(sd.ctx, j.Code)
	if err != nil {
		sd.err = err
		return
	}
	var dep org.Department
	for _, d := range deps {
		if d.Kind == k.Kind {
			dep = d
		}
	}
	if dep.ID == 0 {
		dep, sd.err = sd.createDepartment(j, k)
		if sd.err != nil {
			return
		}
	}
	have, err := sd.s.Posts(sd.ctx, dep.ID)
	if err != nil {
		sd.err = err
		return
	}
	ps := posts
	if k.Kind == "supervision" {
		ps = supervisionPosts
	}
next:
	for _, p := range ps {
		for _, h := range have {
			if h.Name == p.Name {
				continue next
			}
		}
		if _, err := sd.s.CreatePost(sd.ctx, org.Post{DepartmentID: dep.ID, Name: p.Name, NameEN: p.EN, Duty: p.Duty}); err != nil {
			sd.err = err
			return
		}
	}
}

func (sd *seeder) createDepartment(j division, k deptKind) (org.Department, error) {
	name := j.Name + k.County
	if j.Kind == "city" {
		name = j.Name + k.City
	}
	// Demo credit codes: organ (11), the division, a serial organisation code.
	code, err := ids.MakeCreditCode("11", j.Code[:6], fmt.Sprintf("%08d", 30000000+sd.nDep))
	if err != nil {
		return org.Department{}, err
	}
	return sd.s.CreateDepartment(sd.ctx, org.Department{JurisdictionCode: j.Code, Kind: k.Kind,
		Name: name, NameEN: j.NameEN + " " + k.EN, CreditCode: code, Confirmed: false})
}

func (sd *seeder) point(code, kind, name, nameEN string, confirmed bool) {
	if sd.err != nil {
		return
	}
	j, err := sd.s.Jurisdiction(sd.ctx, code)
	if err != nil {
		sd.err = err
		return
	}
	pts, err := sd.s.ServicePoints(sd.ctx, j)
	if err != nil {
		sd.err = err
		return
	}
	for _, p := range pts {
		if p.JurisdictionCode == code && p.Kind == kind {
			return
		}
	}
	_, sd.err = sd.s.CreateServicePoint(sd.ctx, org.ServicePoint{JurisdictionCode: code, Kind: kind, Name: name,
		NameEN: nameEN, Hours: "周一至周五 8:30-12:00, 14:30-17:30", Confirmed: confirmed})
}
