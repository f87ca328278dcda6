package web

import (
	"net/http"

	"github.com/govhall/govhall/internal/catalog"
	"github.com/govhall/govhall/internal/i18n"
	"github.com/govhall/govhall/internal/org"
)

// catAuditBody is the audit of the county lists: "where did the reduced
// powers go?" — one comparison table per list (the power list's is also
// drawn as a chart), the explanation of each spread, the first findings,
// and the duties without exactly one lead department.
type catAuditBody struct {
	Tables        []catAuditTable
	Spreads       []string
	Findings      []catFindingView
	FindingsTotal int
	Duties        []catDutyProblemView
}

// catAuditTable compares the counties on one list; Chart marks the table the
// chart draws.
type catAuditTable struct {
	List, Title string
	Chart       bool
	Rows        []catAuditRow
}

type catAuditRow struct {
	County                              string
	Standard, Reported, Missing, Extra  int
	Merged, Absorbed, Split, SplitAdded int
	Limits, Fees, Materials             int
}

type catFindingView struct {
	County, Kind, Detail string
	Delta                int
}

type catDutyProblemView struct {
	Place, Name, Problem, Leads, Cooperate string
}

// catFindingsShown bounds the findings the page lists; the API and the
// command give them all.
const catFindingsShown = 100

// catalogAudit is /catalog/audit.
func (s *Site) catalogAudit(w http.ResponseWriter, r *http.Request) {
	lang := pageLang(r)
	rep, err := s.catalog.AuditLists(r.Context(), "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	problems, err := s.catalog.DutyReport(r.Context(), "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	places, err := s.org.Jurisdictions(r.Context(), "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := catPlaceNamer(lang, places)
	b := &catAuditBody{Tables: catAuditTables(lang, rep, name), FindingsTotal: len(rep.Findings)}
	for _, sp := range rep.Spreads {
		b.Spreads = append(b.Spreads, i18n.T(lang, "web.catalog.audit.spread_line", map[string]any{
			"list": i18n.T(lang, "web.catalog.list."+sp.List, nil), "most": name(sp.Most), "fewest": name(sp.Fewest),
			"diff": sp.Difference, "missing": sp.Missing, "absorbed": sp.Absorbed, "extra": sp.Extra, "split": sp.SplitAdded}))
	}
	for _, f := range rep.Findings[:min(len(rep.Findings), catFindingsShown)] {
		b.Findings = append(b.Findings, catFindingOf(lang, f, name))
	}
	for _, p := range problems {
		v := catDutyProblemView{Place: name(p.Jurisdiction), Name: nameIn(lang, p.Name, p.NameEN),
			Problem: i18n.T(lang, "web.catalog.audit.no_lead", nil), Leads: catDeptList(lang, p.Leads), Cooperate: catDeptList(lang, p.Cooperate)}
		if p.Problem == catalog.SeveralLeads {
			v.Problem = i18n.T(lang, "web.catalog.audit.many_leads", map[string]any{"n": len(p.Leads)})
		}
		b.Duties = append(b.Duties, v)
	}
	s.render(w, r, http.StatusOK, "catalog_audit", s.formPage(r, lang, "web.catalog.audit.title", b, false))
}

// catPlaceNamer names a division code in the language; an unknown code shows
// as itself.
func catPlaceNamer(lang string, places []org.Jurisdiction) func(string) string {
	names := map[string]string{}
	for _, p := range places {
		names[p.Code] = nameIn(lang, p.Name, p.NameEN)
	}
	return func(code string) string {
		if n, ok := names[code]; ok {
			return n
		}
		return code
	}
}

// catAuditTables turns the report into one table per list, a row per county,
// with the differing limits, fees and materials counted from the findings.
func catAuditTables(lang string, rep catalog.AuditReport, name func(string) string) []catAuditTable {
	values := map[[3]string]int{} // county, list, kind → findings
	for _, f := range rep.Findings {
		values[[3]string{f.Jurisdiction, f.List, f.Kind}]++
	}
	var out []catAuditTable
	for _, list := range []string{catalog.PowerList, catalog.PublicServiceList, catalog.FeeList} {
		t := catAuditTable{List: list, Title: i18n.T(lang, "web.catalog.list."+list, nil), Chart: list == catalog.PowerList}
		for _, c := range rep.Counties {
			for _, l := range c.Lists {
				if l.List != list {
					continue
				}
				k := func(kind string) int { return values[[3]string{c.Jurisdiction, list, kind}] }
				t.Rows = append(t.Rows, catAuditRow{County: name(c.Jurisdiction), Standard: l.Standard, Reported: l.Reported,
					Missing: l.Missing, Extra: l.Extra, Merged: l.Merged, Absorbed: l.Absorbed, Split: l.Split,
					SplitAdded: l.SplitAdded, Limits: k(catalog.FindStatutory) + k(catalog.FindPromised),
					Fees: k(catalog.FindFees), Materials: k(catalog.FindMaterials)})
			}
		}
		if len(t.Rows) > 0 {
			out = append(out, t)
		}
	}
	return out
}

// catFindingOf says what one finding is about: the county's items and the
// standard leaves, and the values where they differ.
func catFindingOf(lang string, f catalog.Finding, name func(string) string) catFindingView {
	var parts []string
	for _, it := range f.Items {
		parts = append(parts, it.Name)
	}
	var leaves []string
	for _, l := range f.Leaves {
		leaves = append(leaves, l.Name)
	}
	detail := joinList(lang, parts)
	if len(leaves) > 0 {
		if detail != "" {
			detail += " ↔ "
		}
		detail += joinList(lang, leaves)
	}
	if f.Value != "" || f.Standard != "" {
		detail += " (" + f.Value + " / " + f.Standard + ")"
	}
	return catFindingView{County: name(f.Jurisdiction), Kind: i18n.T(lang, "web.catalog.find."+f.Kind, nil), Detail: detail, Delta: f.Delta}
}

func catDeptList(lang string, ds []catalog.DutyDept) string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Name)
	}
	return joinList(lang, out)
}
