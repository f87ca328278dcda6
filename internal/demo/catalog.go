package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/ids"
	"github.com/govhall/govhall/internal/org"
)

// The demo catalog: a standard catalog and the city's and four counties'
// lists on the seed's scale (seed-story.md), generated deterministically,
// with every discrepancy planted in the county lists recorded as ground
// truth for the audit; plus the hand-written, complete items of the
// stories, published where they are handled.

// CityCode is the city's division code.
const CityCode = "341600000000"

// CatalogSeedName marks the demo catalog in the seeds table.
const CatalogSeedName = "catalog-bozhou-v1"

// TestCatalogScale is the scale of the demo catalog when Seed is called
// without Options (other packages' tests): every kind of item and
// discrepancy, a fiftieth of the counts.
const TestCatalogScale = 0.02

// TestPersons is the population of a test hall's data hub: enough for the
// demo residents and their families, small enough to seed in a blink.
const TestPersons = 50

// MaxCatalogScale bounds the scale: the generated codes have room for it.
const MaxCatalogScale = 2.0

// catalogRandSeed makes the generated catalog the same on every run.
const catalogRandSeed = 20141201

// CatalogPlan is the demo catalog before it is stored.
type CatalogPlan struct {
	Scale   float64
	Basic   []catalog.BasicItem // the standard catalog, parents first
	Lists   []PlannedList       // reported lists: the city's, then the counties'
	Stories []StoryItem         // hand-written items, published
	Duties  []PlannedDuty
	Truth   []Planted
}

// PlannedList is one jurisdiction's reported list; DeptKinds[i] is the
// function of the department that implements Items[i].
type PlannedList struct {
	Jurisdiction string
	Items        []catalog.Item
	DeptKinds    []string
}

// Count is how many business-handling items of a list it has.
func (p PlannedList) Count(list string) int {
	n := 0
	for _, it := range p.Items {
		if it.List == list && it.Node == catalog.Handling {
			n++
		}
	}
	return n
}

// GenerateCatalog builds the demo catalog at a scale (1 = the seed's
// counts) without storing it.
func GenerateCatalog(scale float64) (*CatalogPlan, error) {
	if !(scale > 0 && scale <= MaxCatalogScale) {
		return nil, errs.Field("scale", "demo.error.scale", map[string]any{"max": MaxCatalogScale})
	}
	stories, err := LoadStories()
	if err != nil {
		return nil, err
	}
	g := newGenerator(catalogRandSeed)
	var storyBasic []catalog.BasicItem
	for _, s := range stories.Files {
		storyBasic = append(storyBasic, s.Basic...)
	}
	g.generateStandard(storyBasic, scale)
	plan := &CatalogPlan{Scale: scale, Basic: g.std.basic, Stories: stories.Items}
	city := g.cityList()
	plan.Lists = append(plan.Lists, PlannedList{Jurisdiction: CityCode, Items: city.items, DeptKinds: city.kinds})
	vp := g.planValues(countyPlans, scale)
	for _, p := range countyPlans {
		lb := &listBuild{jur: p.code}
		for _, l := range []struct {
			list                          string
			missing, split, extra, target int
			absorb                        int // when target is not given
		}{
			{catalog.PowerList, p.missing, p.split, p.extra, p.power, 0},
			{catalog.PublicServiceList, p.psMissing, 0, p.psExtra, -1, p.psAbsorb},
			{catalog.FeeList, p.feeMiss, 0, p.feeExt, -1, 0},
		} {
			cb := g.countyBuild(p, l.list, vp, catalogRandSeed)
			missing, split, extra := scaled(l.missing, scale, true), scaled(l.split, scale, true), scaled(l.extra, scale, true)
			target := scaled(l.target, scale, false)
			if l.target < 0 { // the count follows from the discrepancies
				standard := len(cb.leaves(func(*leafInfo) bool { return true }))
				target = standard - min(missing, standard) + extra - scaled(l.absorb, scale, true)
			}
			if err := cb.planList(missing, split, extra, target); err != nil {
				return nil, err
			}
			cb.build(lb, vp, extra)
		}
		plan.Lists = append(plan.Lists, PlannedList{Jurisdiction: p.code, Items: lb.items, DeptKinds: lb.kinds})
		plan.Truth = append(plan.Truth, lb.truth...)
	}
	duties, truth := plannedDuties()
	plan.Duties, plan.Truth = duties, append(plan.Truth, truth...)
	return plan, nil
}

// CountyPowerTargets are the power items each county reported at the end
// of 2014 (our assignment of the seed's four figures), times scale.
func CountyPowerTargets(scale float64) map[string]int {
	out := map[string]int{}
	for _, p := range countyPlans {
		out[p.code] = scaled(p.power, scale, false)
	}
	return out
}

