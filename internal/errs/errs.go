// Package errs is the shape of a domain error: a code that says what kind of
// failure it is (the HTTP layer maps codes to statuses in one place), the
// field it concerns when there is one, and a message key that the edge
// translates through the i18n catalog.
package errs

import (
	"errors"
	"fmt"
)

// Codes of domain errors.
const (
	Invalid         = "invalid"         // bad input; Field says which
	NotFound        = "not_found"       // no such object (or not visible to the caller)
	Conflict        = "conflict"        // the object already exists or changed meanwhile
	Denied          = "denied"          // the caller may not do this
	Unauthenticated = "unauthenticated" // the caller must sign in first
	Throttled       = "throttled"       // too many attempts; the message says until when
	Unavailable     = "unavailable"     // the store or a dependency is down
	Internal        = "internal"        // a bug; logged with the request ID
)

// Error is a domain error.
type Error struct {
	Code  string
	Field string
	// Key is the i18n message key; Args fill its placeholders.
	Key  string
	Args map[string]any
	// Err is the underlying cause, for logs and errors.Is.
	Err error
}

func (e *Error) Error() string {
	s := e.Code + ": " + e.Key
	if e.Field != "" {
		s += " (field " + e.Field + ")"
	}
	if len(e.Args) > 0 {
		s += fmt.Sprint(" ", e.Args)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Outcome is the audit outcome of the failure.
func (e *Error) Outcome() string {
	if e.Code == Denied || e.Code == Unauthenticated || e.Code == Throttled {
		return "denied"
	}
	return "failed"
}

// New returns an error with a code and a message key.
func New(code, key string) *Error { return &Error{Code: code, Key: key} }

// Field returns an invalid-input error for one field.
func Field(field, key string, args map[string]any) *Error {
	return &Error{Code: Invalid, Field: field, Key: key, Args: args}
}

// CodeOf returns the code of err, Internal when it carries none.
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// As returns the domain error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Join combines the field errors of one form (nil ones are dropped), so a
// person sees every mistake at once; nil when there are none.
func Join(list ...error) error { return errors.Join(list...) }

// Fields lists every domain error in err's tree (errors.Join and wrapping),
// in order: the field errors of a form.
func Fields(err error) []*Error {
	var out []*Error
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		if de, ok := e.(*Error); ok {
			out = append(out, de)
			return
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}
