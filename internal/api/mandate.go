package api

import (
	"net/http"
	"time"

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
