package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
)

// The audit reads the whole seed-scale catalog (some 12,000 standard
// leaves and 14,000 county items) in a few queries: the standard's leaves,
// then each county's business-handling items and their covers through the
// (jurisdiction_code, …) index, and only the parts of each item's doc it
// compares.

// standardLeaves reads the standard's business-handling items with what
// the audit compares: list, use levels and statutory limit.
func (s *Service) standardLeaves(ctx context.Context) ([]BasicItem, error) {
	rows, err := s.DB.Query(ctx, `SELECT code, name, list, use_levels, COALESCE(statutory_days, 0)
		FROM catalog_basic_items WHERE node = 'handling' ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("standard leaves: %w", err)
	}
	defer rows.Close()
	var out []BasicItem
	for rows.Next() {
		b := BasicItem{Node: Handling}
		var lv string
		if err := rows.Scan(&b.Code, &b.Name, &b.List, &lv, &b.StatutoryDays); err != nil {
			return nil, fmt.Errorf("standard leaves: %w", err)
		}
		b.UseLevels = parseLevels(lv)
		out = append(out, b)
	}
	return out, rows.Err()
}

// auditLists reads the lists of every county-level jurisdiction: per list,
// the reported items when the county reported any, else its published
// items.
func (s *Service) auditLists(ctx context.Context) ([]AuditList, error) {
	rows, err := s.DB.Query(ctx, "SELECT code, name FROM jurisdictions WHERE level = 'county' ORDER BY code")
	if err != nil {
		return nil, err
	}
	var jurs [][2]string
	for rows.Next() {
		var j [2]string
		if err := rows.Scan(&j[0], &j[1]); err != nil {
			rows.Close()
			return nil, err
		}
		jurs = append(jurs, j)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	// The counties are read side by side (the SQLite store has a pool of
	// readers; PostgreSQL a pool of connections).
	lists := make([][]AuditList, len(jurs))
	fails := make([]error, len(jurs))
	var wg sync.WaitGroup
	for i, j := range jurs {
		wg.Go(func() {
			lists[i], fails[i] = s.countyLists(ctx, j[0], j[1])
			if fails[i] != nil {
				fails[i] = fmt.Errorf("lists of %s: %w", j[0], fails[i])
			}
		})
	}
	wg.Wait()
	if err := errors.Join(fails...); err != nil {
		return nil, err
	}
	return slices.Concat(lists...), nil
}

// auditDoc is the part of an item's doc the audit compares.
type auditDoc struct {
	Statutory Limit      `json:"statutory"`
	Promised  Limit      `json:"promised"`
	Fees      []Fee      `json:"fees"`
	Materials []Material `json:"materials"`
}

func (s *Service) countyLists(ctx context.Context, jur, name string) ([]AuditList, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, code, name, list, status, doc FROM catalog_items
		WHERE jurisdiction_code = ? AND node = 'handling' AND status IN ('reported', 'published') ORDER BY id`, jur)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type key struct{ list, status string }
	byKey := map[key]*AuditList{}
	var order []key
	at := map[int64]*Item{}
	for rows.Next() {
		it := Item{Jurisdiction: jur, Node: Handling}
		var doc []byte
		var d auditDoc
		if err := rows.Scan(&it.ID, &it.Code, &it.Name, &it.List, &it.Status, &doc); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(doc, &d); err != nil {
			return nil, fmt.Errorf("item %d: doc: %w", it.ID, err)
		}
		it.Doc = Doc{Statutory: d.Statutory, Promised: d.Promised, Fees: d.Fees, Materials: d.Materials}
		k := key{it.List, it.Status}
		if byKey[k] == nil {
			byKey[k] = &AuditList{Jurisdiction: jur, Name: name, List: it.List, Status: it.Status}
			order = append(order, k)
		}
		byKey[k].Items = append(byKey[k].Items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, k := range order {
		for i := range byKey[k].Items {
			at[byKey[k].Items[i].ID] = &byKey[k].Items[i]
		}
	}
	if err := s.readCovers(ctx, jur, at); err != nil {
		return nil, err
	}
	var out []AuditList
	for _, k := range order {
		if k.status == Published && byKey[key{k.list, Reported}] != nil {
			continue // the reported list is the one audited
		}
		out = append(out, *byKey[k])
	}
	return out, nil
}

func (s *Service) readCovers(ctx context.Context, jur string, at map[int64]*Item) error {
	rows, err := s.DB.Query(ctx, `SELECT c.item_id, c.basic_code FROM catalog_items i
		JOIN catalog_item_covers c ON c.item_id = i.id
		WHERE i.jurisdiction_code = ? AND i.node = 'handling' ORDER BY c.item_id, c.basic_code`, jur)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			return err
		}
		if it := at[id]; it != nil {
			it.Covers = append(it.Covers, code)
		}
	}
	return rows.Err()
}
