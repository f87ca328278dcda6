package catalog

import (
	"fmt"
	"maps"
	"math/big"
	"regexp"
	"slices"
	"strings"

	"github.com/govhall/govhall/internal/errs"
)

var fieldKey = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// Check validates an item. Every problem is a field error (errs.Fields
// lists them all). With publish set it also enforces what an item must have
// before applicants see it: minimum granularity (a leaf implements at most
// one standard leaf — "no merging or stacking"), and a flowchart and service
// objects for a leaf that can be applied for. A legal basis is always
// required: 法无授权不可为.
func Check(it Item, publish bool) error {
	var list []error
	bad := func(field, key string, args map[string]any) { list = append(list, errs.Field(field, key, args)) }
	if len(it.Jurisdiction) != 12 || strings.Trim(it.Jurisdiction, "0123456789") != "" {
		bad("jurisdiction", "catalog.error.jurisdiction", nil)
	}
	if strings.TrimSpace(it.Code) == "" {
		bad("code", "error.required", nil)
	}
	if strings.TrimSpace(it.Name) == "" {
		bad("name", "error.required", nil)
	}
	if !slices.Contains([]string{Main, Sub, Handling}, it.Node) {
		bad("node", "catalog.error.node", nil)
	}
	if _, ok := Types[it.Type]; !ok {
		bad("type", "catalog.error.type", nil)
	}
	if !slices.Contains([]string{PowerList, PublicServiceList, FeeList}, it.List) {
		bad("list", "catalog.error.list", nil)
	}
	if it.Status != "" && !slices.Contains([]string{Reported, Draft, Published, Withdrawn}, it.Status) {
		bad("status", "catalog.error.status", nil)
	}
	if it.Node != Handling && len(it.Covers) > 0 {
		bad("covers", "catalog.error.covers_not_leaf", nil)
	}
	for _, e := range it.Events {
		if !slices.Contains(LifeEvents, e) {
			bad("events", "catalog.error.event", map[string]any{"event": e})
		}
	}
	list = append(list, checkDoc(it.Doc)...)
	if publish {
		list = append(list, checkPublish(it)...)
	}
	return errs.Join(list...)
}

func checkPublish(it Item) []error {
	var list []error
	if it.Node == Handling && len(it.Covers) > 1 {
		list = append(list, errs.Field("covers", "catalog.error.merged", map[string]any{"count": len(it.Covers)}))
	}
	if it.Node == Handling && Applicable(it.Type) {
		if len(it.Doc.Flow) == 0 {
			list = append(list, errs.Field("doc.flow", "catalog.error.flow_required", nil))
		}
		if len(it.Doc.Objects) == 0 {
			list = append(list, errs.Field("doc.objects", "error.required", nil))
		}
	}
	return list
}

func checkDoc(d Doc) []error {
	var list []error
	bad := func(field, key string, args map[string]any) { list = append(list, errs.Field(field, key, args)) }
	basis := 0
	for i, b := range d.LegalBasis {
		if strings.TrimSpace(b.Law) == "" {
			bad(fmt.Sprintf("doc.legal_basis[%d].law", i), "error.required", nil)
		} else {
			basis++
		}
	}
	if basis == 0 {
		bad("doc.legal_basis", "catalog.error.basis_required", nil)
	}
	if d.PowerSource < 0 || d.PowerSource > 6 {
		bad("doc.power_source", "catalog.error.power_source", nil)
	}
	if d.BodyNature < 0 || d.BodyNature > 3 {
		bad("doc.body_nature", "catalog.error.body_nature", nil)
	}
	for _, l := range d.UseLevels {
		if l < LevelNation || l > LevelVillage {
			bad("doc.use_levels", "catalog.error.use_level", nil)
			break
		}
	}
	if d.Statutory.Days < 0 || d.Promised.Days < 0 {
		bad("doc.promised", "catalog.error.days", nil)
	}
	if d.Statutory.Days > 0 && d.Promised.Days > d.Statutory.Days {
		bad("doc.promised", "catalog.error.promised_exceeds",
			map[string]any{"promised": d.Promised.Days, "statutory": d.Statutory.Days})
	}
	if d.CaseType != Immediate && d.CaseType != Promised {
		bad("doc.case_type", "catalog.error.case_type", nil)
	}
	for _, o := range d.Objects {
		if !slices.Contains([]int{1, 2, 3, 4, 5, 6, 9}, o) {
			bad("doc.objects", "catalog.error.object", nil)
			break
		}
	}
	if d.Visits < 0 || d.Visits > 9 {
		bad("doc.visits", "catalog.error.visits", nil)
	} else if d.Visits > 0 && !slices.Contains(VisitReasons, d.VisitReason) {
		bad("doc.visit_reason", "catalog.error.visit_reason", nil)
	}
	if d.OnlineDepth < 0 || d.OnlineDepth > 4 {
		bad("doc.online_depth", "catalog.error.online_depth", nil)
	}
	list = append(list, checkMaterials(d.Materials)...)
	numeric, fields := checkForm(d.Form)
	list = append(list, fields...)
	list = append(list, checkFees(d.Fees, numeric)...)
	list = append(list, checkFlow(d.Flow)...)
	for i, r := range d.Results {
		if strings.TrimSpace(r.Name) == "" {
			bad(fmt.Sprintf("doc.results[%d].name", i), "error.required", nil)
		}
	}
	return list
}

