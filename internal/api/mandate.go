package api

import (
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
)

// Mandate is the API shape of a proxy mandate (全程代理). The resident's ID
// number and phone are masked; an agent sees the resident's name masked
// too (a resident sees their own).
type Mandate struct {
	ID               int64     `json:"id"`
	AgentID          int64     `json:"agent_id"`
	ResidentName     string    `json:"resident_name"`
	ResidentIDNumber string    `json:"resident_id_number"`
	ResidentPhone    string    `json:"resident_phone"`
	Scope            string    `json:"scope"`
	Subject          string    `json:"subject,omitempty"`
	ValidFrom        time.Time `json:"valid_from"`
	ValidUntil       time.Time `json:"valid_until"`
	Consent          string    `json:"consent"`
	Status           string    `json:"status"`
	CreatedAt        time.Time `json:"created_at"`
}

func mandateOut(m identity.Mandate, maskName bool) Mandate {
	name := m.ResidentName
	if maskName {
		name = ids.MaskName(name)
	}
	return Mandate{ID: m.ID, AgentID: m.AgentID, ResidentName: name,
		ResidentIDNumber: ids.MaskIDNumber(m.ResidentIDNumber), ResidentPhone: ids.MaskPhone(m.ResidentPhone),
		Scope: m.Scope, Subject: m.Subject, ValidFrom: m.ValidFrom.UTC(), ValidUntil: m.ValidUntil.UTC(),
		Consent: m.Consent, Status: m.Status, CreatedAt: m.CreatedAt.UTC()}
}

// listMandates returns the caller's mandates: a resident's (those that
// name them) or an agent's own, newest first.
func (a *API) listMandates(r *http.Request) (any, error) {
	p := identity.PrincipalFrom(r.Context())
	list, err := a.c.Identity.Mandates(r.Context(), p)
	if err != nil {
		return nil, err
	}
	agent := p.Kind() == identity.Agent
	return mapList(list, func(m identity.Mandate) Mandate { return mandateOut(m, agent) }), nil
}

// MandateRequest is what a village agent fills in with the resident: the
// fields of the agent's form. ValidUntil is a day (YYYY-MM-DD, Beijing),
// valid through that day; a one-application mandate without one lasts
// mandateValidDefault. A period mandate covers any item: its subject is
// ignored.
type MandateRequest struct {
	ResidentName     string `json:"resident_name"`
	ResidentIDNumber string `json:"resident_id_number"`
	ResidentPhone    string `json:"resident_phone"`
	Scope            string `json:"scope"`
	Subject          string `json:"subject"`
	ValidUntil       string `json:"valid_until"`
	Consent          string `json:"consent"`
}

// MandateConfirmation is the resident's consent: the code from their SMS,
// or their signature (a PNG, base64) captured on the agent's phone.
type MandateConfirmation struct {
	Code               string `json:"code"`
	SignaturePNGBase64 string `json:"signature_png_base64"`
}

// mandateValidDefault is how long a one-application mandate lasts when no
// end is given (as on the agent's page).
const mandateValidDefault = 90 * 24 * time.Hour

// beijing is the time zone a day of the hall is counted in.
var beijing = time.FixedZone("CST", 8*3600)

