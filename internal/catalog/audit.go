package catalog

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/govhall/govhall/internal/errs"
)

// The audit answers the seed's question "where did the reduced powers go?":
// under the same laws the counties reported 2,739 … 3,254 power items. Each
// county's list is compared with the city's standard catalog (the leaves
// whose use levels include county level) and with the other counties', and
// every difference in the counts is accounted for item by item:
//
//	reported = standard − missing − Σ(leaves a merged item absorbs − 1)
//	           + extra + Σ(items a split leaf has − 1)
//
// This is an identity over the bipartite graph of items and the standard
// leaves they cover (Σ over items of their covers = Σ over leaves of their
// items), so it holds for any list, however tangled; every term is a sum
// over findings, and Finding.Delta is each finding's term.

// Finding kinds.
const (
	FindMissing   = "missing"   // a standard leaf no item covers
	FindExtra     = "extra"     // an item covering nothing in the standard
	FindMerged    = "merged"    // one item covering several standard leaves
	FindSplit     = "split"     // one standard leaf covered by several items
	FindStatutory = "statutory" // an item's statutory limit differs from the standard's
	FindPromised  = "promised"  // promised limits differ between counties for the same leaf
	FindFees      = "fees"      // fees differ between counties for the same leaf
	FindMaterials = "materials" // materials differ between counties for the same leaf
)

// FindingKinds lists the kinds in the order reports show them.
var FindingKinds = []string{FindMissing, FindExtra, FindMerged, FindSplit, FindStatutory, FindPromised, FindFees, FindMaterials}

// AuditReport is the comparison of the county-level lists of the city.
type AuditReport struct {
	// Jurisdiction is the county the report is about; "" for all of them.
	Jurisdiction string         `json:"jurisdiction,omitempty"`
	Counties     []CountyAudit  `json:"counties"`
	Spreads      []Spread       `json:"spreads"`
	Findings     []Finding      `json:"findings"`
	Totals       map[string]int `json:"totals"` // findings per kind
}

// CountyAudit is one county's lists, counted against the standard.
type CountyAudit struct {
	Jurisdiction string      `json:"jurisdiction"`
	Name         string      `json:"name"`
	Lists        []ListAudit `json:"lists"`
}

// ListAudit explains the count of one list of one county:
// Reported = Standard − Missing − Absorbed + Extra + SplitAdded.
type ListAudit struct {
	List string `json:"list"`
	// Status is the status of the items audited: a county's reported list
	// when it has one, else its published list.
	Status     string `json:"status"`
	Standard   int    `json:"standard"` // standard leaves at county level
	Reported   int    `json:"reported"` // the county's business-handling items
	Missing    int    `json:"missing"`
	Merged     int    `json:"merged"`   // merged items
	Absorbed   int    `json:"absorbed"` // Σ(leaves a merged item covers − 1)
	Extra      int    `json:"extra"`
	Split      int    `json:"split"`       // split leaves
	SplitAdded int    `json:"split_added"` // Σ(items of a split leaf − 1)
	Explained  bool   `json:"explained"`   // the identity holds (always, unless a bug)
}

// Spread explains the difference between the counties with the most and
// the fewest items of a list, term by term.
type Spread struct {
	List       string `json:"list"`
	Most       string `json:"most"`   // jurisdiction
	Fewest     string `json:"fewest"` // jurisdiction
	Difference int    `json:"difference"`
	Missing    int    `json:"missing"`     // fewest.Missing − most.Missing
	Absorbed   int    `json:"absorbed"`    // fewest.Absorbed − most.Absorbed
	Extra      int    `json:"extra"`       // most.Extra − fewest.Extra
	SplitAdded int    `json:"split_added"` // most.SplitAdded − fewest.SplitAdded
}

// Finding is one difference, naming the county's item(s) and the standard
// leaf or leaves concerned.
type Finding struct {
	Kind         string    `json:"kind"`
	Jurisdiction string    `json:"jurisdiction"`
	List         string    `json:"list"`
	Items        []ItemRef `json:"items,omitempty"`
	Leaves       []LeafRef `json:"leaves,omitempty"`
	// Delta is the finding's term in the count: −1 for a missing leaf,
	// −(k−1) for a merged item of k leaves, +1 for an extra item, +(k−1)
	// for a leaf split into k items, 0 for differing values.
	Delta int `json:"delta"`
	// Value is the county's value and Standard the standard's (statutory)
	// or the value most counties have (promised, fees, materials).
	Value    string      `json:"value"`
	Standard string      `json:"standard"`
	Peers    []PeerValue `json:"peers,omitempty"`
	// Outside lists covered codes that are not county-level standard leaves.
	Outside []string `json:"outside,omitempty"`
}

// ItemRef names an implementation item.
type ItemRef struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
	Name string `json:"name"`
}

// LeafRef names a standard leaf.
type LeafRef struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// PeerValue is another county's value for the same standard leaf.
type PeerValue struct {
	Jurisdiction string  `json:"jurisdiction"`
	Item         ItemRef `json:"item"`
	Value        string  `json:"value"`
}

