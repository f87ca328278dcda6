package web

import (
	"context"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/i18n"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
)

// Proxy mandates (全程代理, story 1): a village agent records a resident's
// consent to apply on their behalf — a code the resident reads from their
// SMS, or their signature on the agent's phone — and the resident sees,
// and may revoke, every mandate that names them. The pages for the agent
// (ask, confirm) are in mandate_agent.go; the lists and revocation here.

// mandateView is one mandate as the lists and the confirmation page show
// it; personal data of the resident is masked.
type mandateView struct {
	ID           int64
	Agent        string // the agent's name (the resident's list)
	ResidentName string // masked
	IDNumber     string // masked
	Phone        string // masked
	Scope        string // what the mandate covers, translated
	Period       string // from … until …, in Beijing dates
	Consent      string
	Status       string
	Pending      bool
	Revocable    bool
	Created      string
}

// mandatesBody is the list of an agent's, or a resident's, mandates.
type mandatesBody struct {
	Agent bool // the agent's list (else the resident's)
	Items []mandateView
	CSRF  string
}

var (
	scopeChoices = [][2]string{{identity.ScopeApplication, "web.mandate.scope_application"},
		{identity.ScopePeriod, "web.mandate.scope_period"}}
	consentChoices = [][2]string{{identity.ConsentSMS, "web.mandate.consent_sms"},
		{identity.ConsentSignature, "web.mandate.consent_signature"}}
	mandateStatusKeys = map[string]string{"pending": "web.mandate.status_pending", "active": "web.mandate.status_active",
		"revoked": "web.mandate.status_revoked", "expired": "web.mandate.status_expired"}
)

// choiceLabel is the translated label of value among choices.
func choiceLabel(lang, value string, choices [][2]string) string {
	for _, c := range choices {
		if c[0] == value {
			return i18n.T(lang, c[1], nil)
		}
	}
	return value
}

// endOfDay is the midnight that ends t's day in Beijing: a mandate "valid
// until 31 May" lasts through that day.
func endOfDay(t time.Time) time.Time {
	y, m, d := t.In(beijing).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, beijing)
}

// mandateOut shows m in lang; an active mandate past its end reads as
// expired and can no longer be revoked (it no longer allows anything).
func mandateOut(lang string, m identity.Mandate, now time.Time) mandateView {
	status := m.Status
	if status == "active" && !m.ValidUntil.After(now) {
		status = "expired"
	}
	v := mandateView{ID: m.ID, ResidentName: ids.MaskName(m.ResidentName), IDNumber: ids.MaskIDNumber(m.ResidentIDNumber),
		Phone: ids.MaskPhone(m.ResidentPhone), Consent: choiceLabel(lang, m.Consent, consentChoices),
		Status: i18n.T(lang, mandateStatusKeys[status], nil), Pending: status == "pending",
		Revocable: status == "pending" || status == "active",
		Created:   m.CreatedAt.In(beijing).Format("2006-01-02 15:04")}
	if m.Scope == identity.ScopeApplication {
		v.Scope = i18n.T(lang, "web.mandate.scope_one", map[string]any{"subject": m.Subject})
	} else {
		v.Scope = i18n.T(lang, "web.mandate.scope_all", nil)
	}
	v.Period = i18n.T(lang, "web.mandate.period", map[string]any{
		"from":  m.ValidFrom.In(beijing).Format("2006-01-02"),
		"until": m.ValidUntil.In(beijing).Add(-time.Second).Format("2006-01-02")})
	return v
}

// myMandates lists the mandates that name the signed-in person, with the
// agent each one authorises.
func (s *Site) myMandates(w http.ResponseWriter, r *http.Request) {
	s.listMandates(w, r, false, "web.mandate.mine_title")
}

// agentMandates lists the signed-in agent's mandates.
func (s *Site) agentMandates(w http.ResponseWriter, r *http.Request) {
	s.listMandates(w, r, true, "web.mandate.agent_title")
}

