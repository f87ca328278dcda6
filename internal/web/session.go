package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/identity"
)

// Cookies of the portal. The session cookie holds a random token whose
// SHA-256 the store keeps; the CSRF cookie protects the forms of people
// who have not signed in yet (double submit).
const (
	sessionCookie = "govhall_session"
	csrfCookie    = "govhall_csrf"
	csrfField     = "csrf"
)

// Identify reads the session cookie and puts the account into the
// request's context as the principal and the actor. A stale cookie is
// cleared; the caller is then anonymous.
func (s *Site) Identify(w http.ResponseWriter, r *http.Request) *http.Request {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" || s.identity == nil {
		return r
	}
	sess, acc, err := s.identity.Authenticate(r.Context(), c.Value)
	if err != nil {
		s.clearSession(w, r)
		return r
	}
	ctx := identity.WithPrincipal(r.Context(), identity.Principal{Account: acc, CSRF: sess.CSRF, Token: sess.Token})
	a := actor.From(ctx)
	a.Kind, a.ID = acc.Kind, strconv.FormatInt(acc.ID, 10)
	return r.WithContext(actor.With(ctx, a))
}

// setSession gives the browser a new session cookie (a new token at every
// login: the session is rotated, never reused from before).
func (s *Site) setSession(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
}

func (s *Site) clearSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
}

// csrfToken is the token a form must carry: the session's for a signed-in
// person, else the double-submit cookie's (set here when missing).
func (s *Site) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if p := identity.PrincipalFrom(r.Context()); p.CSRF != "" {
		return p.CSRF
	}
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: tok, Path: "/", HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	return tok
}

// checkCSRF refuses a state-changing form whose token does not match, or
// that comes from another origin.
func (s *Site) checkCSRF(r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return false
		}
	}
	want := ""
	if p := identity.PrincipalFrom(r.Context()); p.CSRF != "" {
		want = p.CSRF
	} else if c, err := r.Cookie(csrfCookie); err == nil {
		want = c.Value
	}
	got := r.PostFormValue(csrfField)
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// postOnly wraps a form handler with the CSRF check.
func (s *Site) postOnly(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if !s.checkCSRF(r) {
			s.log.Warn("CSRF check failed", "route", r.Pattern, "request_id", actor.From(r.Context()).RequestID)
			s.RenderError(w, r, http.StatusForbidden, "web.error.csrf")
			return
		}
		h(w, r)
	}
}
