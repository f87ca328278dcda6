package hub

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
)

// Resolving conflicts between sources (issue 5, part 2). A conflict is a
// value a source that is not the element's authority offered, differing
// from the authoritative value (write.go records it). One datum, one
// source (一数一源): the hall never writes the offered value over the
// authoritative one. The system administrator closes a conflict with an
// outcome and a note — the authoritative value stands, or the case is
// referred to the authoritative source to correct its own record — and
// one audit entry records each resolution in the same transaction. A
// conflict also closes by itself when the authoritative source later
// imports or pushes the offered value (conflicts_settle.go), whether it
// is still open or was referred to that source. Values stay masked on
// every path.

// Outcomes of a resolution (hub_conflicts.resolution).
const (
	// ResolutionConfirmed: the authoritative value stands; the offering
	// source's value is wrong (and is its own to correct).
	ResolutionConfirmed = "confirmed"
	// ResolutionReferred: the offered value looks right; the authoritative
	// source was asked to correct its record (the hall does not).
	ResolutionReferred = "referred"
	// ResolutionCorrected: the authoritative source itself now gives the
	// offered value (set by the import, never by hand).
	ResolutionCorrected = "corrected"
)

// Conflict statuses a list filters by.
const (
	ConflictsOpen     = "open"
	ConflictsResolved = "resolved"
	ConflictsAll      = "all"
)

// ConflictPageSize is how many conflicts one page lists.
const ConflictPageSize = 20

// MaxConflictNote bounds a resolution's note, in characters.
const MaxConflictNote = 1000

// ConflictFilter selects conflicts: by element, by the offering source
// (a department kind) and by status ("" is open), one page at a time.
type ConflictFilter struct {
	Element string
	Source  string
	Status  string
	Page    int
}

// ConflictPage is one page of conflicts, newest first.
type ConflictPage struct {
	Items []Conflict `json:"items"`
	Total int        `json:"total"`
	Page  int        `json:"page"`
	Pages int        `json:"pages"`
}

// Resolution is how the administrator closes a conflict.
type Resolution struct {
	Outcome string `json:"outcome"` // confirmed or referred
	Note    string `json:"note"`
}

// systemAdminOnly refuses everyone but the system administrator.
func systemAdminOnly(ctx context.Context) error {
	if identity.PrincipalFrom(ctx).Kind() != identity.SystemAdmin {
		return &errs.Error{Code: errs.Denied, Key: "hub.access.denied"}
	}
	return nil
}

const conflictCols = `id, subject_kind, subject_id, element, authoritative_source, authoritative_value,
	offered_source, offered_value, line, at, resolved_at, resolution, resolved_by_name, note, referred_at, referred_by_name`

// scanConflict reads a row of conflictCols, masked.
func scanConflict(sc interface{ Scan(...any) error }) (Conflict, error) {
	var c Conflict
	var resolved, referred sql.NullTime
	if err := sc.Scan(&c.ID, &c.SubjectKind, &c.Subject, &c.Element, &c.AuthSource, &c.AuthValue,
		&c.OfferedSource, &c.Offered, &c.Line, &c.At, &resolved, &c.Resolution, &c.ResolvedBy, &c.Note,
		&referred, &c.ReferredBy); err != nil {
		return Conflict{}, err
	}
	if referred.Valid {
		t := referred.Time.UTC()
		c.ReferredAt = &t
	}
	if c.SubjectKind == SubjectPerson {
		c.Subject = ids.MaskIDNumber(c.Subject)
	}
	c.AuthValue, c.Offered, c.At = maskValue(c.AuthValue), maskValue(c.Offered), c.At.UTC()
	c.Status = ConflictsOpen
	if resolved.Valid {
		t := resolved.Time.UTC()
		c.Status, c.ResolvedAt = ConflictsResolved, &t
	}
	return c, nil
}