func (s *Site) listMandates(w http.ResponseWriter, r *http.Request, agent bool, titleKey string) {
	p := identity.PrincipalFrom(r.Context())
	list, err := s.identity.Mandates(r.Context(), p)
	if err != nil {
		s.mandateError(w, r, err)
		return
	}
	lang, now := pageLang(r), s.now()
	b := &mandatesBody{Agent: agent, CSRF: p.CSRF}
	names := map[int64]string{}
	for _, m := range list {
		v := mandateOut(lang, m, now)
		if !agent {
			if v.Agent, err = s.agentName(r.Context(), names, m.AgentID); err != nil {
				s.internal(w, r, err)
				return
			}
		}
		b.Items = append(b.Items, v)
	}
	s.render(w, r, http.StatusOK, "mandates", s.formPage(r, lang, titleKey, b, false))
}

// agentName is the name of the agent a mandate authorises, read once per
// agent: the resident needs to know who may act for them.
func (s *Site) agentName(ctx context.Context, seen map[int64]string, id int64) (string, error) {
	if n, ok := seen[id]; ok {
		return n, nil
	}
	a, err := s.identity.Account(ctx, id)
	if err != nil {
		return "", err
	}
	seen[id] = a.Name
	return a.Name, nil
}

// revokeMandate ends a mandate of the resident or of the agent (the
// service decides whose it is; anyone else's is not found) and returns to
// the list at back.
func (s *Site) revokeMandate(back string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := pathID(r)
		if !ok {
			s.RenderError(w, r, http.StatusNotFound, "error.not_found")
			return
		}
		if err := s.identity.RevokeMandate(r.Context(), identity.PrincipalFrom(r.Context()), id); err != nil {
			s.mandateError(w, r, err)
			return
		}
		seeOther(w, back)
	}
}

// mandateError answers a failure that is no mistake in a form: a mandate
// that is not the caller's (or does not exist) is not found; one already
// confirmed or revoked says so.
func (s *Site) mandateError(w http.ResponseWriter, r *http.Request, err error) {
	e, ok := errs.As(err)
	switch {
	case ok && e.Code == errs.NotFound:
		s.RenderError(w, r, http.StatusNotFound, "error.not_found")
	case ok && e.Code == errs.Conflict:
		s.RenderError(w, r, http.StatusConflict, e.Key)
	case ok && e.Code == errs.Denied:
		s.RenderError(w, r, http.StatusForbidden, "error.denied")
	default:
		s.internal(w, r, err)
	}
}

// mandateFields are the agent's form, filled in with the resident beside
// them or on the phone. The resident's details are theirs, not the
// agent's: the browser must not fill in the agent's own.
var mandateFields = []fieldSpec{
	{Name: "resident_name", Label: "web.mandate.field_resident_name", Autocomplete: "off"},
	{Name: "resident_id_number", Label: "web.mandate.field_resident_id_number", Hint: "web.field.id_number_hint",
		Autocomplete: "off", Caps: "characters"},
	{Name: "resident_phone", Label: "web.mandate.field_resident_phone", Hint: "web.mandate.field_resident_phone_hint",
		Type: "tel", Autocomplete: "off"},
	{Name: "scope", Label: "web.mandate.field_scope", Type: "select"},
	{Name: "subject", Label: "web.mandate.field_subject", Hint: "web.mandate.field_subject_hint", Autocomplete: "off"},
	{Name: "valid_until", Label: "web.mandate.field_valid_until", Hint: "web.mandate.field_valid_until_hint",
		Type: "date", Autocomplete: "off"},
	{Name: "consent", Label: "web.mandate.field_consent", Hint: "web.mandate.field_consent_hint", Type: "select"},
}

// mandateValidDefault is how long a one-application mandate lasts when
// the agent gives no end date: long enough for the case to be decided.
const mandateValidDefault = 90 * 24 * time.Hour

// choiceView is a field with a fixed list of options (a select).
type choiceView struct {
	*field
	Options []optionView
}

type optionView struct{ Value, Label string }

// mandateForm is the agent's form as its template shows it.
type mandateForm struct {
	*formView
	Name, IDNumber, Phone, Subject, Until *field
	Scope, Consent                        choiceView
}