// SeedCatalog stores the demo catalog at a scale (0 = 1, the seed's
// counts) unless it is there already, and reports whether it did anything.
// progress, when set, is told after each step what it stored and how many
// of the total rows (standard items, list items, duties) are stored.
func SeedCatalog(ctx context.Context, d *db.DB, o *org.Service, c *catalog.Service, scale float64,
	progress func(step string, done, total int)) (bool, error) {
	var n int
	if err := d.QueryRow(ctx, "SELECT count(*) FROM seeds WHERE name = ?", CatalogSeedName).Scan(&n); err != nil {
		return false, fmt.Errorf("read seeds: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	if scale == 0 {
		scale = 1
	}
	if progress == nil {
		progress = func(string, int, int) {}
	}
	if actor.From(ctx).Kind == "" {
		ctx = actor.With(ctx, actor.System("demo-catalog"))
	}
	plan, err := GenerateCatalog(scale)
	if err != nil {
		return false, err
	}
	if err := storePlan(ctx, d, o, c, plan, progress); err != nil {
		return false, err
	}
	if _, err := d.Exec(ctx, "INSERT INTO seeds (name, applied_at) VALUES (?, ?)", CatalogSeedName, time.Now().UTC()); err != nil {
		return false, fmt.Errorf("mark seed: %w", err)
	}
	return true, nil
}

// storePlan stores the catalog, one transaction per part. A part stored
// by an earlier run that stopped half-way is not stored again, so running
// the seed again finishes the job.
func storePlan(ctx context.Context, d *db.DB, o *org.Service, c *catalog.Service, plan *CatalogPlan,
	progress func(string, int, int)) error {
	depts, err := catalogDepartments(ctx, o)
	if err != nil {
		return err
	}
	if err := c.PutBasic(ctx, plan.Basic); err != nil {
		return fmt.Errorf("demo catalog: standard: %w", err)
	}
	total, done := len(plan.Basic)+len(plan.Duties), 0
	for _, l := range plan.Lists {
		total += len(l.Items)
	}
	for _, s := range plan.Stories {
		total += len(s.Jurisdictions())
	}
	step := func(n int, s string) {
		done += n
		progress(s, done, total)
	}
	step(len(plan.Basic), fmt.Sprintf("standard catalog: %d items", len(plan.Basic)))
	for _, l := range plan.Lists {
		for i := range l.Items {
			l.Items[i].DepartmentID = depts[l.Jurisdiction][l.DeptKinds[i]].ID
		}
		if err := createOnce(ctx, d, c, l.Jurisdiction, l.Items); err != nil {
			return fmt.Errorf("demo catalog: list of %s: %w", l.Jurisdiction, err)
		}
		step(len(l.Items), fmt.Sprintf("list of %s: %d items, %d power items", l.Jurisdiction, len(l.Items), l.Count(catalog.PowerList)))
	}
	if err := seedStories(ctx, d, o, c, plan.Stories, depts); err != nil {
		return err
	}
	step(total-done-len(plan.Duties), fmt.Sprintf("hand-written items: %d", len(plan.Stories)))
	if err := seedDuties(ctx, c, plan.Duties, depts); err != nil {
		return err
	}
	step(len(plan.Duties), fmt.Sprintf("responsibility list: %d duties", len(plan.Duties)))
	return nil
}

// createOnce creates a jurisdiction's items in one transaction unless the
// first of them is there already (stored by an earlier, interrupted run).
func createOnce(ctx context.Context, d *db.DB, c *catalog.Service, jur string, items []catalog.Item) error {
	if len(items) == 0 {
		return nil
	}
	var n int
	if err := d.QueryRow(ctx, "SELECT count(*) FROM catalog_items WHERE jurisdiction_code = ? AND code = ?",
		jur, items[0].Code).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	return c.CreateMany(ctx, items)
}

// townOffice is the family-planning office of 赵庄村's town (谯东镇), which
// issues the floating-population certificate (story 1). Towns have no
// departments in the organisation seed; the catalog seed adds this one.
var townOffice = struct{ jur, kind, name, en string }{
	"341602108000", "health_family_planning", "谯东镇人口和计划生育办公室", "Qiaodong Town Family Planning Office"}

// catalogDepartments finds the departments of the city, the counties and
// the town by function, creating the town's office when missing.
func catalogDepartments(ctx context.Context, o *org.Service) (map[string]map[string]org.Department, error) {
	out := map[string]map[string]org.Department{}
	jurs := []string{CityCode, townOffice.jur}
	for _, p := range countyPlans {
		jurs = append(jurs, p.code)
	}
	for _, j := range jurs {
		deps, err := o.Departments(ctx, j)
		if err != nil {
			return nil, err
		}
		out[j] = map[string]org.Department{}
		for _, d := range deps {
			out[j][d.Kind] = d
		}
	}
	if _, ok := out[townOffice.jur][townOffice.kind]; !ok {
		code, err := demoCreditCode("341602", 39000001)
		if err != nil {
			return nil, err
		}
		dep, err := o.CreateDepartment(ctx, org.Department{JurisdictionCode: townOffice.jur, Kind: townOffice.kind,
			Name: townOffice.name, NameEN: townOffice.en, CreditCode: code})
		if err != nil {
			return nil, fmt.Errorf("demo catalog: town office: %w", err)
		}
		out[townOffice.jur][townOffice.kind] = dep
	}
	return out, nil
}

// seedDuties stores the responsibility lists.
func seedDuties(ctx context.Context, c *catalog.Service, duties []PlannedDuty, depts map[string]map[string]org.Department) error {
	for _, pd := range duties {
		d := pd.Duty
		ids := func(kinds []string) []int64 {
			out := []int64{}
			for _, k := range kinds {
				if dep, ok := depts[d.Jurisdiction][k]; ok {
					out = append(out, dep.ID)
				}
			}
			return out
		}
		d.Lead, d.Cooperate = ids(pd.LeadKinds), ids(slices.DeleteFunc(slices.Clone(pd.CooperateKinds),
			func(k string) bool { return slices.Contains(pd.LeadKinds, k) }))
		if _, err := c.PutDuty(ctx, d); err != nil {
			return fmt.Errorf("demo catalog: duty %s of %s: %w", d.Code, d.Jurisdiction, err)
		}
	}
	return nil
}

// demoCreditCode is an invented credit code of a government organ (11) of
// a division, with valid check characters.
func demoCreditCode(division string, serial int) (string, error) {
	return ids.MakeCreditCode("11", division, fmt.Sprintf("%08d", serial))
}
