package api

import (
	"io"
	"net/http"
	"time"

	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/hub"
	"github.com/govhall/govhall/internal/i18n"
	"github.com/govhall/govhall/internal/ids"
)

// E-licence verification for department systems and apps: the verdict on
// a licence by its identifier, or on a signed document offered as the
// request body. Both are public, like the verification page; the holder is
// masked.

// registerLicences adds the verification routes.
func (a *API) registerLicences(mux *http.ServeMux) {
	a.handle(mux, "GET /api/v1/licences/{identifier}/verification", a.licenceVerification)
	a.handle(mux, "POST /api/v1/licences/verify", a.verifyLicenceDocument)
}

// LicenceFinding is one part of a verdict with its reason.
type LicenceFinding struct {
	OK      bool   `json:"ok"`
	Reason  string `json:"reason"` // a stable code: the message key
	Message string `json:"message"`
}

// LicenceSummary is what a verdict is about; the holder is masked.
type LicenceSummary struct {
	Identifier string `json:"identifier"`
	TypeCode   string `json:"type_code"`
	TypeName   string `json:"type_name"`
	Number     string `json:"number"`
	HolderKind string `json:"holder_kind"`
	HolderID   string `json:"holder_id"`
	HolderName string `json:"holder_name"`
	IssuerCode string `json:"issuer_code"`
	IssuerName string `json:"issuer_name"`
	IssuedOn   string `json:"issued_on"`
	ExpiresOn  string `json:"expires_on"`
}

// LicenceVerdict is the answer of both verification routes.
type LicenceVerdict struct {
	OK        bool           `json:"ok"`
	Found     bool           `json:"found"`
	Genuine   LicenceFinding `json:"genuine"`
	Unaltered LicenceFinding `json:"unaltered"`
	Current   LicenceFinding `json:"current"`
	Changed   []string       `json:"changed"`
	KeyID     string         `json:"key_id,omitempty"`
	SignedAt  *time.Time     `json:"signed_at,omitempty"`
	Licence   LicenceSummary `json:"licence"`
}

func verdictOut(lang string, v hub.Verdict) LicenceVerdict {
	f := func(x hub.Finding) LicenceFinding {
		return LicenceFinding{OK: x.OK, Reason: x.Key, Message: i18n.T(lang, x.Key, x.Args)}
	}
	c := v.Content
	holderID := c.HolderID
	if c.HolderKind == hub.HolderPerson {
		holderID = ids.MaskIDNumber(holderID)
	}
	out := LicenceVerdict{OK: v.OK(), Found: v.Found, Genuine: f(v.Genuine), Unaltered: f(v.Unaltered),
		Current: f(v.Current), Changed: v.Changed, KeyID: v.KeyID,
		Licence: LicenceSummary{Identifier: v.Identifier, TypeCode: c.TypeCode, TypeName: c.TypeName,
			Number: c.Number, HolderKind: c.HolderKind, HolderID: holderID, HolderName: ids.MaskName(c.HolderName),
			IssuerCode: c.IssuerCode, IssuerName: c.IssuerName, IssuedOn: c.IssuedOn, ExpiresOn: c.ExpiresOn}}
	if out.Changed == nil {
		out.Changed = []string{}
	}
	if !v.SignedAt.IsZero() {
		t := v.SignedAt.UTC()
		out.SignedAt = &t
	}
	return out
}

// licenceVerification verifies the licence the hall holds under an
// identifier.
func (a *API) licenceVerification(r *http.Request) (any, error) {
	if a.c.Licences == nil {
		return nil, errs.New(errs.NotFound, "licence.error.not_found")
	}
	v, err := a.c.Licences.VerifyLicence(r.Context(), r.PathValue("identifier"))
	if err != nil {
		return nil, err
	}
	return verdictOut(lang(r), v), nil
}

// verifyLicenceDocument verifies the signed document sent as the body,
// exactly as a holder downloaded it.
func (a *API) verifyLicenceDocument(r *http.Request) (any, error) {
	if a.c.Licences == nil {
		return nil, errs.New(errs.NotFound, "licence.error.not_found")
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, &errs.Error{Code: codeBadRequest, Key: "error.bad_request", Args: map[string]any{"detail": err.Error()}, Err: err}
	}
	v, err := a.c.Licences.VerifyDocument(r.Context(), body)
	if err != nil {
		return nil, err
	}
	return verdictOut(lang(r), v), nil
}