func checkMaterials(ms []Material) []error {
	var list []error
	for i, m := range ms {
		at := func(f string) string { return fmt.Sprintf("doc.materials[%d].%s", i, f) }
		if strings.TrimSpace(m.Name) == "" {
			list = append(list, errs.Field(at("name"), "error.required", nil))
		}
		if !slices.Contains([]string{"required", "conditional", "optional"}, m.Necessity) {
			list = append(list, errs.Field(at("necessity"), "catalog.error.necessity", nil))
		}
		if !slices.Contains([]string{"original", "copy", "licence", "form"}, m.Kind) {
			list = append(list, errs.Field(at("kind"), "catalog.error.material_kind", nil))
		}
		switch m.Source {
		case FromApplicant:
		case FromHub:
			if m.HubElement == "" {
				list = append(list, errs.Field(at("hub_element"), "catalog.error.hub_element", nil))
			}
		case FromLicence:
			if m.LicenceType == "" {
				list = append(list, errs.Field(at("licence_type"), "catalog.error.licence_type", nil))
			}
		default:
			list = append(list, errs.Field(at("source"), "catalog.error.material_source", nil))
		}
	}
	return list
}

// checkForm validates the form and returns the keys of its number fields,
// which fee formulas may use.
func checkForm(fs []Field) (map[string]bool, []error) {
	var list []error
	numeric := map[string]bool{}
	seen := map[string]bool{}
	for i, f := range fs {
		at := func(s string) string { return fmt.Sprintf("doc.form[%d].%s", i, s) }
		if !fieldKey.MatchString(f.Key) {
			list = append(list, errs.Field(at("key"), "catalog.error.field_key", nil))
		} else if seen[f.Key] {
			list = append(list, errs.Field(at("key"), "catalog.error.field_duplicate", map[string]any{"key": f.Key}))
		}
		seen[f.Key] = true
		if strings.TrimSpace(f.Label) == "" {
			list = append(list, errs.Field(at("label"), "error.required", nil))
		}
		if !slices.Contains(FieldTypes, f.Type) {
			list = append(list, errs.Field(at("type"), "catalog.error.field_type", nil))
		}
		if f.Type == "number" {
			numeric[f.Key] = true
		}
		if f.Type == "select" && len(f.Options) == 0 {
			list = append(list, errs.Field(at("options"), "catalog.error.field_options", nil))
		}
		if f.Pattern != "" {
			if _, err := regexp.Compile(f.Pattern); err != nil {
				list = append(list, errs.Field(at("pattern"), "catalog.error.field_pattern", nil))
			}
		}
		if f.Min != nil && f.Max != nil && *f.Min > *f.Max {
			list = append(list, errs.Field(at("max"), "catalog.error.field_range", nil))
		}
	}
	return numeric, list
}

func checkFees(fs []Fee, numeric map[string]bool) []error {
	var list []error
	for i, f := range fs {
		at := func(s string) string { return fmt.Sprintf("doc.fees[%d].%s", i, s) }
		if strings.TrimSpace(f.Name) == "" {
			list = append(list, errs.Field(at("name"), "error.required", nil))
		}
		if strings.TrimSpace(f.Basis.Law) == "" {
			list = append(list, errs.Field(at("basis"), "catalog.error.fee_basis", nil))
		}
		switch {
		case (f.Amount == "") == (f.Formula == ""):
			list = append(list, errs.Field(at("amount"), "catalog.error.fee_amount", nil))
		case f.Formula != "":
			used, err := FormulaFields(f.Formula)
			if err != nil {
				list = append(list, errs.Field(at("formula"), "catalog.error.fee_formula", map[string]any{"detail": err.Error()}))
			}
			for _, k := range used {
				if !numeric[k] {
					list = append(list, errs.Field(at("formula"), "catalog.error.fee_field", map[string]any{"key": k}))
				}
			}
		default:
			if r, ok := new(big.Rat).SetString(f.Amount); !ok || r.Sign() < 0 {
				list = append(list, errs.Field(at("amount"), "catalog.error.fee_amount", nil))
			}
		}
	}
	return list
}

