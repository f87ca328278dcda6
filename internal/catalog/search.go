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

// itemText is the catalog's full-text index (migration 0008): the FTS5
// trigram table on SQLite, the pg_trgm GIN index on PostgreSQL.
var itemText = db.TextIndex{
	ID:      "i.id",
	Columns: []string{"i.name", "i.search_text"},
	FTS:     "catalog_items_fts",
	Expr:    "i.name || ' ' || i.search_text",
	Name:    "i.name",
}

// Search finds published items whose name or searchable text (code, English
// name, laws, materials, results) contains every word of q, within the
// filter, with the total number of matches. Best first: the exact name,
// then names that start with q, then the engine's relevance (bm25 on
// SQLite, trigram similarity on PostgreSQL), then shorter names. An empty q
// lists the filter's published items in catalog order.
func (s *Service) Search(ctx context.Context, q string, f Filter) ([]Item, int, error) {
	q, terms, err := searchTerms(q)
	if err != nil {
		return nil, 0, err
	}
	f.Status = Published
	if len(terms) == 0 {
		return s.Items(ctx, f)
	}
	m := s.DB.FullText(itemText, q, terms)
	where, args := f.where()
	where += " AND " + m.Where
	args = append(args, m.WhereArgs...)
	from := " FROM catalog_items i" + m.Join + where
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	rank := "0"
	if m.Rank != "" {
		rank = m.Rank
	}
	// One pass ranks the ids and counts the matches (the window counts
	// before LIMIT; bm25 may not share a query with a window, hence the
	// subquery); only the page's items are read whole afterwards: sorting
	// whole rows, documents and all, of a broad match costs ten times more.
	inner := "SELECT i.id AS id, CASE WHEN i.name = ? THEN 0 WHEN i.name LIKE ?" + s.DB.LikeEscape() +
		" THEN 1 ELSE 2 END AS k1, " + rank + " AS k2, length(i.name) AS k3" + from
	pageArgs := append([]any{q, db.EscapeLike(q) + "%"}, m.RankArgs...)
	pageArgs = append(append(pageArgs, args...), limit, max(f.Offset, 0))
	ids, total, err := s.searchIDs(ctx, "SELECT id, count(*) OVER () FROM ("+inner+
		") AS m ORDER BY k1, k2, k3, id LIMIT ? OFFSET ?", pageArgs...)
	if err != nil {
		return nil, 0, err
	}
	if len(ids) == 0 && f.Offset > 0 { // a page past the end: count on its own
		if err := s.DB.QueryRow(ctx, "SELECT count(*)"+from, args...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count search results: %w", err)
		}
	}
	items, err := s.itemsByID(ctx, ids)
	if err != nil {
		return nil, 0, fmt.Errorf("search catalog: %w", err)
	}
	return items, total, nil
}

// searchIDs reads a page of ids with the total count beside each.
func (s *Service) searchIDs(ctx context.Context, q string, args ...any) ([]int64, int, error) {
	rows, err := s.DB.Query(ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("search catalog: %w", err)
	}
	defer rows.Close()
	var ids []int64
	total := 0
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id, &total); err != nil {
			return nil, 0, err
		}
		ids = append(ids, id)
	}
	return ids, total, rows.Err()
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

// searchTerms normalises a query: spaces (also the full-width one) separate
// words, control characters go, and a query longer than MaxQuery is
// refused. It returns the query with single spaces and its words.
func searchTerms(q string) (string, []string, error) {
	if !utf8.ValidString(q) {
		return "", nil, errs.Field("q", "catalog.search.invalid", nil)
	}
	terms := strings.FieldsFunc(q, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) })
	q = strings.Join(terms, " ")
	if n := utf8.RuneCountInString(q); n > MaxQuery {
		return "", nil, errs.Field("q", "catalog.search.too_long", map[string]any{"max": MaxQuery, "n": n})
	}
	return q, terms, nil
}
