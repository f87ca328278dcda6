package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/i18n"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
)

// signedIn is who the header names: the account's own name (unmasked: it
// is their own) and the session's CSRF token for the logout button.
type signedIn struct {
	Name, CSRF string
}

// signedInAs returns the signed-in person of r, nil when anonymous.
func signedInAs(r *http.Request) *signedIn {
	p := identity.PrincipalFrom(r.Context())
	if p.Account.ID == 0 {
		return nil
	}
	return &signedIn{Name: p.Account.Name, CSRF: p.CSRF}
}

// loginFields are the one login form of every kind of account.
var loginFields = []fieldSpec{
	{Name: "login", Label: "web.field.login", Hint: "web.field.login_hint", Autocomplete: "username", Caps: "none"},
	{Name: "password", Label: "web.field.password", Type: "password", Autocomplete: "current-password"},
}

// loginForm is the login form that returns to next after signing in.
func (s *Site) loginForm(w http.ResponseWriter, r *http.Request, next string) *formView {
	f := s.newForm(w, r, pageLang(r), "/login", loginFields)
	f.Next = safeNext(next)
	return f
}

func (s *Site) loginPage(w http.ResponseWriter, r *http.Request) {
	s.renderForm(w, r, http.StatusOK, "login", "web.login.title", s.loginForm(w, r, r.URL.Query().Get("next")))
}

// login signs in with a password. A failure keeps what was typed as the
// login (never the password); the service decides what a failure says, and
// never whether the login exists. Officials then get a second step: a code
// sent by SMS (identity.ChallengeError), asked for on the same page.
func (s *Site) login(w http.ResponseWriter, r *http.Request) {
	if r.PostFormValue("challenge") != "" {
		s.loginCode(w, r)
		return
	}
	login, password := strings.TrimSpace(r.PostFormValue("login")), r.PostFormValue("password")
	f := s.loginForm(w, r, r.PostFormValue("next"))
	f.keep(r)
	// An empty form is a slip, not a guess: it does not count as a failure.
	if err := errs.Join(required("login", login), required("password", password)); err != nil {
		s.formFailed(w, r, "login", "web.login.title", f, err)
		return
	}
	sess, _, err := s.identity.Login(r.Context(), login, password, actor.From(r.Context()).Addr)
	var challenge *identity.ChallengeError
	switch {
	case errors.As(err, &challenge):
		lang := pageLang(r)
		c := s.codeForm(w, r, challenge.Token, f.Next)
		c.Intro = i18n.T(lang, "web.login.code_sent", map[string]any{"phone": challenge.MaskedPhone,
			"minutes": int(identity.CodeTTL.Minutes())})
		s.renderForm(w, r, http.StatusOK, "login", "web.login.code_title", c)
	case err != nil:
		s.formFailed(w, r, "login", "web.login.title", f, err)
	default:
		s.startSession(w, r, sess.Token)
		seeOther(w, f.Next)
	}
}

// codeFields are the login's second step, for officials: the code sent
// to their phone.
var codeFields = []fieldSpec{
	{Name: "code", Label: "web.field.code", Hint: "web.field.code_hint", Autocomplete: "one-time-code", InputMode: "numeric"},
}

// codeForm is the second step of a login that the challenge token ties to
// the first.
func (s *Site) codeForm(w http.ResponseWriter, r *http.Request, challenge, next string) *formView {
	f := s.newForm(w, r, pageLang(r), "/login", codeFields)
	f.Challenge, f.Next = challenge, safeNext(next)
	return f
}

// loginCode completes an official's login with the code from the SMS. It
// shares POST /login with the password step: the challenge field tells
// them apart.
func (s *Site) loginCode(w http.ResponseWriter, r *http.Request) {
	f := s.codeForm(w, r, r.PostFormValue("challenge"), r.PostFormValue("next"))
	f.Intro = i18n.T(pageLang(r), "web.login.code_again", nil)
	code := strings.TrimSpace(r.PostFormValue("code"))
	err := required("code", code)
	var sess identity.Session
	if err == nil {
		sess, _, err = s.identity.VerifyCode(r.Context(), f.Challenge, code, actor.From(r.Context()).Addr)
	}
	if err != nil {
		s.formFailed(w, r, "login", "web.login.code_title", f, err)
		return
	}
	s.startSession(w, r, sess.Token)
	seeOther(w, f.Next)
}

