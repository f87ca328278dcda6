package api

import (
	"net/http"

	"github.com/govhall/govhall/internal/identity"
)

// PersonRegistration is a natural person's registration: the fields of the
// portal's form.
type PersonRegistration struct {
	Name     string `json:"name"`
	IDNumber string `json:"id_number"`
	Phone    string `json:"phone"`
	Password string `json:"password"`
}

// EnterpriseRegistration is an enterprise's registration by its legal
// representative (or a handler for them).
type EnterpriseRegistration struct {
	CreditCode       string `json:"credit_code"`
	Name             string `json:"name"`
	LegalRepName     string `json:"legal_rep_name"`
	LegalRepIDNumber string `json:"legal_rep_id_number"`
	Phone            string `json:"phone"`
	Password         string `json:"password"`
}

// registerPerson creates a person's account. Every mistake is reported at
// once (the errors list) and nothing is created unless all fields pass.
// It does not sign in: POST /api/v1/login does, throttled like any login.
func (a *API) registerPerson(r *http.Request) (any, error) {
	var in PersonRegistration
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	acc, err := a.c.Identity.RegisterPerson(r.Context(), identity.PersonForm{Name: in.Name, IDNumber: in.IDNumber,
		Phone: in.Phone, Password: in.Password})
	if err != nil {
		return nil, err
	}
	return reply{status: http.StatusCreated, body: accountOut(acc)}, nil
}

// registerEnterprise creates an enterprise's account.
func (a *API) registerEnterprise(r *http.Request) (any, error) {
	var in EnterpriseRegistration
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	acc, err := a.c.Identity.RegisterEnterprise(r.Context(), identity.EnterpriseForm{CreditCode: in.CreditCode,
		Name: in.Name, LegalRepName: in.LegalRepName, LegalRepIDNumber: in.LegalRepIDNumber, Phone: in.Phone,
		Password: in.Password})
	if err != nil {
		return nil, err
	}
	return reply{status: http.StatusCreated, body: accountOut(acc)}, nil
}