func (s *Site) mandateForm(w http.ResponseWriter, r *http.Request) *mandateForm {
	lang := pageLang(r)
	f := s.newForm(w, r, lang, "/agent/mandates", mandateFields)
	choice := func(name string, choices [][2]string) choiceView {
		c := choiceView{field: f.field(name)}
		for _, o := range choices {
			c.Options = append(c.Options, optionView{o[0], i18n.T(lang, o[1], nil)})
		}
		return c
	}
	return &mandateForm{formView: f, Name: f.field("resident_name"), IDNumber: f.field("resident_id_number"),
		Phone: f.field("resident_phone"), Subject: f.field("subject"), Until: f.field("valid_until"),
		Scope: choice("scope", scopeChoices), Consent: choice("consent", consentChoices)}
}

func (s *Site) newMandatePage(w http.ResponseWriter, r *http.Request) {
	f := s.mandateForm(w, r)
	f.Scope.Value, f.Consent.Value = identity.ScopeApplication, identity.ConsentSMS // the common case
	s.render(w, r, http.StatusOK, "mandate_new", s.formPage(r, pageLang(r), "web.mandate.new_title", f, false))
}

// createMandate records a pending mandate (and, for SMS consent, sends the
// resident the code) and goes on to its confirmation. Every mistake is
// shown at once, beside its field.
func (s *Site) createMandate(w http.ResponseWriter, r *http.Request) {
	req, dateErr := s.mandateRequest(r)
	// A date that does not parse leaves ValidUntil zero, which the service
	// refuses too: nothing is created, and every other mistake is shown.
	m, err := s.identity.RequestMandate(r.Context(), identity.PrincipalFrom(r.Context()).Account, req)
	if err = errs.Join(dateErr, err); err != nil {
		f := s.mandateForm(w, r)
		f.keep(r)
		s.mandateFormFailed(w, r, "mandate_new", "web.mandate.new_title", f.formView, f, err)
		return
	}
	seeOther(w, "/agent/mandates/"+strconv.FormatInt(m.ID, 10)+"/confirm")
}

// mandateRequest reads the form. The end date is a day in Beijing, valid
// through that day; a one-application mandate without one lasts
// mandateValidDefault. A period mandate covers any item, so it has no
// subject.
func (s *Site) mandateRequest(r *http.Request) (identity.MandateRequest, error) {
	f := identity.MandateRequest{ResidentName: r.PostFormValue("resident_name"),
		ResidentIDNumber: r.PostFormValue("resident_id_number"), ResidentPhone: r.PostFormValue("resident_phone"),
		Scope: r.PostFormValue("scope"), Subject: r.PostFormValue("subject"), Consent: r.PostFormValue("consent")}
	if f.Scope == identity.ScopePeriod {
		f.Subject = ""
	}
	until := strings.TrimSpace(r.PostFormValue("valid_until"))
	switch {
	case until != "":
		d, err := time.ParseInLocation("2006-01-02", until, beijing)
		if err != nil {
			return f, errs.Field("valid_until", "web.mandate.error_date", nil)
		}
		f.ValidUntil = endOfDay(d)
	case f.Scope == identity.ScopeApplication:
		f.ValidUntil = endOfDay(s.now().Add(mandateValidDefault))
	default:
		return f, required("valid_until", "")
	}
	return f, nil
}

// confirmForm is the confirmation page: the code from the resident's SMS,
// or a signature drawn on the agent's phone.
type confirmForm struct {
	*formView
	M         mandateView
	SMS       bool
	Code, Sig *field
}

var signatureFields = []fieldSpec{
	{Name: "signature", Label: "web.mandate.field_signature", Hint: "web.mandate.field_signature_hint", Type: "hidden"},
}

func (s *Site) confirmForm(w http.ResponseWriter, r *http.Request, m identity.Mandate) *confirmForm {
	lang := pageLang(r)
	action := "/agent/mandates/" + strconv.FormatInt(m.ID, 10) + "/confirm"
	c := &confirmForm{M: mandateOut(lang, m, s.now()), SMS: m.Consent == identity.ConsentSMS}
	if c.SMS {
		c.formView = s.newForm(w, r, lang, action, codeFields)
		c.Intro = i18n.T(lang, "web.mandate.code_sent", map[string]any{"phone": c.M.Phone,
			"minutes": int(2 * identity.CodeTTL.Minutes())})
		c.Code = c.field("code")
	} else {
		c.formView = s.newForm(w, r, lang, action, signatureFields)
		c.Sig = c.field("signature")
	}
	return c
}

