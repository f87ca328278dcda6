package hub

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
)

// What administrators see of the hub: statistics (Stats, Imports in
// read.go) and the open conflicts between sources, masked — never a
// person's data.

// Conflict is a value a non-authoritative source offered that differs
// from the stored one, as an administrator sees it: the subject's key and
// both values masked.
type Conflict struct {
	ID            int64     `json:"id"`
	SubjectKind   string    `json:"subject_kind"`
	Subject       string    `json:"subject"` // masked
	Element       string    `json:"element"`
	AuthSource    string    `json:"authoritative_source"`
	AuthValue     string    `json:"authoritative_value"` // masked
	OfferedSource string    `json:"offered_source"`
	Offered       string    `json:"offered_value"` // masked
	Line          int64     `json:"line"`
	At            time.Time `json:"at"`
}

// OpenConflicts lists the unresolved conflicts, newest first (at most
// limit), masked, for the system administrator.
func (s *Service) OpenConflicts(ctx context.Context, limit int) ([]Conflict, error) {
	if identity.PrincipalFrom(ctx).Kind() != identity.SystemAdmin {
		return nil, &errs.Error{Code: errs.Denied, Key: "hub.access.denied"}
	}
	rows, err := s.DB.Query(ctx, `SELECT id, subject_kind, subject_id, element, authoritative_source, authoritative_value,
		offered_source, offered_value, line, at FROM hub_conflicts WHERE resolved_at IS NULL ORDER BY at DESC, id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("read conflicts: %w", err)
	}
	defer rows.Close()
	out := []Conflict{}
	for rows.Next() {
		var c Conflict
		if err := rows.Scan(&c.ID, &c.SubjectKind, &c.Subject, &c.Element, &c.AuthSource, &c.AuthValue,
			&c.OfferedSource, &c.Offered, &c.Line, &c.At); err != nil {
			return nil, err
		}
		if c.SubjectKind == SubjectPerson {
			c.Subject = ids.MaskIDNumber(c.Subject)
		}
		c.AuthValue, c.Offered, c.At = maskValue(c.AuthValue), maskValue(c.Offered), c.At.UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

// maskValue keeps the first character of a value and its length.
func maskValue(v string) string {
	n := utf8.RuneCountInString(v)
	if n <= 1 {
		return v
	}
	r, _ := utf8.DecodeRuneInString(v)
	out := string(r)
	for range min(n-1, 8) {
		out += "*"
	}
	return out
}
