// Package identity owns who may use the hall: accounts of every kind
// (natural persons, enterprises and their handlers, department staff holding
// posts, village agents, supervisors and the separated administrator
// roles), passwords, login throttling, sessions, and the one policy that
// decides what each kind of account may do.
package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/ids"
)

// Kinds of account.
const (
	Person        = "person"
	Enterprise    = "enterprise"
	Staff         = "staff"
	Agent         = "agent"
	Supervisor    = "supervisor"
	CatalogAdmin  = "catalog_admin"
	SystemAdmin   = "system_admin"
	AuditAdmin    = "audit_admin"
	SecurityAdmin = "security_admin"
)

// Kinds lists every kind of account, for the policy matrix.
var Kinds = []string{Person, Enterprise, Staff, Agent, Supervisor, CatalogAdmin, SystemAdmin, AuditAdmin, SecurityAdmin}

// Account is someone who signs in.
type Account struct {
	ID    int64
	Kind  string
	Login string // ID number for persons, credit code for enterprises, a login name otherwise
	Name  string
	// IDNumber is the citizen ID number of a person (and of staff, agents
	// and administrators, who are persons too); empty for enterprises.
	IDNumber         string
	Phone            string
	Status           string
	LockedUntil      time.Time // zero when not locked
	JurisdictionCode string    // where staff, agents, supervisors and admins work
	ServicePointID   int64     // a village agent's proxy point
	CreatedAt        time.Time
}

// Service manages accounts and sessions.
type Service struct {
	DB    *db.DB
	Audit *audit.Log
	Now   func() time.Time
	// RealName checks a registering person's name and ID number against
	// the population database (the data hub's real-name check); its error
	// is a field error on name or id_number. nil: no check.
	RealName func(ctx context.Context, idNumber, name string) error
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

const accountCols = `id, kind, login, name, COALESCE(id_number, ''), phone, status, locked_until,
	COALESCE(jurisdiction_code, ''), COALESCE(service_point_id, 0), created_at`

func scanAccount(sc interface{ Scan(...any) error }) (Account, error) {
	var a Account
	var locked sql.NullTime
	err := sc.Scan(&a.ID, &a.Kind, &a.Login, &a.Name, &a.IDNumber, &a.Phone, &a.Status, &locked,
		&a.JurisdictionCode, &a.ServicePointID, &a.CreatedAt)
	if locked.Valid {
		a.LockedUntil = locked.Time.UTC()
	}
	return a, err
}

// Account returns one account.
func (s *Service) Account(ctx context.Context, id int64) (Account, error) {
	a, err := scanAccount(s.DB.QueryRow(ctx, "SELECT "+accountCols+" FROM accounts WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, fmt.Errorf("account %d: %w", id, db.ErrNotFound)
	}
	return a, err
}

func (s *Service) accountByLogin(ctx context.Context, login string) (Account, string, error) {
	var hash string
	row := s.DB.QueryRow(ctx, "SELECT "+accountCols+", password_hash FROM accounts WHERE login = ?", login)
	var a Account
	var locked sql.NullTime
	err := row.Scan(&a.ID, &a.Kind, &a.Login, &a.Name, &a.IDNumber, &a.Phone, &a.Status, &locked,
		&a.JurisdictionCode, &a.ServicePointID, &a.CreatedAt, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, "", fmt.Errorf("account %s: %w", login, db.ErrNotFound)
	}
	if locked.Valid {
		a.LockedUntil = locked.Time.UTC()
	}
	return a, hash, err
}

// NormalizeLogin turns what a person typed into the stored login: ID
// numbers and credit codes are normalised (full-width, lower-case x);
// other logins are trimmed and lower-cased.
func NormalizeLogin(s string) string {
	s = strings.TrimSpace(s)
	if n := ids.NormalizeIDNumber(s); len(n) == 18 {
		return n
	}
	if n := ids.NormalizeCreditCode(s); len(n) == 18 {
		return n
	}
	return strings.ToLower(s)
}

// checkName refuses an empty or absurd name.
func checkName(field, name string) error {
	if strings.TrimSpace(name) == "" {
		return errs.Field(field, "error.required", nil)
	}
	if len([]rune(name)) > 100 {
		return errs.Field(field, "identity.error.name_long", nil)
	}
	return nil
}

// checkPhone accepts an 11-digit mainland mobile number.
func checkPhone(field, phone string) error {
	if len(phone) != 11 || phone[0] != '1' || phone[1] < '3' {
		return errs.Field(field, "identity.error.phone", nil)
	}
	for _, c := range phone {
		if c < '0' || c > '9' {
			return errs.Field(field, "identity.error.phone", nil)
		}
	}
	return nil
}

// checkIDNumber validates a citizen ID number and returns it normalised.
func (s *Service) checkIDNumber(field, v string) (string, error) {
	n := ids.NormalizeIDNumber(v)
	if n == "" {
		return "", errs.Field(field, "error.required", nil)
	}
	if _, err := ids.ValidateIDNumber(n, s.now()); err != nil {
		var e *ids.IDNumberError
		if errors.As(err, &e) {
			return "", errs.Field(field, e.Key(), nil)
		}
		return "", err
	}
	return n, nil
}