// pendingMandate finds the agent's pending mandate named by the route, or
// answers 404 (not theirs, or none) or 409 (no longer pending).
func (s *Site) pendingMandate(w http.ResponseWriter, r *http.Request) (identity.Mandate, bool) {
	id, ok := pathID(r)
	if !ok {
		s.RenderError(w, r, http.StatusNotFound, "error.not_found")
		return identity.Mandate{}, false
	}
	list, err := s.identity.Mandates(r.Context(), identity.PrincipalFrom(r.Context()))
	if err != nil {
		s.mandateError(w, r, err)
		return identity.Mandate{}, false
	}
	for _, m := range list {
		switch {
		case m.ID != id:
		case m.Status != "pending":
			s.RenderError(w, r, http.StatusConflict, "identity.error.mandate_not_pending")
			return identity.Mandate{}, false
		default:
			return m, true
		}
	}
	s.RenderError(w, r, http.StatusNotFound, "error.not_found")
	return identity.Mandate{}, false
}

func (s *Site) confirmMandatePage(w http.ResponseWriter, r *http.Request) {
	m, ok := s.pendingMandate(w, r)
	if !ok {
		return
	}
	c := s.confirmForm(w, r, m)
	s.render(w, r, http.StatusOK, "mandate_confirm", s.formPage(r, pageLang(r), "web.mandate.confirm_title", c, false))
}

// confirmMandate activates the mandate with the resident's consent and
// returns to the agent's list, where it now reads as valid.
func (s *Site) confirmMandate(w http.ResponseWriter, r *http.Request) {
	m, ok := s.pendingMandate(w, r)
	if !ok {
		return
	}
	agent := identity.PrincipalFrom(r.Context()).Account
	var err error
	if m.Consent == identity.ConsentSMS {
		code := strings.TrimSpace(r.PostFormValue("code"))
		if err = required("code", code); err == nil {
			_, err = s.identity.ConfirmMandate(r.Context(), agent, m.ID, code, nil)
		}
	} else {
		var png []byte
		if png, err = decodeSignature(r.PostFormValue("signature")); err == nil {
			_, err = s.identity.ConfirmMandate(r.Context(), agent, m.ID, "", png)
		}
	}
	if err != nil {
		c := s.confirmForm(w, r, m)
		s.mandateFormFailed(w, r, "mandate_confirm", "web.mandate.confirm_title", c.formView, c, err)
		return
	}
	seeOther(w, "/agent/mandates")
}

// decodeSignature reads the PNG out of the data URL the signature pad
// puts into the form; the service checks that it is a PNG of sane size.
func decodeSignature(v string) ([]byte, error) {
	const prefix = "data:image/png;base64,"
	if v == "" {
		return nil, errs.Field("signature", "web.mandate.error_no_signature", nil)
	}
	b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(v, prefix))
	if err != nil || !strings.HasPrefix(v, prefix) {
		return nil, errs.Field("signature", "identity.error.signature", nil)
	}
	return b, nil
}

// mandateFormFailed re-renders a mandate form (f, inside body) with the
// mistakes of err; a failure that is no mistake in the form gets its own
// page.
func (s *Site) mandateFormFailed(w http.ResponseWriter, r *http.Request, name, titleKey string, f *formView, body any, err error) {
	if c := errs.CodeOf(err); c == errs.NotFound || c == errs.Conflict {
		s.mandateError(w, r, err)
		return
	}
	lang := pageLang(r)
	status, ok := f.apply(lang, err)
	if !ok {
		s.internal(w, r, err)
		return
	}
	s.render(w, r, status, name, s.formPage(r, lang, titleKey, body, true))
}

// maxSignatureForm bounds the confirmation form: a signature is a PNG of
// at most 512 KB, base64 in a data URL.
const maxSignatureForm = 1 << 20

// signatureForm reads the confirmation form with room for a signature
// before postOnly's smaller limit applies (the form is then already read).
func (s *Site) signatureForm(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxSignatureForm)
		if err := r.ParseForm(); err != nil {
			s.RenderError(w, r, http.StatusBadRequest, "web.mandate.error_form")
			return
		}
		h(w, r)
	}
}
