package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/govhall/govhall/internal/db"
)

// SearchIndex is the catalog's full-text index (migration 0011): two FTS5
// tables on SQLite; on PostgreSQL a narrow table with pg_trgm indexes and
// an inverted index of grams and tags. Only published items are in it.
var SearchIndex = db.TextIndex{Trigram: "catalog_search", Grams: "catalog_search_grams",
	Table: "catalog_search", Terms: "catalog_search_terms"}

// keyBits is the width of the item id in a search key.
const keyBits = 40

// searchKey orders search results: shorter names first (the most general
// item: 食品经营许可 before 对未经食品经营许可擅自从事经营活动的处罚), then
// older items. The name's length in characters sits above the id.
func searchKey(id int64, name string) int64 {
	return int64(utf8.RuneCountInString(name))<<keyBits | id
}

// keyID is the item id in a search key.
func keyID(key int64) int64 { return key & (1<<keyBits - 1) }

// Tags of the filters a search answers from the index (Filter.searchTags).
func tagJurisdiction(code string) string { return "j:" + code }
func tagList(list string) string         { return "l:" + list }
func tagType(typ string) string          { return "t:" + typ }
func tagDeptKind(kind string) string     { return "k:" + kind }
func tagEvent(event string) string       { return "e:" + event }
func tagLevel(level string) string       { return "v:" + level }
func tagDepartment(id int64) string      { return "d:" + strconv.FormatInt(id, 10) }
func tagNode(node string) string         { return "node:" + node }
func tagParent(id int64) string          { return "up:" + strconv.FormatInt(id, 10) }

// tagPrefix is a jurisdiction code's prefix (Filter.Prefix); every prefix
// of an item's code is a tag.
func tagPrefix(prefix string) string { return "p:" + prefix }

const (
	tagPersons     = "o:person"
	tagEnterprises = "o:enterprise"
)

// searchIndex keeps the index current within a transaction that writes
// items: forget an item's entry before its row changes, index it after.
// Documents are built from the items being written; only the department
// kinds and jurisdiction levels, which items do not carry, are looked up
// (once each per transaction).
type searchIndex struct {
	tx     *db.Tx
	w      *db.TextWriter
	kinds  map[int64]string
	levels map[string]string
}

func newSearchIndex(ctx context.Context, tx *db.Tx) (*searchIndex, error) {
	w, err := tx.TextWriter(ctx, SearchIndex)
	if err != nil {
		return nil, err
	}
	return &searchIndex{tx: tx, w: w, kinds: map[int64]string{}, levels: map[string]string{}}, nil
}

func (x *searchIndex) close() { x.w.Close() }

// forget removes the item from the index, as its row is now.
func (x *searchIndex) forget(ctx context.Context, id int64) error {
	var name string
	err := x.tx.QueryRow(ctx, "SELECT name FROM catalog_items WHERE id = ?", id).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return fmt.Errorf("read item %d for the search index: %w", id, err)
	}
	return x.w.Delete(ctx, searchKey(id, name))
}

// index adds the item, as written, when it is published.
func (x *searchIndex) index(ctx context.Context, it Item) error {
	if it.Status != Published {
		return nil
	}
	tags := []string{tagJurisdiction(it.Jurisdiction), tagList(it.List), tagType(it.Type), tagNode(it.Node)}
	for n := 1; n < len(it.Jurisdiction); n++ {
		tags = append(tags, tagPrefix(it.Jurisdiction[:n]))
	}
	if it.DepartmentID != 0 {
		kind, err := lookup(ctx, x.tx, x.kinds, it.DepartmentID, "SELECT kind FROM departments WHERE id = ?")
		if err != nil {
			return err
		}
		tags = append(tags, tagDepartment(it.DepartmentID), tagDeptKind(kind))
	}
	level, err := lookup(ctx, x.tx, x.levels, it.Jurisdiction, "SELECT level FROM jurisdictions WHERE code = ?")
	if err != nil {
		return err
	}
	if level != "" {
		tags = append(tags, tagLevel(level))
	}
	if it.ParentID != 0 {
		tags = append(tags, tagParent(it.ParentID))
	}
	if forPersons(it.Doc) {
		tags = append(tags, tagPersons)
	}
	if forEnterprises(it.Doc) {
		tags = append(tags, tagEnterprises)
	}
	for _, e := range uniq(it.Events) {
		tags = append(tags, tagEvent(e))
	}
	return x.w.Put(ctx, db.TextDoc{Key: searchKey(it.ID, it.Name), Name: it.Name, Text: searchText(it), Tags: tags})
}

// lookup reads one value by key through a per-transaction cache; a
// missing row is the empty string.
func lookup[K comparable](ctx context.Context, tx *db.Tx, cache map[K]string, key K, q string) (string, error) {
	if v, ok := cache[key]; ok {
		return v, nil
	}
	var v string
	if err := tx.QueryRow(ctx, q, key).Scan(&v); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("read for the search index: %w", err)
	}
	cache[key] = v
	return v, nil
}

// EnsureSearchIndex fills the search index when it does not hold every
// published item (a hall upgraded from before migration 0011, or one
// whose index was emptied by hand): it is rebuilt whole, in one
// transaction. It runs at start, before the hall takes requests. It
// returns the number of items indexed, 0 when the index was current (one
// count of each: about 50 ms at 50,000 items).
func (s *Service) EnsureSearchIndex(ctx context.Context) (int, error) {
	have, err := s.DB.TextRows(ctx, SearchIndex)
	if err != nil {
		return 0, err
	}
	var want int
	if err := s.DB.QueryRow(ctx, "SELECT count(*) FROM catalog_items WHERE status = ?", Published).Scan(&want); err != nil {
		return 0, fmt.Errorf("count published items: %w", err)
	}
	if have == want {
		return 0, nil
	}
	items, err := s.queryItems(ctx, "SELECT "+itemCols+" FROM catalog_items i WHERE i.status = ? ORDER BY i.id", Published)
	if err != nil {
		return 0, err
	}
	err = s.DB.WithTx(ctx, func(tx *db.Tx) error {
		if err := tx.TextClear(ctx, SearchIndex); err != nil {
			return err
		}
		x, err := newSearchIndex(ctx, tx)
		if err != nil {
			return err
		}
		defer x.close()
		for _, it := range items {
			if err := x.index(ctx, it); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("rebuild the catalog search index: %w", err)
	}
	return len(items), nil
}
