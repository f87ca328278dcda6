package hub

import (
	"context"

	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/identity"
)

// An enterprise's own data (issue 5, part 7): the signed-in enterprise
// account (its login is its unified social credit code) reads its legal
// entity's record and licences for purpose self, authorized and written
// to the access log like every read (EntityProfile, access.go), and sees
// who read them (MyAccessLog). The person-side equivalent is Profile with
// the person's own ID number; the enterprise's handlers read the same
// record through HandledEntity (entity_handler.go).

// MyEntity is the signed-in enterprise's record in the legal-entity
// database with its licences, each value with its source and time. The
// legal representative's name is the register's public record and stays
// whole; their ID number is a natural person's data, and is masked: the
// handlers who use the enterprise's account do not need it.
func (s *Service) MyEntity(ctx context.Context) (Profile, error) {
	p := identity.PrincipalFrom(ctx)
	if p.Kind() != identity.Enterprise {
		return Profile{}, &errs.Error{Code: errs.Denied, Key: "hub.access.denied"}
	}
	pr, err := s.EntityProfile(ctx, p.Account.Login, Purpose{Kind: PurposeSelf})
	if err != nil {
		return Profile{}, err
	}
	return maskLegalRepID(pr), nil
}