// requestMandate records a pending mandate of the agent (and, for SMS
// consent, texts the resident a code). Every mistake is reported at once.
func (a *API) requestMandate(r *http.Request) (any, error) {
	var in MandateRequest
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	f := identity.MandateRequest{ResidentName: in.ResidentName, ResidentIDNumber: in.ResidentIDNumber,
		ResidentPhone: in.ResidentPhone, Scope: in.Scope, Subject: in.Subject, Consent: in.Consent}
	if f.Scope == identity.ScopePeriod {
		f.Subject = ""
	}
	var dateErr *errs.Error
	switch until := strings.TrimSpace(in.ValidUntil); {
	case until != "":
		if d, err := time.ParseInLocation("2006-01-02", until, beijing); err != nil {
			dateErr = errs.Field("valid_until", "api.error.date", nil)
		} else {
			f.ValidUntil = endOfDay(d)
		}
	case f.Scope == identity.ScopeApplication:
		f.ValidUntil = endOfDay(a.now().Add(mandateValidDefault))
	default:
		dateErr = errs.Field("valid_until", "error.required", nil)
	}
	// Without an end the service refuses the period too, so nothing is
	// created and every other mistake is reported; the end's own mistake
	// is the more precise one, in the service's place.
	m, err := a.c.Identity.RequestMandate(r.Context(), identity.PrincipalFrom(r.Context()).Account, f)
	if err != nil && dateErr != nil && errs.CodeOf(err) == errs.Invalid {
		var list []error
		for _, e := range errs.Fields(err) {
			if e.Field == dateErr.Field {
				e = dateErr
			}
			list = append(list, e)
		}
		err = errs.Join(list...)
	}
	if err != nil {
		return nil, err
	}
	return reply{status: http.StatusCreated, body: mandateOut(m, true)}, nil
}

// endOfDay is the midnight that ends t's day in Beijing.
func endOfDay(t time.Time) time.Time {
	y, m, d := t.In(beijing).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, beijing)
}

// now is the identity service's clock (the tests move it).
func (a *API) now() time.Time {
	if a.c.Identity.Now != nil {
		return a.c.Identity.Now()
	}
	return time.Now()
}

// confirmMandate activates the agent's pending mandate with the resident's
// consent, in the form the mandate asked for.
func (a *API) confirmMandate(r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in MandateConfirmation
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	p := identity.PrincipalFrom(r.Context())
	pending, err := a.pendingMandate(r, p, id)
	if err != nil {
		return nil, err
	}
	var png []byte
	if pending.Consent == identity.ConsentSMS {
		err = required("code", in.Code)
	} else if png, err = decodeSignature(in.SignaturePNGBase64); err == nil {
		in.Code = ""
	}
	if err != nil {
		return nil, err
	}
	m, err := a.c.Identity.ConfirmMandate(r.Context(), p.Account, id, in.Code, png)
	if e, ok := errs.As(err); ok && e.Field == "signature" {
		e.Field = "signature_png_base64"
	}
	if err != nil {
		return nil, err
	}
	return mandateOut(m, true), nil
}

// pendingMandate finds the agent's mandate id: not found when it is not
// theirs, a conflict when it is no longer pending.
func (a *API) pendingMandate(r *http.Request, p identity.Principal, id int64) (identity.Mandate, error) {
	list, err := a.c.Identity.Mandates(r.Context(), p)
	if err != nil {
		return identity.Mandate{}, err
	}
	for _, m := range list {
		if m.ID != id {
			continue
		}
		if m.Status != "pending" {
			return identity.Mandate{}, errs.New(errs.Conflict, "identity.error.mandate_not_pending")
		}
		return m, nil
	}
	return identity.Mandate{}, errs.New(errs.NotFound, "error.not_found")
}

// decodeSignature reads the PNG (base64, optionally as a data URL); the
// service checks that it is a PNG of sane size.
func decodeSignature(v string) ([]byte, error) {
	const field = "signature_png_base64"
	v = strings.TrimPrefix(strings.TrimSpace(v), "data:image/png;base64,")
	if v == "" {
		return nil, errs.Field(field, "error.required", nil)
	}
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return nil, errs.Field(field, "identity.error.signature", nil)
	}
	return b, nil
}

// revokeMandate ends a mandate: the resident it names or its agent may;
// anyone else's is not found.
func (a *API) revokeMandate(r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	if err := a.c.Identity.RevokeMandate(r.Context(), identity.PrincipalFrom(r.Context()), id); err != nil {
		return nil, err
	}
	return reply{status: http.StatusNoContent}, nil
}
