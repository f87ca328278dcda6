package hub

import (
	"context"
	"fmt"
	"slices"
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
// The link is identity's (Access.Handling: identity.Service.HandlingOf),
// read at every read — one query of the person's handlings, through the
// index on enterprise_handlers.person_id — and never cached: the moment
// the enterprise removes a handler, their next read is refused.

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
	hs, err := s.handling(ctx, p.Account.ID)
	if err != nil {
		return nil, err
	}
	out := make([]HandledEntity, len(hs))
	for i, h := range hs {
		out[i] = HandledEntity{CreditCode: h.Enterprise.Login, Name: h.Enterprise.Name, Since: h.Since}
	}
	return out, nil
}

// handling lists the active enterprises the person acts for through
// Access.Handling (none without it).
func (s *Service) handling(ctx context.Context, personID int64) ([]identity.Handling, error) {
	if s.Access.Handling == nil || personID == 0 {
		return nil, nil
	}
	return s.Access.Handling(ctx, personID)
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
		return Profile{}, errs.Field("credit_code", ids.CreditCodeKey(err), nil)
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
	hs, err := s.handling(ctx, personID)
	if err != nil {
		return false, fmt.Errorf("check the handler's enterprise: %w", err)
	}
	return slices.ContainsFunc(hs, func(h identity.Handling) bool { return h.Enterprise.Login == creditCode }), nil
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
