package catalog

import (
	"context"
	"encoding/json"
	"fmt"
)

// Pending is what waits for a catalog administrator's approval: a draft
// item never published (Version is zero), or a published item's new
// version with its diff against the version in force.
type Pending struct {
	Item    Item    `json:"item"`
	Version Version `json:"version,omitzero"`
}

// Pending lists what waits for approval, newest first, at most limit of
// each kind (drafts, new versions).
func (s *Service) Pending(ctx context.Context, limit int) ([]Pending, error) {
	if limit <= 0 {
		limit = 50
	}
	drafts, err := s.queryItems(ctx, "SELECT "+itemCols+" FROM catalog_items i WHERE i.status = ? ORDER BY i.updated_at DESC, i.id DESC LIMIT ?", Draft, limit)
	if err != nil {
		return nil, fmt.Errorf("list drafts: %w", err)
	}
	var out []Pending
	for _, it := range drafts {
		out = append(out, Pending{Item: it})
	}
	rows, err := s.DB.Query(ctx, `SELECT item_id, version, diff, note, created_at FROM catalog_item_versions
		WHERE status = ? ORDER BY created_at DESC, item_id DESC LIMIT ?`, Draft, limit)
	if err != nil {
		return nil, fmt.Errorf("list pending versions: %w", err)
	}
	var vs []Version
	for rows.Next() {
		var v Version
		var diff string
		if err := rows.Scan(&v.ItemID, &v.Version, &diff, &v.Note, &v.CreatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		v.Status, v.CreatedAt = Draft, v.CreatedAt.UTC()
		if err := json.Unmarshal([]byte(diff), &v.Diff); err != nil {
			rows.Close()
			return nil, fmt.Errorf("item %d version %d diff: %w", v.ItemID, v.Version, err)
		}
		vs = append(vs, v)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, err
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	for _, v := range vs {
		it, err := s.Item(ctx, v.ItemID)
		if err != nil {
			return nil, err
		}
		out = append(out, Pending{Item: it, Version: v})
	}
	return out, nil
}
