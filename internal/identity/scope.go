package identity

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/govhall/govhall/internal/org"
)

// The second half of the one policy: which records a principal may see,
// for every store query that returns personal records. Routes (policy.go)
// decide who may call what; Scope decides what the call returns. Both
// live in this package so that one place says who sees what.

// Record is what the policy needs to know of a personal record: whose it
// is and where it is handled. A table maps its own columns to these fields
// (Columns) so its queries can be filtered by the same rules.
type Record struct {
	OwnerAccountID   int64  // the applicant's account: a person or an enterprise
	ResidentIDNumber string // the person the record concerns
	AgentID          int64  // the village agent who submitted it for the resident
	DepartmentID     int64  // the department handling it
	JurisdictionCode string // the jurisdiction handling it (12 digits)
}

// Scope is what one principal may see of personal records.
type Scope struct {
	// AccountIDs: records owned by these accounts (the person's own, the
	// enterprise's, and those of the active enterprises a person acts for
	// as handler).
	AccountIDs []int64
	// IDNumber: records that concern this person.
	IDNumber string
	// AgentID: records this agent submitted.
	AgentID int64
	// DepartmentIDs: records handled by the departments of a staff member's posts.
	DepartmentIDs []int64
	// Prefixes: records handled anywhere under these division-code prefixes
	// (a supervisor's jurisdiction; a post that reaches subordinate divisions).
	Prefixes []string
	// ReadOnly: the principal may look but not change (supervisors).
	ReadOnly bool
}

// CanSee decides for one record.
func (s Scope) CanSee(r Record) bool {
	switch {
	case r.OwnerAccountID != 0 && slices.Contains(s.AccountIDs, r.OwnerAccountID),
		s.IDNumber != "" && r.ResidentIDNumber == s.IDNumber,
		s.AgentID != 0 && r.AgentID == s.AgentID,
		r.DepartmentID != 0 && slices.Contains(s.DepartmentIDs, r.DepartmentID):
		return true
	}
	for _, p := range s.Prefixes {
		if r.JurisdictionCode != "" && strings.HasPrefix(r.JurisdictionCode, p) {
			return true
		}
	}
	return false
}

// CanChange decides whether the principal may act on a record it can see.
func (s Scope) CanChange(r Record) bool { return !s.ReadOnly && s.CanSee(r) }

// Columns names a table's columns for the fields of Record ("" when the
// table has no such column: that rule then admits nothing there).
type Columns struct {
	OwnerAccountID, ResidentIDNumber, AgentID, DepartmentID, JurisdictionCode string
}

// Where renders the scope as a SQL condition (with ? placeholders) over
// cols, the same rules as CanSee: the rows the principal may see. A scope
// that admits nothing renders as a condition no row meets.
func (s Scope) Where(cols Columns) (string, []any) {
	var or []string
	var args []any
	in := func(col string, ids []int64) {
		if col == "" || len(ids) == 0 {
			return
		}
		or = append(or, col+" IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")+")")
		for _, id := range ids {
			args = append(args, id)
		}
	}
	in(cols.OwnerAccountID, s.AccountIDs)
	if cols.ResidentIDNumber != "" && s.IDNumber != "" {
		or, args = append(or, cols.ResidentIDNumber+" = ?"), append(args, s.IDNumber)
	}
	if cols.AgentID != "" && s.AgentID != 0 {
		or, args = append(or, cols.AgentID+" = ?"), append(args, s.AgentID)
	}
	in(cols.DepartmentID, s.DepartmentIDs)
	if cols.JurisdictionCode != "" {
		for _, p := range s.Prefixes {
			or, args = append(or, cols.JurisdictionCode+" LIKE ?"), append(args, p+"%")
		}
	}
	if len(or) == 0 {
		return "1 = 0", nil
	}
	return "(" + strings.Join(or, " OR ") + ")", args
}

// ScopeOf computes what a principal may see of personal records:
//   - a person: their own records and those that concern them, and the
//     records of the active enterprises they act for as a handler;
//   - an enterprise: its own;
//   - staff: what the departments of their posts handle, and, for a post
//     that reaches subordinate divisions, everything handled under its
//     department's division;
//   - a village agent: what they submitted for residents;
//   - a supervisor: everything handled in their jurisdiction, read-only;
//   - administrators and department systems: no personal records (they
//     administer; systems reach data through scoped hub queries).
func (s *Service) ScopeOf(ctx context.Context, p Principal) (Scope, error) {
	a := p.Account
	switch p.Kind() {
	case Person:
		// Only active enterprises: a handler of a disabled one no longer
		// sees its records, as the data hub does not let them read its data.
		hs, err := s.HandlingOf(ctx, a.ID)
		if err != nil {
			return Scope{}, err
		}
		sc := Scope{AccountIDs: []int64{a.ID}, IDNumber: a.IDNumber}
		for _, h := range hs {
			sc.AccountIDs = append(sc.AccountIDs, h.Enterprise.ID)
		}
		return sc, nil
	case Enterprise:
		return Scope{AccountIDs: []int64{a.ID}}, nil
	case Agent:
		return Scope{AgentID: a.ID}, nil
	case Supervisor:
		if len(a.JurisdictionCode) != 12 {
			return Scope{ReadOnly: true}, nil
		}
		return Scope{Prefixes: []string{org.CodePrefix(a.JurisdictionCode)}, ReadOnly: true}, nil
	case Staff:
		return s.staffScope(ctx, a.ID)
	}
	return Scope{}, nil
}

// staffScope reads the departments of a staff member's posts.
func (s *Service) staffScope(ctx context.Context, accountID int64) (Scope, error) {
	rows, err := s.DB.Query(ctx, `SELECT d.id, d.jurisdiction_code, p.reaches_subordinate
		FROM staff_posts sp JOIN posts p ON p.id = sp.post_id JOIN departments d ON d.id = p.department_id
		WHERE sp.account_id = ? ORDER BY d.id`, accountID)
	if err != nil {
		return Scope{}, fmt.Errorf("staff scope: %w", err)
	}
	defer rows.Close()
	var sc Scope
	for rows.Next() {
		var dept int64
		var code string
		var sub bool
		if err := rows.Scan(&dept, &code, &sub); err != nil {
			return Scope{}, fmt.Errorf("staff scope: %w", err)
		}
		if !slices.Contains(sc.DepartmentIDs, dept) {
			sc.DepartmentIDs = append(sc.DepartmentIDs, dept)
		}
		if sub {
			sc.Prefixes = append(sc.Prefixes, org.CodePrefix(code))
		}
	}
	return sc, rows.Err()
}
