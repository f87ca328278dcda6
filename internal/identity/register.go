package identity

import (
	"context"
	"fmt"
	"strings"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/ids"
)

// PersonForm is a natural person's registration.
type PersonForm struct {
	Name, IDNumber, Phone, Password string
}

// RegisterPerson creates a person's account, identified by their ID number.
// Every field is checked first and every mistake reported together; nothing
// is written unless all pass.
func (s *Service) RegisterPerson(ctx context.Context, f PersonForm) (Account, error) {
	idn, errID := s.checkIDNumber("id_number", f.IDNumber)
	f.Phone = strings.TrimSpace(f.Phone)
	if err := errs.Join(checkName("name", f.Name), errID, checkPhone("phone", f.Phone),
		CheckPassword("password", f.Password, idn, f.Phone)); err != nil {
		return Account{}, err
	}
	if s.RealName != nil {
		if err := s.RealName(ctx, idn, strings.TrimSpace(f.Name)); err != nil {
			return Account{}, err
		}
	}
	a := Account{Kind: Person, Login: idn, Name: strings.TrimSpace(f.Name), IDNumber: idn, Phone: f.Phone}
	err := s.insert(ctx, &a, f.Password, "identity.person.register", nil)
	return a, err
}

// EnterpriseForm is an enterprise's registration by its legal
// representative.
type EnterpriseForm struct {
	CreditCode, Name, LegalRepName, LegalRepIDNumber, Phone, Password string
}

// RegisterEnterprise creates an enterprise's account, identified by its
// unified social credit code.
func (s *Service) RegisterEnterprise(ctx context.Context, f EnterpriseForm) (Account, error) {
	code := ids.NormalizeCreditCode(f.CreditCode)
	var errCode error
	if code == "" {
		errCode = errs.Field("credit_code", "error.required", nil)
	} else if err := ids.ValidateCreditCode(code); err != nil {
		errCode = errs.Field("credit_code", ids.CreditCodeKey(err), nil)
	}
	rep, errRep := s.checkIDNumber("legal_rep_id_number", f.LegalRepIDNumber)
	f.Phone = strings.TrimSpace(f.Phone)
	if err := errs.Join(errCode, checkName("name", f.Name), checkName("legal_rep_name", f.LegalRepName), errRep,
		checkPhone("phone", f.Phone), CheckPassword("password", f.Password, code, f.Phone)); err != nil {
		return Account{}, err
	}
	a := Account{Kind: Enterprise, Login: code, Name: strings.TrimSpace(f.Name), Phone: f.Phone}
	err := s.insert(ctx, &a, f.Password, "identity.enterprise.register", func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO enterprises (account_id, credit_code, name, legal_rep_name, legal_rep_id_number, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, a.ID, code, a.Name, strings.TrimSpace(f.LegalRepName), rep, a.CreatedAt)
		return err
	})
	return a, err
}

// StaffForm creates an account that is not self-registered: staff, agents,
// supervisors and administrators (by an administrator or the demo seed).
type StaffForm struct {
	Kind, Login, Name, IDNumber, Phone, Password string
	JurisdictionCode                             string
	ServicePointID                               int64   // agents: their village's proxy point
	PostIDs                                      []int64 // staff: the posts they hold
}

// CreateAccount creates a staff, agent, supervisor or administrator account.
func (s *Service) CreateAccount(ctx context.Context, f StaffForm) (Account, error) {
	login := strings.ToLower(strings.TrimSpace(f.Login))
	var errKind, errLogin, errScope error
	switch f.Kind {
	case Staff, Agent, Supervisor, CatalogAdmin, SystemAdmin, AuditAdmin, SecurityAdmin:
	default:
		errKind = errs.Field("kind", "identity.error.kind", nil)
	}
	if len(login) < 3 || len(login) > 40 || strings.ContainsAny(login, " \t@") {
		errLogin = errs.Field("login", "identity.error.login", nil)
	}
	switch {
	case f.Kind == Agent && f.ServicePointID == 0:
		errScope = errs.Field("service_point_id", "error.required", nil)
	case f.Kind == Staff && len(f.PostIDs) == 0:
		errScope = errs.Field("post_ids", "error.required", nil)
	}
	idn, errID := s.checkIDNumber("id_number", f.IDNumber)
	f.Phone = strings.TrimSpace(f.Phone)
	if err := errs.Join(errKind, errLogin, checkName("name", f.Name), errID, checkPhone("phone", f.Phone), errScope,
		CheckPassword("password", f.Password, login, idn, f.Phone)); err != nil {
		return Account{}, err
	}
	a := Account{Kind: f.Kind, Login: login, Name: strings.TrimSpace(f.Name), IDNumber: idn, Phone: f.Phone,
		JurisdictionCode: f.JurisdictionCode, ServicePointID: f.ServicePointID}
	err := s.insert(ctx, &a, f.Password, "identity.account.create", func(tx *db.Tx) error {
		for _, p := range f.PostIDs {
			if _, err := tx.Exec(ctx, "INSERT INTO staff_posts (account_id, post_id) VALUES (?, ?)", a.ID, p); err != nil {
				return fmt.Errorf("post %d: %w", p, err)
			}
		}
		return nil
	})
	return a, err
}

// insert writes a new account (and whatever more writes) with its audit
// entry in one transaction. A taken login is a conflict on the login field.
func (s *Service) insert(ctx context.Context, a *Account, password, action string, more func(*db.Tx) error) error {
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	a.Status, a.CreatedAt = "active", s.now()
	ev := audit.Event{Action: action, ObjectType: "account", Detail: map[string]string{"kind": a.Kind}}
	err = s.Audit.Change(ctx, s.DB, ev, func(tx *db.Tx, ev *audit.Event) error {
		err := tx.QueryRow(ctx, `INSERT INTO accounts (kind, login, name, id_number, phone, password_hash, status,
			jurisdiction_code, service_point_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?) RETURNING id`,
			a.Kind, a.Login, a.Name, nullable(a.IDNumber), a.Phone, hash, nullable(a.JurisdictionCode),
			nullableID(a.ServicePointID), a.CreatedAt, a.CreatedAt).Scan(&a.ID)
		if db.IsUniqueViolation(err) {
			field := "login"
			if a.Kind == Person {
				field = "id_number"
			} else if a.Kind == Enterprise {
				field = "credit_code"
			}
			return &errs.Error{Code: errs.Conflict, Field: field, Key: "identity.error.registered"}
		} else if err != nil {
			return err
		}
		ev.ObjectID = fmt.Sprint(a.ID)
		if more != nil {
			return more(tx)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("create %s account: %w", a.Kind, err)
	}
	return nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullableID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
