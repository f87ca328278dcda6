package api

import (
	"net/http"
	"time"

	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
)

// Account is the API shape of an account. Personal data is masked: the API
// never returns a full ID number or phone number.
type Account struct {
	ID               int64     `json:"id"`
	Kind             string    `json:"kind"`
	Login            string    `json:"login"`
	Name             string    `json:"name"`
	IDNumber         string    `json:"id_number,omitempty"`
	Phone            string    `json:"phone,omitempty"`
	JurisdictionCode string    `json:"jurisdiction_code,omitempty"`
	CreatedAt        time.Time `json:"created_at"`
}

func accountOut(a identity.Account) Account {
	login := a.Login
	if a.Kind != identity.Enterprise && len(login) == 18 && login == a.IDNumber {
		login = ids.MaskIDNumber(login)
	}
	out := Account{ID: a.ID, Kind: a.Kind, Login: login, Name: a.Name, JurisdictionCode: a.JurisdictionCode,
		CreatedAt: a.CreatedAt.UTC()}
	if a.IDNumber != "" {
		out.IDNumber = ids.MaskIDNumber(a.IDNumber)
	}
	if a.Phone != "" {
		out.Phone = ids.MaskPhone(a.Phone)
	}
	return out
}

func (a *API) me(r *http.Request) (any, error) {
	p := identity.PrincipalFrom(r.Context())
	if p.Account.ID == 0 {
		return nil, errs.New(errs.Unauthenticated, "error.unauthenticated")
	}
	return accountOut(p.Account), nil
}

// getAccount returns one account to its owner, or masked to the security
// administrator; to anyone else it does not exist.
func (a *API) getAccount(r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	if !identity.AllowOwner(identity.PrincipalFrom(r.Context()), r.Pattern, id) {
		return nil, errs.New(errs.Denied, "error.denied")
	}
	acc, err := a.c.Identity.Account(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return accountOut(acc), nil
}