// where is the filter as SQL conditions and their arguments.
func (f ConflictFilter) where() (string, []any, error) {
	var conds []string
	var args []any
	switch f.Status {
	case "", ConflictsOpen:
		conds = append(conds, "resolved_at IS NULL")
	case ConflictsResolved:
		conds = append(conds, "resolved_at IS NOT NULL")
	case ConflictsAll:
	default:
		return "", nil, errs.Field("status", "hub.conflict.status", map[string]any{"value": f.Status})
	}
	if f.Element != "" {
		conds, args = append(conds, "element = ?"), append(args, f.Element)
	}
	if f.Source != "" {
		conds, args = append(conds, "offered_source = ?"), append(args, f.Source)
	}
	if len(conds) == 0 {
		return "", nil, nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

// Conflicts lists the conflicts the filter selects, newest first, a page
// at a time, masked, for the system administrator.
func (s *Service) Conflicts(ctx context.Context, f ConflictFilter) (ConflictPage, error) {
	if err := systemAdminOnly(ctx); err != nil {
		return ConflictPage{}, err
	}
	where, args, err := f.where()
	if err != nil {
		return ConflictPage{}, err
	}
	out := ConflictPage{Page: max(f.Page, 1), Items: []Conflict{}}
	if err := s.DB.QueryRow(ctx, "SELECT count(*) FROM hub_conflicts"+where, args...).Scan(&out.Total); err != nil {
		return out, fmt.Errorf("count conflicts: %w", err)
	}
	out.Pages = max(1, (out.Total+ConflictPageSize-1)/ConflictPageSize)
	rows, err := s.DB.Query(ctx, "SELECT "+conflictCols+" FROM hub_conflicts"+where+
		" ORDER BY at DESC, id DESC LIMIT ? OFFSET ?", append(args, ConflictPageSize, (out.Page-1)*ConflictPageSize)...)
	if err != nil {
		return out, fmt.Errorf("read conflicts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanConflict(rows)
		if err != nil {
			return out, fmt.Errorf("read conflicts: %w", err)
		}
		out.Items = append(out.Items, c)
	}
	return out, rows.Err()
}

// ConflictByID returns one conflict, masked, for the system administrator.
func (s *Service) ConflictByID(ctx context.Context, id int64) (Conflict, error) {
	if err := systemAdminOnly(ctx); err != nil {
		return Conflict{}, err
	}
	c, err := scanConflict(s.DB.QueryRow(ctx, "SELECT "+conflictCols+" FROM hub_conflicts WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Conflict{}, &errs.Error{Code: errs.NotFound, Key: "hub.conflict.not_found", Err: db.ErrNotFound}
	}
	if err != nil {
		return Conflict{}, fmt.Errorf("read conflict %d: %w", id, err)
	}
	return c, nil
}

// check validates a resolution the administrator gives.
func (r *Resolution) check() error {
	r.Outcome, r.Note = strings.TrimSpace(r.Outcome), strings.TrimSpace(r.Note)
	var list []error
	if r.Outcome != ResolutionConfirmed && r.Outcome != ResolutionReferred {
		list = append(list, errs.Field("outcome", "hub.conflict.outcome", nil))
	}
	switch n := utf8.RuneCountInString(r.Note); {
	case n == 0:
		list = append(list, errs.Field("note", "hub.conflict.note_required", nil))
	case n > MaxConflictNote:
		list = append(list, errs.Field("note", "hub.conflict.note_long", map[string]any{"max": MaxConflictNote}))
	}
	return errs.Join(list...)
}

// ResolveConflict closes an open conflict with the administrator's
// outcome and note, and who and when, in one transaction with its audit
// entry; a refused or failed attempt is audited too. The hub's records do
// not change: the authoritative value stays whatever the outcome.
func (s *Service) ResolveConflict(ctx context.Context, id int64, r Resolution) (Conflict, error) {
	p := identity.PrincipalFrom(ctx)
	ev := audit.Event{Action: "hub.conflict.resolve", ObjectType: "hub_conflict", ObjectID: strconv.FormatInt(id, 10)}
	err := s.Audit.Change(ctx, s.DB, ev, func(tx *db.Tx, ev *audit.Event) error {
		if err := systemAdminOnly(ctx); err != nil {
			return err
		}
		if err := r.check(); err != nil {
			return err
		}
		element, source, err := openConflict(ctx, tx, id)
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE hub_conflicts SET resolved_at = ?, resolution = ?, resolved_by = ?,
			resolved_by_name = ?, note = ? WHERE id = ? AND resolved_at IS NULL`,
			s.now(), r.Outcome, strconv.FormatInt(p.Account.ID, 10), p.Account.Name, r.Note, id)
		if err != nil {
			return fmt.Errorf("resolve conflict %d: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return &errs.Error{Code: errs.Conflict, Key: "hub.conflict.already_resolved"}
		}
		// No note in the trail: a note may quote personal data.
		ev.Detail = map[string]string{"outcome": r.Outcome, "element": element, "offered_source": source}
		return nil
	})
	if err != nil {
		return Conflict{}, err
	}
	return s.ConflictByID(ctx, id)
}

// openConflict reads the element and offering source of a conflict that
// is still open, or says why it cannot be resolved.
func openConflict(ctx context.Context, tx *db.Tx, id int64) (element, source string, err error) {
	var resolved sql.NullTime
	err = tx.QueryRow(ctx, "SELECT element, offered_source, resolved_at FROM hub_conflicts WHERE id = ?", id).
		Scan(&element, &source, &resolved)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", "", &errs.Error{Code: errs.NotFound, Key: "hub.conflict.not_found", Err: db.ErrNotFound}
	case err != nil:
		return "", "", fmt.Errorf("read conflict %d: %w", id, err)
	case resolved.Valid:
		return "", "", &errs.Error{Code: errs.Conflict, Key: "hub.conflict.already_resolved"}
	}
	return element, source, nil
}

// ConflictFacets are the values the administrators' filter offers: the
// data elements and the department kinds that are a source of any.
type ConflictFacets struct {
	Elements []string `json:"elements"`
	Sources  []string `json:"sources"`
}

// Facets reads the filter's choices from the source table (small: one
// row per element).
func (s *Service) Facets(ctx context.Context) (ConflictFacets, error) {
	if err := systemAdminOnly(ctx); err != nil {
		return ConflictFacets{}, err
	}
	rows, err := s.DB.Query(ctx, "SELECT element, department_kind FROM hub_sources ORDER BY element")
	if err != nil {
		return ConflictFacets{}, fmt.Errorf("read sources: %w", err)
	}
	defer rows.Close()
	out := ConflictFacets{Elements: []string{}, Sources: []string{}}
	seen := map[string]bool{}
	for rows.Next() {
		var el, kind string
		if err := rows.Scan(&el, &kind); err != nil {
			return out, err
		}
		out.Elements = append(out.Elements, el)
		if !seen[kind] {
			seen[kind] = true
			out.Sources = append(out.Sources, kind)
		}
	}
	if err := rows.Err(); err != nil {
		return out, err
	}
	slices.Sort(out.Sources)
	return out, nil
}
