package api

import (
	"net/http"

	"github.com/govhall/govhall/internal/identity"
)

// HandlerRequest names the registered person an enterprise authorises to
// act in its name (经办人).
type HandlerRequest struct {
	IDNumber string `json:"id_number"`
}

// HandledEnterprise is an enterprise a person acts for, with its account's
// status: a disabled enterprise stays listed, so the person sees why they
// cannot act for it.
type HandledEnterprise struct {
	Account
	Status string `json:"status"`
}

// listHandlers returns an enterprise's handlers (persons, their ID numbers
// and phones masked) or, to a person, the enterprises they act for with
// their status.
func (a *API) listHandlers(r *http.Request) (any, error) {
	p := identity.PrincipalFrom(r.Context())
	if p.Kind() != identity.Enterprise {
		ents, err := a.c.Identity.EnterprisesOf(r.Context(), p.Account.ID)
		if err != nil {
			return nil, err
		}
		return mapList(ents, func(e identity.Account) HandledEnterprise {
			return HandledEnterprise{Account: accountOut(e), Status: e.Status}
		}), nil
	}
	people, err := a.c.Identity.Handlers(r.Context(), p.Account.ID)
	if err != nil {
		return nil, err
	}
	return mapList(people, accountOut), nil
}

// addHandler authorises a registered person by their ID number.
func (a *API) addHandler(r *http.Request) (any, error) {
	var in HandlerRequest
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	person, err := a.c.Identity.AddHandler(r.Context(), identity.PrincipalFrom(r.Context()).Account, in.IDNumber)
	if err != nil {
		return nil, err
	}
	return reply{status: http.StatusCreated, body: accountOut(person)}, nil
}

// removeHandler withdraws a handler's authority; a person who is not one
// of the enterprise's handlers is not found.
func (a *API) removeHandler(r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	if err := a.c.Identity.RemoveHandler(r.Context(), identity.PrincipalFrom(r.Context()).Account, id); err != nil {
		return nil, err
	}
	return reply{status: http.StatusNoContent}, nil
}