func checkFlow(steps []Step) []error {
	var list []error
	keys := map[string]bool{}
	share := 0
	for i, s := range steps {
		at := func(f string) string { return fmt.Sprintf("doc.flow[%d].%s", i, f) }
		if !fieldKey.MatchString(s.Key) || keys[s.Key] {
			list = append(list, errs.Field(at("key"), "catalog.error.step_key", map[string]any{"key": s.Key}))
		}
		keys[s.Key] = true
		if strings.TrimSpace(s.Name) == "" {
			list = append(list, errs.Field(at("name"), "error.required", nil))
		}
		if s.DeptKind == "" {
			list = append(list, errs.Field(at("dept_kind"), "error.required", nil))
		}
		if s.Share < 0 || s.Share > 100 {
			list = append(list, errs.Field(at("share"), "catalog.error.step_share", nil))
		}
		share += s.Share
		for j, r := range s.Risks {
			rat := func(f string) string { return fmt.Sprintf("doc.flow[%d].risks[%d].%s", i, j, f) }
			if strings.TrimSpace(r.Point) == "" {
				list = append(list, errs.Field(rat("point"), "error.required", nil))
			}
			if !slices.Contains([]string{"high", "medium", "low"}, r.Grade) {
				list = append(list, errs.Field(rat("grade"), "catalog.error.risk_grade", nil))
			}
			if strings.TrimSpace(r.Measure) == "" || strings.TrimSpace(r.Post) == "" {
				list = append(list, errs.Field(rat("measure"), "catalog.error.risk_measure", nil))
			}
		}
	}
	if len(steps) > 0 && share != 100 {
		list = append(list, errs.Field("doc.flow", "catalog.error.flow_share", map[string]any{"sum": share}))
	}
	for i, s := range steps {
		for _, a := range s.After {
			if !keys[a] || a == s.Key {
				list = append(list, errs.Field(fmt.Sprintf("doc.flow[%d].after", i), "catalog.error.step_after", map[string]any{"key": a}))
			}
		}
	}
	if len(list) == 0 && len(steps) > 0 {
		if _, err := Layers(steps); err != nil {
			list = append(list, errs.Field("doc.flow", "catalog.error.flow_cycle", nil))
		}
	}
	return list
}

// Layers orders a flowchart's steps into layers: a step's layer is one below
// the deepest step it waits for, so parallel branches share a layer and a
// join sits below all of them. A cycle or an unknown key is an error.
func Layers(steps []Step) ([][]Step, error) {
	byKey := map[string]Step{}
	for _, s := range steps {
		byKey[s.Key] = s
	}
	depth := map[string]int{}
	var visit func(k string, seen map[string]bool) (int, error)
	visit = func(k string, seen map[string]bool) (int, error) {
		if d, ok := depth[k]; ok {
			return d, nil
		}
		s, ok := byKey[k]
		if !ok {
			return 0, fmt.Errorf("flow: unknown step %q", k)
		}
		if seen[k] {
			return 0, fmt.Errorf("flow: cycle through step %q", k)
		}
		seen[k] = true
		d := 0
		for _, a := range s.After {
			ad, err := visit(a, seen)
			if err != nil {
				return 0, err
			}
			d = max(d, ad+1)
		}
		delete(seen, k)
		depth[k] = d
		return d, nil
	}
	var layers [][]Step
	for _, s := range steps {
		d, err := visit(s.Key, map[string]bool{})
		if err != nil {
			return nil, err
		}
		for len(layers) <= d {
			layers = append(layers, nil)
		}
		layers[d] = append(layers[d], s)
	}
	return layers, nil
}

// Flag is a granularity warning: an item that looks like several decisions
// bundled into one leaf and should be split.
type Flag struct {
	Code   string `json:"code"` // merged | bundled_results | material_sets
	Detail string `json:"detail"`
}

// Flags reports what suggests a leaf bundles independent decisions: it
// implements several standard leaves, produces several kinds of result, or
// asks for alternative material sets that are really different cases.
func Flags(it Item) []Flag {
	if it.Node != Handling {
		return nil
	}
	var out []Flag
	if len(it.Covers) > 1 {
		out = append(out, Flag{"merged", strings.Join(it.Covers, ", ")})
	}
	results := map[string]bool{}
	for _, r := range it.Doc.Results {
		results[r.Kind+"/"+r.Name] = true
	}
	if len(results) > 1 {
		out = append(out, Flag{"bundled_results", fmt.Sprint(len(results))})
	}
	sets := map[string]bool{}
	for _, m := range it.Doc.Materials {
		if m.Set != "" {
			sets[m.Set] = true
		}
	}
	if len(sets) > 1 {
		out = append(out, Flag{"material_sets", strings.Join(slices.Sorted(maps.Keys(sets)), ", ")})
	}
	return out
}