// startSession gives the browser its new session, ending the one it had:
// a session is never carried over a login (session fixation).
func (s *Site) startSession(w http.ResponseWriter, r *http.Request, token string) {
	if old := identity.PrincipalFrom(r.Context()).Token; old != "" {
		if err := s.identity.Logout(r.Context(), old); err != nil {
			s.log.Warn("end the previous session", "err", err, "request_id", actor.From(r.Context()).RequestID)
		}
	}
	s.setSession(w, r, token)
}

// safeNext is where to go after signing in: a path on this site, else the
// account page.
func safeNext(next string) string {
	if p := localPath(next); p != "/" || next == "/" {
		return p
	}
	return "/me"
}

// seeOther answers a form with a redirect to a page to GET.
func seeOther(w http.ResponseWriter, to string) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Location", to)
	w.WriteHeader(http.StatusSeeOther)
}

// logout ends this browser's session.
func (s *Site) logout(w http.ResponseWriter, r *http.Request) {
	if err := s.identity.Logout(r.Context(), identity.PrincipalFrom(r.Context()).Token); err != nil {
		s.internal(w, r, err)
		return
	}
	s.clearSession(w, r)
	seeOther(w, "/")
}

// logoutEverywhere ends every session of the account (a lost phone, a
// shared computer left signed in).
func (s *Site) logoutEverywhere(w http.ResponseWriter, r *http.Request) {
	if _, err := s.identity.LogoutEverywhere(r.Context(), identity.PrincipalFrom(r.Context()).Account.ID); err != nil {
		s.internal(w, r, err)
		return
	}
	s.clearSession(w, r)
	seeOther(w, "/login")
}

// meBody is the account page.
type meBody struct {
	NameLabel  string
	Name, Kind string // Kind is translated, for display
	KindKey    string // the account kind (identity.Person…), for choosing links
	Rows       []meRow
	CSRF       string
}

// meRow is one line of the profile.
type meRow struct {
	Label, Value string
	Code         bool // shown in the code font
}

// accountKindKeys name every kind of account.
var accountKindKeys = map[string]string{
	identity.Person: "web.account.kind_person", identity.Enterprise: "web.account.kind_enterprise",
	identity.Staff: "web.account.kind_staff", identity.Agent: "web.account.kind_agent",
	identity.Supervisor: "web.account.kind_supervisor", identity.CatalogAdmin: "web.account.kind_catalog_admin",
	identity.SystemAdmin: "web.account.kind_system_admin", identity.AuditAdmin: "web.account.kind_audit_admin",
	identity.SecurityAdmin: "web.account.kind_security_admin",
}

// beijing is the time zone times are shown in.
var beijing = time.FixedZone("CST", 8*3600)

// me is the signed-in account's profile. ID numbers and phone numbers are
// shown masked; an enterprise's credit code is public and shown whole.
func (s *Site) me(w http.ResponseWriter, r *http.Request) {
	p := identity.PrincipalFrom(r.Context())
	if p.Account.ID == 0 { // the edge sends anonymous callers to /login first
		seeOther(w, "/login?next="+url.QueryEscape("/me"))
		return
	}
	lang, a := pageLang(r), p.Account
	t := func(key string) string { return i18n.T(lang, key, nil) }
	b := &meBody{NameLabel: t("web.me.name"), Name: a.Name, Kind: t(accountKindKeys[a.Kind]), KindKey: a.Kind, CSRF: p.CSRF}
	if b.Kind == "" {
		b.Kind = a.Kind
	}
	switch a.Kind {
	case identity.Person:
		b.Rows = append(b.Rows, meRow{t("web.me.id_number_login"), ids.MaskIDNumber(a.Login), true})
	case identity.Enterprise:
		b.NameLabel = t("web.me.enterprise_name")
		b.Rows = append(b.Rows, meRow{t("web.me.credit_code_login"), a.Login, true})
	default:
		b.Rows = append(b.Rows, meRow{t("web.me.login_name"), a.Login, true})
		if a.IDNumber != "" {
			b.Rows = append(b.Rows, meRow{t("web.me.id_number"), ids.MaskIDNumber(a.IDNumber), true})
		}
	}
	b.Rows = append(b.Rows, meRow{t("web.me.phone"), ids.MaskPhone(a.Phone), true},
		meRow{t("web.me.created"), a.CreatedAt.In(beijing).Format("2006-01-02 15:04"), false})
	s.render(w, r, http.StatusOK, "me", s.formPage(r, lang, "web.me.title", b, false))
}
