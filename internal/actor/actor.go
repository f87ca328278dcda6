// Package actor carries who is asking, from where, through a request: every
// service call and every audit entry reads it from the context. The identity
// package fills it in from a session or an API token; commands and the seed
// act as the system.
package actor

import "context"

// Actor is who performs an action.
type Actor struct {
	// Kind is the kind of account: "system", "person", "enterprise",
	// "staff", "agent", "supervisor", "admin", or "anonymous".
	Kind string
	// ID identifies the account within its kind (an account ID, or the
	// name of a system job such as "seed" or "cli").
	ID string
	// Addr is where the request came from (the client IP), if any.
	Addr string
	// RequestID ties the action to the request log.
	RequestID string
	// OnBehalfOf names the resident a village agent acts for under a
	// mandate (their masked ID number and the mandate), so the trail
	// records both.
	OnBehalfOf string
}

// String is the actor as written in the audit trail: "kind:id".
func (a Actor) String() string {
	if a.Kind == "" {
		return "anonymous"
	}
	s := a.Kind
	if a.ID != "" {
		s += ":" + a.ID
	}
	if a.OnBehalfOf != "" {
		s += " for " + a.OnBehalfOf
	}
	return s
}

// System returns the actor for work the program does itself.
func System(job string) Actor { return Actor{Kind: "system", ID: job} }

type key struct{}

// With returns a context carrying a.
func With(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, key{}, a)
}

// From returns the actor of ctx, or an anonymous one.
func From(ctx context.Context) Actor {
	a, _ := ctx.Value(key{}).(Actor)
	if a.Kind == "" {
		a.Kind = "anonymous"
	}
	return a
}
