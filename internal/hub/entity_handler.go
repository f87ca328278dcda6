package hub

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
)

// An enterprise's handlers (经办人) read its data. An enterprise
// authorises registered persons to act in its name (identity, handler.go,
// table enterprise_handlers); they sign in as themselves. While the link
// exists a handler reads the enterprise's legal-entity record and
// licences, as the enterprise itself does (MyEntity), and each read is
// written to the enterprise's access log naming the reader as its handler
// (their name masked when the enterprise reads the log).
//
// The link is read from enterprise_handlers at every read — one probe by
// the unique login and the table's primary key — and never cached: the
// moment the enterprise removes a handler, their next read is refused.
// The hub reads identity's table directly, as it reads a staff member's
// posts (access.go), so the policy needs no hook to be wired.

// RoleHandler is the role of a person who reads an enterprise's data as
// one of its handlers (hub_access_log.detail "as", AccessEntry.AccessorRole).
const RoleHandler = "handler"

// HandledEntity is an enterprise the signed-in person acts for.
type HandledEntity struct {
	CreditCode string    `json:"credit_code"`
	Name       string    `json:"name"`
	Since      time.Time `json:"since"` // when the enterprise made them its handler
}

// HandledEntities lists the enterprises the signed-in person currently
// acts for as a handler (active enterprise accounts only), by name: the
// ones whose data HandledEntity gives them. Only a person has such a list.
func (s *Service) HandledEntities(ctx context.Context) ([]HandledEntity, error) {
	p := identity.PrincipalFrom(ctx)
	if p.Kind() != identity.Person {
		return nil, &errs.Error{Code: errs.Denied, Key: "hub.access.denied"}
	}
	rows, err := s.DB.Query(ctx, `SELECT e.login, e.name, h.added_at FROM enterprise_handlers h
		JOIN accounts e ON e.id = h.enterprise_id
		WHERE h.person_id = ? AND e.kind = ? AND e.status = 'active' ORDER BY e.name, e.id`, p.Account.ID, identity.Enterprise)
	if err != nil {
		return nil, fmt.Errorf("list the enterprises a handler acts for: %w", err)
	}
	defer rows.Close()
	out := []HandledEntity{}
	for rows.Next() {
		var e HandledEntity
		if err := rows.Scan(&e.CreditCode, &e.Name, &e.Since); err != nil {
			return nil, fmt.Errorf("list the enterprises a handler acts for: %w", err)
		}
		e.Since = e.Since.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// HandledEntity is the record in the legal-entity database, with its
// licences, of an enterprise the signed-in person acts for — what the
// enterprise itself sees (MyEntity): the legal representative's ID number
// masked. The read is authorized (authorizeHandler) and access-logged for
// purpose self like the enterprise's own; a person who is not (or no
// longer) its handler is refused, and the refusal is logged too. A
// malformed credit code is a field error on credit_code.
func (s *Service) HandledEntity(ctx context.Context, creditCode string) (Profile, error) {
	if identity.PrincipalFrom(ctx).Kind() != identity.Person {
		return Profile{}, &errs.Error{Code: errs.Denied, Key: "hub.access.denied"}
	}
	code := ids.NormalizeCreditCode(creditCode)
	if err := ids.ValidateCreditCode(code); err != nil {
		var ce *ids.CreditCodeError
		errors.As(err, &ce)
		return Profile{}, errs.Field("credit_code", ce.Key(), nil)
	}
	pr, err := s.EntityProfile(ctx, code, Purpose{Kind: PurposeSelf})
	if err != nil {
		return Profile{}, err
	}
	return maskLegalRepID(pr), nil
}

// authorizeHandler decides whether a person may read an entity: only as
// a handler of the enterprise account whose login is the credit code,
// for purpose self or prefill. acc's role records that they read as one.
func (s *Service) authorizeHandler(ctx context.Context, acc *accessor, creditCode string, p Purpose) error {
	ok, err := s.handles(ctx, acc.principal.Account.ID, creditCode)
	if err != nil {
		return err
	}
	if !ok {
		return &errs.Error{Code: errs.Denied, Key: "hub.access.not_handler"}
	}
	acc.role = RoleHandler
	return purposeIn(p, PurposeSelf, PurposePrefill)
}

// handles reports whether the person account acts for the active
// enterprise account whose login is creditCode.
func (s *Service) handles(ctx context.Context, personID int64, creditCode string) (bool, error) {
	if personID == 0 || creditCode == "" {
		return false, nil
	}
	var n int
	err := s.DB.QueryRow(ctx, `SELECT count(*) FROM accounts e JOIN enterprise_handlers h ON h.enterprise_id = e.id
		WHERE e.login = ? AND e.kind = ? AND e.status = 'active' AND h.person_id = ?`,
		creditCode, identity.Enterprise, personID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check the handler's enterprise: %w", err)
	}
	return n > 0, nil
}

// maskLegalRepID masks the legal representative's ID number: a natural
// person's data that neither the enterprise's account nor its handlers
// need in full to see their record.
func maskLegalRepID(pr Profile) Profile {
	if d, ok := pr.Data["entity.legal_representative_id"]; ok {
		d.Value = ids.MaskIDNumber(d.Value)
		pr.Data["entity.legal_representative_id"] = d
	}
	return pr
}
