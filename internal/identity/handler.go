package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
)

// Handlers (经办人) are the registered persons an enterprise authorises to
// act for it: they sign in as themselves and apply in the enterprise's
// name, and the trail shows who did it. The policy's record scope (ScopeOf)
// gives a handler the enterprise's records while the enterprise's account
// is active.

// AddHandler authorises the registered person with the given ID number to
// act for the enterprise.
func (s *Service) AddHandler(ctx context.Context, enterprise Account, personIDNumber string) (Account, error) {
	if enterprise.Kind != Enterprise {
		return Account{}, errs.New(errs.Denied, "error.denied")
	}
	idn, err := s.checkIDNumber("id_number", personIDNumber)
	if err != nil {
		return Account{}, err
	}
	person, _, err := s.accountByLogin(ctx, idn)
	if errors.Is(err, db.ErrNotFound) || (err == nil && person.Kind != Person) {
		return Account{}, errs.Field("id_number", "identity.error.handler_unregistered", nil)
	} else if err != nil {
		return Account{}, err
	}
	ev := audit.Event{Action: "identity.handler.add", ObjectType: "account", ObjectID: fmt.Sprint(enterprise.ID),
		Detail: map[string]int64{"person": person.ID}}
	err = s.Audit.Change(ctx, s.DB, ev, func(tx *db.Tx, _ *audit.Event) error {
		_, err := tx.Exec(ctx, "INSERT INTO enterprise_handlers (enterprise_id, person_id, added_at) VALUES (?, ?, ?)",
			enterprise.ID, person.ID, s.now())
		if db.IsUniqueViolation(err) {
			return &errs.Error{Code: errs.Conflict, Field: "id_number", Key: "identity.error.handler_exists"}
		}
		return err
	})
	if err != nil {
		return Account{}, fmt.Errorf("add handler: %w", err)
	}
	return person, nil
}

// RemoveHandler withdraws a person's authority to act for the enterprise.
func (s *Service) RemoveHandler(ctx context.Context, enterprise Account, personID int64) error {
	ev := audit.Event{Action: "identity.handler.remove", ObjectType: "account", ObjectID: fmt.Sprint(enterprise.ID),
		Detail: map[string]int64{"person": personID}}
	return s.Audit.Change(ctx, s.DB, ev, func(tx *db.Tx, _ *audit.Event) error {
		res, err := tx.Exec(ctx, "DELETE FROM enterprise_handlers WHERE enterprise_id = ? AND person_id = ?", enterprise.ID, personID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &errs.Error{Code: errs.NotFound, Key: "error.not_found", Err: db.ErrNotFound}
		}
		return nil
	})
}

// Handlers lists the persons who act for an enterprise.
func (s *Service) Handlers(ctx context.Context, enterpriseID int64) ([]Account, error) {
	return s.accounts(ctx, "SELECT "+accountCols+` FROM accounts
		WHERE id IN (SELECT person_id FROM enterprise_handlers WHERE enterprise_id = ?) ORDER BY name, id`, enterpriseID)
}

// EnterprisesOf lists the enterprises a person acts for, disabled ones
// included (Account.Status tells them apart): the person's own list, so
// they see why they cannot act for one. What a handler may do goes by
// HandlingOf.
func (s *Service) EnterprisesOf(ctx context.Context, personID int64) ([]Account, error) {
	return s.accounts(ctx, "SELECT "+accountCols+` FROM accounts
		WHERE id IN (SELECT enterprise_id FROM enterprise_handlers WHERE person_id = ?) ORDER BY name, id`, personID)
}

// Handling is an enterprise a person acts for, and since when.
type Handling struct {
	Enterprise Account
	Since      time.Time // when the enterprise made them its handler
}

// HandlingOf lists the active enterprises a person acts for, by name, with
// when each made them its handler: what the data hub lets a handler read
// (hub.Access.Handling) and whose records the policy's scope gives them
// (ScopeOf). Unlike EnterprisesOf, a disabled enterprise is left out.
func (s *Service) HandlingOf(ctx context.Context, personID int64) ([]Handling, error) {
	rows, err := s.DB.Query(ctx, "SELECT "+accountCols+`, h.added_at FROM accounts
		JOIN enterprise_handlers h ON h.enterprise_id = accounts.id
		WHERE h.person_id = ? AND accounts.kind = ? AND accounts.status = 'active' ORDER BY name, id`, personID, Enterprise)
	if err != nil {
		return nil, fmt.Errorf("list the enterprises a handler acts for: %w", err)
	}
	defer rows.Close()
	out := []Handling{}
	for rows.Next() {
		var h Handling
		if h.Enterprise, err = scanAccount(withColumn{rows, &h.Since}); err != nil {
			return nil, fmt.Errorf("list the enterprises a handler acts for: %w", err)
		}
		h.Since = h.Since.UTC()
		out = append(out, h)
	}
	return out, rows.Err()
}

// withColumn scans one more column after an account's.
type withColumn struct {
	rows *sql.Rows
	dst  any
}

func (w withColumn) Scan(dest ...any) error { return w.rows.Scan(append(dest, w.dst)...) }

func (s *Service) accounts(ctx context.Context, q string, args ...any) ([]Account, error) {
	rows, err := s.DB.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, fmt.Errorf("list accounts: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
