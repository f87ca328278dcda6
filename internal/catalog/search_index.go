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
type searchIndex struct {
	w           *db.TextWriter
	row, events *sql.Stmt
}

func newSearchIndex(ctx context.Context, tx *db.Tx) (*searchIndex, error) {
	w, err := tx.TextWriter(ctx, SearchIndex)
	if err != nil {
		return nil, err
	}
	x := &searchIndex{w: w}
	if x.row, err = tx.Prepare(ctx, `SELECT i.name, i.search_text, i.status, i.jurisdiction_code, i.list, i.item_type,
		i.for_persons, i.for_enterprises, COALESCE(d.kind, ''), COALESCE(j.level, ''), COALESCE(i.department_id, 0),
		i.node, COALESCE(i.parent_id, 0)
		FROM catalog_items i LEFT JOIN departments d ON d.id = i.department_id
		LEFT JOIN jurisdictions j ON j.code = i.jurisdiction_code WHERE i.id = ?`); err == nil {
		x.events, err = tx.Prepare(ctx, "SELECT event FROM catalog_item_events WHERE item_id = ? ORDER BY event")
	}
	if err != nil {
		x.close()
		return nil, fmt.Errorf("prepare the search index: %w", err)
	}
	return x, nil
}

func (x *searchIndex) close() {
	x.w.Close()
	for _, st := range []*sql.Stmt{x.row, x.events} {
		if st != nil {
			st.Close()
		}
	}
}

// forget removes the item from the index, as its row is now.
func (x *searchIndex) forget(ctx context.Context, id int64) error {
	var name string
	err := x.row.QueryRowContext(ctx, id).Scan(&name, new(string), new(string), new(string), new(string), new(string),
		new(bool), new(bool), new(string), new(string), new(int64), new(string), new(int64))
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return fmt.Errorf("read item %d for the search index: %w", id, err)
	}
	return x.w.Delete(ctx, searchKey(id, name))
}

// index adds the item, as its row and events are now, when it is
// published.
func (x *searchIndex) index(ctx context.Context, id int64) error {
	var name, text, status, jur, list, typ, kind, level, node string
	var persons, enterprises bool
	var dept, parent int64
	if err := x.row.QueryRowContext(ctx, id).Scan(&name, &text, &status, &jur, &list, &typ, &persons, &enterprises,
		&kind, &level, &dept, &node, &parent); err != nil {
		return fmt.Errorf("read item %d for the search index: %w", id, err)
	}
	if status != Published {
		return nil
	}
	tags := []string{tagJurisdiction(jur), tagList(list), tagType(typ), tagNode(node)}
	for n := 1; n < len(jur); n++ {
		tags = append(tags, tagPrefix(jur[:n]))
	}
	if dept != 0 {
		tags = append(tags, tagDepartment(dept))
	}
	if parent != 0 {
		tags = append(tags, tagParent(parent))
	}
	if kind != "" {
		tags = append(tags, tagDeptKind(kind))
	}
	if level != "" {
		tags = append(tags, tagLevel(level))
	}
	if persons {
		tags = append(tags, tagPersons)
	}
	if enterprises {
		tags = append(tags, tagEnterprises)
	}
	rows, err := x.events.QueryContext(ctx, id)
	if err != nil {
		return fmt.Errorf("read item %d events: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return err
		}
		tags = append(tags, tagEvent(e))
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return x.w.Put(ctx, db.TextDoc{Key: searchKey(id, name), Name: name, Text: text, Tags: tags})
}

// EnsureSearchIndex fills the search index when it does not hold every
// published item (a hall upgraded from before migration 0011, or one
// whose index was emptied by hand): it is rebuilt whole, in one
// transaction. It returns the number of items indexed, 0 when the index
// was current.
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
	n := 0
	err = s.DB.WithTx(ctx, func(tx *db.Tx) error {
		if err := tx.TextClear(ctx, SearchIndex); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, "SELECT id FROM catalog_items WHERE status = ? ORDER BY id", Published)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		x, err := newSearchIndex(ctx, tx)
		if err != nil {
			return err
		}
		defer x.close()
		for _, id := range ids {
			if err := x.index(ctx, id); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("rebuild the catalog search index: %w", err)
	}
	return n, nil
}
