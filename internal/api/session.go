package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
)

// SessionCookie is the portal's session cookie (internal/web sets the
// same): an app that signs in through the API holds the session a browser
// would, and the edge identifies it the same way.
const SessionCookie = "govhall_session"

// sessionCookie carries a session token; an empty token clears it.
func sessionCookie(r *http.Request, token string) *http.Cookie {
	c := &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteLaxMode}
	if token == "" {
		c.MaxAge = -1
	}
	return c
}

// LoginRequest signs in with a password.
type LoginRequest struct {
	Login    string `json:"login"`
	Password string `json:"password"`
}

// CodeRequest completes an official's login with the code from the SMS.
type CodeRequest struct {
	Challenge string `json:"challenge"`
	Code      string `json:"code"`
}

// Challenge is the answer to an official's right password: a code has
// been sent to the phone, and POST /api/v1/login/code takes it with the
// challenge.
type Challenge struct {
	Challenge   string `json:"challenge"`
	MaskedPhone string `json:"masked_phone"`
}

// SignedIn is the answer to a login: who is now signed in (the session is
// in the cookie).
type SignedIn struct {
	Account Account `json:"account"`
}

// login checks the password like the login page does (throttled, audited,
// never saying whether the login exists). Officials get 202 and a code by
// SMS; everyone else the session cookie.
func (a *API) login(r *http.Request) (any, error) {
	var in LoginRequest
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	login := strings.TrimSpace(in.Login)
	// An empty field is a slip, not a guess: it does not count as a failure.
	if err := errs.Join(required("login", login), required("password", in.Password)); err != nil {
		return nil, err
	}
	sess, acc, err := a.c.Identity.Login(r.Context(), login, in.Password, actor.From(r.Context()).Addr)
	var ch *identity.ChallengeError
	if errors.As(err, &ch) {
		return reply{status: http.StatusAccepted, body: Challenge{Challenge: ch.Token, MaskedPhone: ch.MaskedPhone}}, nil
	} else if err != nil {
		return nil, err
	}
	return a.startSession(r, sess, acc), nil
}

// loginCode completes an official's login.
func (a *API) loginCode(r *http.Request) (any, error) {
	var in CodeRequest
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	code := strings.TrimSpace(in.Code)
	if err := errs.Join(required("challenge", in.Challenge), required("code", code)); err != nil {
		return nil, err
	}
	sess, acc, err := a.c.Identity.VerifyCode(r.Context(), in.Challenge, code, actor.From(r.Context()).Addr)
	if err != nil {
		return nil, err
	}
	return a.startSession(r, sess, acc), nil
}

// startSession answers a login with the new session's cookie, ending the
// session the caller had: a session is never carried over a login.
func (a *API) startSession(r *http.Request, sess identity.Session, acc identity.Account) reply {
	if old := identity.PrincipalFrom(r.Context()).Token; old != "" {
		if err := a.c.Identity.Logout(r.Context(), old); err != nil {
			a.c.Log.Warn("end the previous session", "err", ids.MaskText(err.Error()),
				"request_id", actor.From(r.Context()).RequestID)
		}
	}
	return reply{status: http.StatusOK, body: SignedIn{Account: accountOut(acc)},
		cookies: []*http.Cookie{sessionCookie(r, sess.Token)}}
}

// logout ends the caller's session and clears its cookie.
func (a *API) logout(r *http.Request) (any, error) {
	if tok := identity.PrincipalFrom(r.Context()).Token; tok != "" {
		if err := a.c.Identity.Logout(r.Context(), tok); err != nil {
			return nil, err
		}
	}
	return reply{status: http.StatusNoContent, cookies: []*http.Cookie{sessionCookie(r, "")}}, nil
}
