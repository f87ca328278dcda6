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

// listHandlers returns an enterprise's handlers (persons, their ID numbers
// and phones masked) or, to a person, the enterprises they act for.
func (a *API) listHandlers(r *http.Request) (any, error) {
	p := identity.PrincipalFrom(r.Context())
	list := a.c.Identity.EnterprisesOf
	if p.Kind() == identity.Enterprise {
		list = a.c.Identity.Handlers
	}
	accounts, err := list(r.Context(), p.Account.ID)
	if err != nil {
		return nil, err
	}
	return mapList(accounts, accountOut), nil
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
