package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/identity"
)

// Identify reads a department system's API token (Authorization: Bearer
// ghtk_…) and puts the system into the request's context as the principal
// and the actor. An unknown, revoked or expired token leaves the caller
// anonymous, so the edge answers 401 where a token is needed. It returns
// ok=false when the request carries no bearer token at all.
func (a *API) Identify(r *http.Request) (*http.Request, bool) {
	h := r.Header.Get("Authorization")
	secret, found := strings.CutPrefix(h, "Bearer ")
	if !found {
		return r, false
	}
	t, err := a.c.Identity.AuthenticateToken(r.Context(), strings.TrimSpace(secret))
	if err != nil {
		a.c.Log.Warn("API token refused", "prefix", prefixOf(secret), "request_id", actor.From(r.Context()).RequestID)
		return r, true
	}
	ctx := identity.WithPrincipal(r.Context(), identity.Principal{System: &t})
	act := actor.From(ctx)
	act.Kind, act.ID = identity.DepartmentSystem, t.Prefix
	return r.WithContext(actor.With(ctx, act)), true
}

func prefixOf(secret string) string {
	if len(secret) > len(identity.TokenPrefix)+6 {
		return secret[:len(identity.TokenPrefix)+6]
	}
	return "?"
}

// Token is what a department system learns about its own token.
type Token struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	DepartmentID int64     `json:"department_id"`
	Scopes       []string  `json:"scopes"`
	Prefix       string    `json:"prefix"`
	ExpiresAt    time.Time `json:"expires_at"`
}

func (a *API) token(r *http.Request) (any, error) {
	t := identity.PrincipalFrom(r.Context()).System
	return Token{ID: t.ID, Name: t.Name, DepartmentID: t.DepartmentID, Scopes: t.Scopes, Prefix: t.Prefix,
		ExpiresAt: t.ExpiresAt.UTC()}, nil
}