// AuditList is one county's list as the audit reads it.
type AuditList struct {
	Jurisdiction string
	Name         string
	List         string
	Status       string
	Items        []Item // business-handling items only, with Covers and Doc
}

// AuditLists compares the county-level lists of the city (jurisdiction "")
// or one county's lists with the standard and with its peers. Everything is
// read with a few queries and compared in memory. (It is not called Audit:
// that is the service's audit trail.)
func (s *Service) AuditLists(ctx context.Context, jurisdiction string) (AuditReport, error) {
	std, err := s.standardLeaves(ctx)
	if err != nil {
		return AuditReport{}, fmt.Errorf("audit: %w", err)
	}
	lists, err := s.auditLists(ctx)
	if err != nil {
		return AuditReport{}, fmt.Errorf("audit: %w", err)
	}
	if jurisdiction != "" && !slices.ContainsFunc(lists, func(l AuditList) bool { return l.Jurisdiction == jurisdiction }) {
		return AuditReport{}, &errs.Error{Code: errs.NotFound, Field: "jurisdiction",
			Key: "catalog.audit.error.no_list", Args: map[string]any{"code": jurisdiction}}
	}
	return Compare(std, lists, jurisdiction), nil
}

// Compare is the audit itself, pure: the standard catalog (any levels; the
// county-level leaves are taken from it) and the counties' lists in, the
// report out. jurisdiction "" reports on every county; a code keeps the
// findings about that county (compared with all its peers).
func Compare(std []BasicItem, lists []AuditList, jurisdiction string) AuditReport {
	leaves := map[string]BasicItem{}
	perList := map[string][]string{} // county-level leaf codes of each list, in code order
	for _, b := range std {
		if b.Node == Handling && slices.Contains(b.UseLevels, LevelCounty) {
			leaves[b.Code] = b
			perList[b.List] = append(perList[b.List], b.Code)
		}
	}
	for _, codes := range perList {
		slices.Sort(codes)
	}
	rep := AuditReport{Jurisdiction: jurisdiction, Totals: map[string]int{}, Counties: []CountyAudit{}, Findings: []Finding{}}
	counties := map[string]*CountyAudit{}
	var jurs []string
	for _, l := range lists {
		c := counties[l.Jurisdiction]
		if c == nil {
			c = &CountyAudit{Jurisdiction: l.Jurisdiction, Name: l.Name}
			counties[l.Jurisdiction] = c
			jurs = append(jurs, l.Jurisdiction)
		}
		la, fs := countList(l, leaves, perList[l.List])
		c.Lists = append(c.Lists, la)
		rep.Findings = append(rep.Findings, fs...)
	}
	rep.Findings = append(rep.Findings, compareValues(lists, leaves)...)
	slices.Sort(jurs)
	for _, j := range jurs {
		c := counties[j]
		slices.SortFunc(c.Lists, func(a, b ListAudit) int { return cmp.Compare(listOrder(a.List), listOrder(b.List)) })
		rep.Counties = append(rep.Counties, *c)
	}
	rep.Spreads = append([]Spread{}, spreads(rep.Counties)...)
	if jurisdiction != "" {
		rep.Findings = slices.DeleteFunc(rep.Findings, func(f Finding) bool { return f.Jurisdiction != jurisdiction })
		rep.Counties = slices.DeleteFunc(rep.Counties, func(c CountyAudit) bool { return c.Jurisdiction != jurisdiction })
	}
	sortFindings(rep.Findings)
	for _, f := range rep.Findings {
		rep.Totals[f.Kind]++
	}
	return rep
}

func listOrder(l string) int {
	return slices.Index([]string{PowerList, PublicServiceList, FeeList}, l)
}

func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Jurisdiction, b.Jurisdiction), cmp.Compare(listOrder(a.List), listOrder(b.List)),
			cmp.Compare(slices.Index(FindingKinds, a.Kind), slices.Index(FindingKinds, b.Kind)),
			cmp.Compare(firstLeaf(a), firstLeaf(b)), cmp.Compare(firstItem(a), firstItem(b)))
	})
}

func firstLeaf(f Finding) string {
	if len(f.Leaves) == 0 {
		return ""
	}
	return f.Leaves[0].Code
}

func firstItem(f Finding) string {
	if len(f.Items) == 0 {
		return ""
	}
	return f.Items[0].Code
}

func ref(it Item) ItemRef { return ItemRef{ID: it.ID, Code: it.Code, Name: it.Name} }

func leafRefs(codes []string, leaves map[string]BasicItem) []LeafRef {
	out := make([]LeafRef, 0, len(codes))
	for _, c := range codes {
		out = append(out, LeafRef{Code: c, Name: leaves[c].Name})
	}
	return out
}

// inStandard splits an item's covers into the county-level leaves of its
// list and the codes outside them.
func inStandard(it Item, leaves map[string]BasicItem) (in, out []string) {
	for _, c := range it.Covers {
		if b, ok := leaves[c]; ok && b.List == it.List {
			in = append(in, c)
		} else {
			out = append(out, c)
		}
	}
	slices.Sort(in)
	return slices.Compact(in), out
}
