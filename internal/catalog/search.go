package catalog

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
)

// MaxQuery is the longest search query, in characters: longer ones are
// refused rather than truncated, so a person sees why nothing matched.
const MaxQuery = 64

// SearchCap is how many matches a search counts and pages through: a
// broader query reports "more than SearchCap" and asks to be narrowed,
// which keeps every search's cost bounded however much the catalog holds.
const SearchCap = 1000

// Results is a page of search results with the number of matches, at
// most SearchCap; More says there are more than that.
type Results struct {
	Items []Item
	Total int
	More  bool
}

// Search finds published items whose name or searchable text (code, English
// name, laws, materials, results) contains every word of q, within the
// filter. Best first: names that start with q (the exact name first of
// all), then names that hold every word, then the others; within each,
// shorter names (the general item before its special cases), then older
// items. The index returns matches in that key order and stops reading
// when the page is full; the first matches give every group's first page
// unless the query is broad and its short names do not hold it; matches
// are counted up to SearchCap+1. So a broad query costs no more than a
// narrow one. An empty q lists the
// filter's published items in catalog order.
func (s *Service) Search(ctx context.Context, q string, f Filter) (Results, error) {
	terms, err := searchTerms(q)
	if err != nil {
		return Results{}, err
	}
	f.Status = Published
	if len(terms) == 0 {
		items, total, err := s.Items(ctx, f)
		return Results{Items: items, Total: total}, err
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Offset = max(f.Offset, 0)
	tags := f.searchTags()
	need := min(f.Offset+f.Limit, SearchCap)
	anywhere := db.TextQuery{Terms: terms, Tags: tags, Scope: db.Anywhere}
	// The first matches in key order (shorter names first), as many as the
	// page needs: fewer means they are all there is.
	first, err := s.searchHits(ctx, anywhere, need)
	if err != nil {
		return Results{}, err
	}
	complete := len(first) < need
	var groups [2][]int64 // names that start with q; names that hold every word
	folded := make([]string, len(terms))
	for i, t := range terms {
		folded[i] = db.TextFold(t)
	}
	for _, h := range first {
		if g := nameGroup(h.name, folded); g < len(groups) {
			groups[g] = append(groups[g], h.key)
		}
	}
	var keys []int64
	seen := map[int64]bool{}
	add := func(hs []hit) {
		for _, h := range hs {
			if !seen[h.key] {
				seen[h.key] = true
				keys = append(keys, h.key)
			}
		}
	}
	for g, scope := range []db.TextScope{db.NameStart, db.InName} {
		if len(keys) >= need {
			break
		}
		// The first matches hold the first of each group in key order;
		// when they do not fill the page (a broad query whose shorter
		// names do not hold it), the group is read on its own. Groups
		// nest, so keys found so far may come again.
		if complete || len(groups[g]) >= need-len(keys) {
			for _, k := range groups[g] {
				add([]hit{{key: k}})
			}
			continue
		}
		got, err := s.searchHits(ctx, db.TextQuery{Terms: terms, Tags: tags, Scope: scope}, need+len(keys))
		if err != nil {
			return Results{}, err
		}
		add(got)
	}
	add(first)
	res := Results{Total: len(first)}
	if !complete {
		stmt, args := s.DB.TextCount(SearchIndex, anywhere, SearchCap+1)
		if err := s.DB.QueryRow(ctx, stmt, args...).Scan(&res.Total); err != nil {
			return Results{}, fmt.Errorf("count search results: %w", err)
		}
	}
	res.Total, res.More = min(res.Total, SearchCap), res.Total > SearchCap
	var ids []int64
	for _, k := range keys[min(f.Offset, len(keys)):min(need, len(keys))] {
		ids = append(ids, keyID(k))
	}
	if res.Items, err = s.itemsByID(ctx, ids); err != nil {
		return Results{}, fmt.Errorf("search catalog: %w", err)
	}
	return res, nil
}

// searchTags are the filter's values as the index's tags (searchIndex.index
// writes them); the index holds only published items.
func (f Filter) searchTags() []string {
	var tags []string
	add := func(on bool, tag string) {
		if on {
			tags = append(tags, tag)
		}
	}
	add(f.Jurisdiction != "", tagJurisdiction(f.Jurisdiction))
	add(f.Prefix != "", tagPrefix(f.Prefix))
	add(f.List != "", tagList(f.List))
	add(f.Type != "", tagType(f.Type))
	add(f.DepartmentID != 0, tagDepartment(f.DepartmentID))
	add(f.DeptKind != "", tagDeptKind(f.DeptKind))
	add(f.Event != "", tagEvent(f.Event))
	add(f.Level != "", tagLevel(f.Level))
	add(f.Object == ObjectPerson, tagPersons)
	add(f.Object == ObjectEnterprise, tagEnterprises)
	add(f.Node != "", tagNode(f.Node))
	add(f.ParentID != 0, tagParent(f.ParentID))
	return tags
}

// hit is a matching item's search key and its name as the index folds it.
type hit struct {
	key  int64
	name string
}

// searchHits reads up to limit matching items, best first.
func (s *Service) searchHits(ctx context.Context, q db.TextQuery, limit int) ([]hit, error) {
	stmt, args := s.DB.TextSelect(SearchIndex, q, limit)
	rows, err := s.DB.Query(ctx, stmt, args...)
	if err != nil {
		return nil, fmt.Errorf("search catalog: %w", err)
	}
	defer rows.Close()
	var hits []hit
	for rows.Next() {
		var h hit
		if err := rows.Scan(&h.key, &h.name); err != nil {
			return nil, err
		}
		hits = append(hits, h)
	}
	return hits, rows.Err()
}

// nameGroup ranks a match by its (folded) name: 0 when it starts with the
// first word and holds the others, 1 when it holds every word, 2 else.
func nameGroup(name string, words []string) int {
	for _, w := range words[1:] {
		if !strings.Contains(name, w) {
			return 2
		}
	}
	if strings.HasPrefix(name, words[0]) {
		return 0
	}
	if strings.Contains(name, words[0]) {
		return 1
	}
	return 2
}

// itemsByID reads items in the order of ids.
func (s *Service) itemsByID(ctx context.Context, ids []int64) ([]Item, error) {
	out := make([]Item, 0, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	in := make([]string, len(ids))
	for i, id := range ids {
		in[i] = strconv.FormatInt(id, 10) // integers read from the store: safe to inline
	}
	items, err := s.queryItems(ctx, "SELECT "+itemCols+" FROM catalog_items i WHERE i.id IN ("+strings.Join(in, ",")+")")
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]Item, len(items))
	for _, it := range items {
		byID[it.ID] = it
	}
	for _, id := range ids {
		if it, ok := byID[id]; ok {
			out = append(out, it)
		}
	}
	return out, nil
}

// searchTerms splits a query into words: spaces (also the full-width one)
// separate them, control characters go, and a query longer than MaxQuery
// characters is refused.
func searchTerms(q string) ([]string, error) {
	if !utf8.ValidString(q) {
		return nil, errs.Field("q", "catalog.search.invalid", nil)
	}
	terms := strings.FieldsFunc(q, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) })
	if n := utf8.RuneCountInString(strings.Join(terms, " ")); n > MaxQuery {
		return nil, errs.Field("q", "catalog.search.too_long", map[string]any{"max": MaxQuery, "n": n})
	}
	return terms, nil
}
