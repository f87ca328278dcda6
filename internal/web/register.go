package web

import (
	"net/http"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
)

// Self-registration is for natural persons (by their ID number) and for
// enterprises (by their unified social credit code, registered by the
// legal representative). Staff, agents and administrators are created by
// an administrator, never here.

var personFields = []fieldSpec{
	{Name: "name", Label: "web.field.name", Autocomplete: "name"},
	{Name: "id_number", Label: "web.field.id_number", Hint: "web.field.id_number_hint", Autocomplete: "username", Caps: "characters"},
	{Name: "phone", Label: "web.field.phone", Hint: "web.field.phone_hint", Type: "tel", Autocomplete: "tel"},
	{Name: "password", Label: "web.field.password", Hint: "web.field.new_password_hint", Type: "password", Autocomplete: "new-password"},
}

// The legal representative need not be the person at the keyboard (a
// handler may register the enterprise), so the browser does not fill their
// fields with the user's own name and number.
var enterpriseFields = []fieldSpec{
	{Name: "credit_code", Label: "web.field.credit_code", Hint: "web.field.credit_code_hint", Autocomplete: "username", Caps: "characters"},
	{Name: "name", Label: "web.field.enterprise_name", Hint: "web.field.enterprise_name_hint", Autocomplete: "organization"},
	{Name: "legal_rep_name", Label: "web.field.legal_rep_name", Autocomplete: "off"},
	{Name: "legal_rep_id_number", Label: "web.field.legal_rep_id_number", Hint: "web.field.id_number_hint", Autocomplete: "off", Caps: "characters"},
	{Name: "phone", Label: "web.field.phone", Hint: "web.field.phone_hint", Type: "tel", Autocomplete: "tel"},
	{Name: "password", Label: "web.field.password", Hint: "web.field.new_password_hint", Type: "password", Autocomplete: "new-password"},
}

func (s *Site) registerPersonPage(w http.ResponseWriter, r *http.Request) {
	f := s.newForm(w, r, pageLang(r), "/register/person", personFields)
	s.renderForm(w, r, http.StatusOK, "register_person", "web.register.person_title", f)
}

func (s *Site) registerEnterprisePage(w http.ResponseWriter, r *http.Request) {
	f := s.newForm(w, r, pageLang(r), "/register/enterprise", enterpriseFields)
	s.renderForm(w, r, http.StatusOK, "register_enterprise", "web.register.enterprise_title", f)
}

// registerPerson creates a person's account and signs them in. Every
// mistake is shown at once, beside its field, with what was typed kept.
func (s *Site) registerPerson(w http.ResponseWriter, r *http.Request) {
	in := identity.PersonForm{Name: r.PostFormValue("name"), IDNumber: r.PostFormValue("id_number"),
		Phone: r.PostFormValue("phone"), Password: r.PostFormValue("password")}
	a, err := s.identity.RegisterPerson(r.Context(), in)
	if err != nil {
		f := s.newForm(w, r, pageLang(r), "/register/person", personFields)
		f.keep(r)
		s.formFailed(w, r, "register_person", "web.register.person_title", f, err)
		return
	}
	s.signInNew(w, r, a.Login, in.Password)
}

// registerEnterprise creates an enterprise's account and signs it in.
func (s *Site) registerEnterprise(w http.ResponseWriter, r *http.Request) {
	in := identity.EnterpriseForm{CreditCode: r.PostFormValue("credit_code"), Name: r.PostFormValue("name"),
		LegalRepName: r.PostFormValue("legal_rep_name"), LegalRepIDNumber: r.PostFormValue("legal_rep_id_number"),
		Phone: r.PostFormValue("phone"), Password: r.PostFormValue("password")}
	a, err := s.identity.RegisterEnterprise(r.Context(), in)
	if err != nil {
		f := s.newForm(w, r, pageLang(r), "/register/enterprise", enterpriseFields)
		f.keep(r)
		s.formFailed(w, r, "register_enterprise", "web.register.enterprise_title", f, err)
		return
	}
	s.signInNew(w, r, a.Login, in.Password)
}

// signInNew signs a new account in with the password just chosen, through
// the ordinary login (so it is audited and throttled like any other). If
// that is refused (the address is throttled), the account still exists and
// the person is sent to the login page.
func (s *Site) signInNew(w http.ResponseWriter, r *http.Request, login, password string) {
	sess, _, err := s.identity.Login(r.Context(), login, password, actor.From(r.Context()).Addr)
	if err != nil {
		s.log.Warn("sign in after registering", "err", ids.MaskText(err.Error()), "request_id", actor.From(r.Context()).RequestID)
		seeOther(w, "/login?next=%2Fme")
		return
	}
	s.startSession(w, r, sess.Token)
	seeOther(w, "/me")
}
