package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
)

// Account statuses. A disabled account cannot sign in and has no sessions.
const (
	StatusActive   = "active"
	StatusDisabled = "disabled"
)

// ManagedKinds are the kinds of account the security administrator creates
// on the administrators' pages. The three administrator kinds are not among
// them: separation of duties (level-3 protection) breaks down if one
// administrator can create another, say a security administrator making
// themselves an audit administrator to read, or hide, the trace of their
// own actions. Administrator accounts are created at installation by the
// operators (the demo seed here) and their status is not changed on these
// pages either. Persons and enterprises register themselves.
var ManagedKinds = []string{Staff, Agent, Supervisor, CatalogAdmin}

// AdminKinds are the separated administrator roles.
var AdminKinds = []string{SystemAdmin, AuditAdmin, SecurityAdmin}

// Default and largest page of ListAccounts.
const (
	AccountsPage    = 50
	MaxAccountsPage = 500
)

// ListAccounts returns one page of accounts of a kind ("" for every kind),
// newest first, and how many accounts of that kind there are. Accounts
// carry their ID numbers and phones in full: the page that shows them
// masks them.
func (s *Service) ListAccounts(ctx context.Context, kind string, offset, limit int) ([]Account, int, error) {
	if kind != "" && !slices.Contains(Kinds, kind) {
		return nil, 0, errs.Field("kind", "identity.error.kind", nil)
	}
	if limit <= 0 {
		limit = AccountsPage
	}
	limit, offset = min(limit, MaxAccountsPage), max(offset, 0)
	where, args := "", []any{}
	if kind != "" {
		where, args = " WHERE kind = ?", append(args, kind)
	}
	var total int
	if err := s.DB.QueryRow(ctx, "SELECT count(*) FROM accounts"+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count accounts: %w", err)
	}
	rows, err := s.DB.Query(ctx, "SELECT "+accountCols+" FROM accounts"+where+" ORDER BY id DESC LIMIT ? OFFSET ?",
		append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list accounts: %w", err)
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("list accounts: %w", err)
		}
		a.CreatedAt = a.CreatedAt.UTC()
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list accounts: %w", err)
	}
	return out, total, nil
}

// CreateManaged creates an account of one of the ManagedKinds through
// CreateAccount. Another kind is refused like an unknown one, together
// with every other mistake of the form.
func (s *Service) CreateManaged(ctx context.Context, f StaffForm) (Account, error) {
	if !slices.Contains(ManagedKinds, f.Kind) {
		f.Kind = ""
	}
	a, err := s.CreateAccount(ctx, f)
	// CreateAccount's "already registered" speaks to a person signing up;
	// here the administrator chose a login name someone else has.
	if e, ok := errs.As(err); ok && e.Code == errs.Conflict && e.Field == "login" {
		e.Key = "identity.error.login_taken"
	}
	return a, err
}

// SetStatus disables or re-enables an account. Disabling ends its sessions
// and its pending login codes in the same audited transaction, so the
// account is signed out everywhere the moment it is disabled. Nobody
// disables themselves (the hall would lose its last security
// administrator), and administrator accounts are not changed here (see
// ManagedKinds).
func (s *Service) SetStatus(ctx context.Context, id int64, status string) error {
	if status != StatusActive && status != StatusDisabled {
		return errs.Field("status", "error.invalid", nil)
	}
	verb := map[string]string{StatusActive: "enable", StatusDisabled: "disable"}[status]
	ev := audit.Event{Action: "identity.account." + verb, ObjectType: "account", ObjectID: strconv.FormatInt(id, 10)}
	if a := actor.From(ctx); slices.Contains(Kinds, a.Kind) && a.ID == ev.ObjectID {
		self := &errs.Error{Code: errs.Denied, Key: "identity.error.status_self"}
		// Recorded as denied: a refused administrative action is a security event.
		return s.Audit.Change(ctx, s.DB, ev, func(*db.Tx, *audit.Event) error { return self })
	}
	err := s.Audit.Change(ctx, s.DB, ev, func(tx *db.Tx, ev *audit.Event) error {
		var kind string
		err := tx.QueryRow(ctx, "SELECT kind FROM accounts WHERE id = ?", id).Scan(&kind)
		if errors.Is(err, sql.ErrNoRows) {
			return &errs.Error{Code: errs.NotFound, Key: "error.not_found", Err: db.ErrNotFound}
		} else if err != nil {
			return err
		}
		if slices.Contains(AdminKinds, kind) {
			return &errs.Error{Code: errs.Denied, Key: "identity.error.status_admin"}
		}
		if _, err := tx.Exec(ctx, "UPDATE accounts SET status = ?, failed_logins = 0, locked_until = NULL, updated_at = ? WHERE id = ?",
			status, s.now(), id); err != nil {
			return err
		}
		detail := map[string]string{"kind": kind}
		ev.Detail = detail
		if status == StatusActive {
			return nil
		}
		n, err := endSessions(ctx, tx, id, s.now())
		detail["sessions_ended"] = strconv.FormatInt(n, 10)
		return err
	})
	if err != nil {
		return fmt.Errorf("set account %d %s: %w", id, status, err)
	}
	return nil
}

// endSessions deletes an account's sessions and spends its pending login
// codes; it returns how many sessions ended.
func endSessions(ctx context.Context, tx *db.Tx, id int64, now time.Time) (int64, error) {
	res, err := tx.Exec(ctx, "DELETE FROM sessions WHERE account_id = ?", id)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	_, err = tx.Exec(ctx, "UPDATE login_challenges SET used_at = ? WHERE account_id = ? AND used_at IS NULL", now, id)
	return n, err
}

// NoteAdminRead records in the audit trail that an administrator read
// something sensitive (the outbox with its one-time codes) or checked the
// trail itself; level-3 protection asks that administrators' actions leave
// a trace like everyone else's.
func (s *Service) NoteAdminRead(ctx context.Context, action, objectType string, detail map[string]string) error {
	ev := audit.Event{Action: action, ObjectType: objectType, Detail: detail}
	if err := s.Audit.Change(ctx, s.DB, ev, func(*db.Tx, *audit.Event) error { return nil }); err != nil {
		return fmt.Errorf("record %s: %w", action, err)
	}
	return nil
}
