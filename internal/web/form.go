package web

import (
	"net/http"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/i18n"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
)

// Forms follow one pattern (templates/form.html): every field has a bound
// label, an optional hint and its error, both tied to the input with
// aria-describedby; a form with mistakes opens with a summary that lists
// every one and links to its field. A form with mistakes answers 422, a
// throttled login 429, so tools and tests see the failure without reading
// the page.

// fieldSpec describes one input of a form; keys are i18n keys.
type fieldSpec struct {
	Name         string // the form name, which is also the field of errs.Error
	Label, Hint  string
	Type         string // "text" when empty
	Autocomplete string
	Caps         string // autocapitalize: "characters" for codes, "none" for logins
	InputMode    string // "numeric" for digit-only codes
}

// field is one input as a template shows it.
type field struct {
	Name, Label, Hint, Type, Autocomplete, Caps, InputMode string
	Value                                                  string // what the person typed; never a password
	Error                                                  string
	Registered                                             bool // the error says "already registered": offer the login page
}

// ID is the input's id; the hint and error ids derive from it.
func (f *field) ID() string { return "f-" + f.Name }

// DescribedBy lists the ids of the hint and the error, for aria-describedby.
func (f *field) DescribedBy() string {
	out := ""
	if f.Hint != "" {
		out = f.ID() + "-hint"
	}
	if f.Error != "" {
		if out != "" {
			out += " "
		}
		out += f.ID() + "-error"
	}
	return out
}

// formView is a form as a template shows it.
type formView struct {
	Action string
	CSRF   string
	Next   string // the login form: where to go after signing in
	// Challenge is the login's second step: the token of the code sent by
	// SMS, and Intro what the page says about it.
	Challenge, Intro string
	Fields           []*field
	// Alerts are messages that belong to no field (a throttled login).
	Alerts []string
	// Summary is the fields with errors, in the order of the form.
	Summary []*field
}

// newForm builds an empty form in lang from its fields.
func (s *Site) newForm(w http.ResponseWriter, r *http.Request, lang, action string, specs []fieldSpec) *formView {
	f := &formView{Action: action, CSRF: s.csrfToken(w, r)}
	args := map[string]any{"min": identity.MinPasswordLen}
	for _, sp := range specs {
		fd := &field{Name: sp.Name, Label: i18n.T(lang, sp.Label, nil), Type: sp.Type,
			Autocomplete: sp.Autocomplete, Caps: sp.Caps, InputMode: sp.InputMode}
		if fd.Type == "" {
			fd.Type = "text"
		}
		if sp.Hint != "" {
			fd.Hint = i18n.T(lang, sp.Hint, args)
		}
		f.Fields = append(f.Fields, fd)
	}
	return f
}

// keep refills the form with what was posted, except passwords.
func (f *formView) keep(r *http.Request) {
	for _, fd := range f.Fields {
		if fd.Type != "password" {
			fd.Value = r.PostFormValue(fd.Name)
		}
	}
}

// field returns the field called name, nil when the form has none.
func (f *formView) field(name string) *field {
	for _, fd := range f.Fields {
		if fd.Name == name {
			return fd
		}
	}
	return nil
}

// formCodes are the error codes a form shows to the person; any other
// failure is the hall's, not theirs.
var formCodes = map[string]bool{errs.Invalid: true, errs.Conflict: true, errs.Throttled: true,
	errs.Unauthenticated: true, errs.Denied: true}

// apply puts every domain error of err beside its field (or among the
// alerts when it names no field of the form) and returns the status to
// answer with; ok is false when err is not the person's to fix.
func (f *formView) apply(lang string, err error) (status int, ok bool) {
	list := errs.Fields(err)
	if len(list) == 0 {
		return 0, false
	}
	status = http.StatusUnprocessableEntity
	for _, e := range list {
		if !formCodes[e.Code] {
			return 0, false
		}
		if e.Code == errs.Throttled {
			status = http.StatusTooManyRequests
		}
		msg := i18n.T(lang, e.Key, e.Args)
		fd := f.field(e.Field)
		switch {
		case fd == nil:
			f.Alerts = append(f.Alerts, msg)
		case fd.Error == "": // the first mistake of a field is the one to fix first
			fd.Error, fd.Registered = msg, e.Code == errs.Conflict
		}
	}
	for _, fd := range f.Fields {
		if fd.Error != "" {
			f.Summary = append(f.Summary, fd)
		}
	}
	return status, true
}

// renderForm shows a form page; titleKey names the page, and a form with
// mistakes says so first in the document title (what a screen reader
// announces on arrival).
func (s *Site) renderForm(w http.ResponseWriter, r *http.Request, status int, name, titleKey string, f *formView) {
	lang := pageLang(r)
	s.render(w, r, status, name, s.formPage(r, lang, titleKey, f, len(f.Alerts)+len(f.Summary) > 0))
}

// formPage is the common page around an account page's body.
func (s *Site) formPage(r *http.Request, lang, titleKey string, body any, failed bool) *page {
	site := i18n.T(lang, "web.site.name", nil)
	title := i18n.T(lang, "web.page.document_title", map[string]any{"title": i18n.T(lang, titleKey, nil), "site": site})
	if failed {
		title = i18n.T(lang, "web.form.title_error", map[string]any{"title": title})
	}
	return &page{Lang: lang, Title: title, Heading: site, Switch: switchFor(lang, r), Body: body}
}

// formFailed re-renders a form with the mistakes of err, or answers 500
// when err is not a mistake in the form.
func (s *Site) formFailed(w http.ResponseWriter, r *http.Request, name, titleKey string, f *formView, err error) {
	status, ok := f.apply(pageLang(r), err)
	if !ok {
		s.internal(w, r, err)
		return
	}
	s.renderForm(w, r, status, name, titleKey, f)
}

// internal logs a failure once, with the request ID, and shows the 500 page.
func (s *Site) internal(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() == nil {
		// Masked: an error may quote a login, which can be an ID number.
		s.log.Error("page", "route", r.Pattern, "err", ids.MaskText(err.Error()), "request_id", actor.From(r.Context()).RequestID)
	}
	s.RenderError(w, r, http.StatusInternalServerError, "error.internal")
}

// required is a field error for an empty field, nil otherwise.
func required(name, value string) error {
	if value == "" {
		return errs.Field(name, "error.required", nil)
	}
	return nil
}
