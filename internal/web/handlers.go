package web

import (
	"net/http"

	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
)

// An enterprise's handlers (经办人): the registered persons it authorises to
// act in its name. The enterprise adds and removes them; a person sees the
// enterprises they act for.

// handlersBody is the handlers page: an enterprise's list and form, or a
// person's list of enterprises.
type handlersBody struct {
	Enterprise bool
	People     []handlerView // the enterprise's handlers
	Companies  []handlerView // the enterprises a person acts for
	Form       *formView
	CSRF       string
}

type handlerView struct {
	ID                int64
	Name, IDNumber    string // the ID number is masked
	CreditCode, Phone string // Phone is masked
	// Disabled: an enterprise whose account an administrator has disabled;
	// the person still sees it, marked, and cannot act for it.
	Disabled bool
}

var handlerFields = []fieldSpec{
	{Name: "id_number", Label: "web.handlers.field_id_number", Hint: "web.handlers.field_id_number_hint",
		Autocomplete: "off", Caps: "characters"},
}

func (s *Site) handlersPage(w http.ResponseWriter, r *http.Request) {
	s.showHandlers(w, r, http.StatusOK, nil)
}

// showHandlers renders the page, with the add form's mistakes when err is
// one.
func (s *Site) showHandlers(w http.ResponseWriter, r *http.Request, status int, err error) {
	p := identity.PrincipalFrom(r.Context())
	lang := pageLang(r)
	b := &handlersBody{Enterprise: p.Kind() == identity.Enterprise, CSRF: p.CSRF}
	if b.Enterprise {
		b.Form = s.newForm(w, r, lang, "/me/handlers", handlerFields)
		if err != nil {
			b.Form.keep(r)
			if st, ok := b.Form.apply(lang, err); ok {
				status = st
			} else {
				s.internal(w, r, err)
				return
			}
		}
		people, lerr := s.identity.Handlers(r.Context(), p.Account.ID)
		if lerr != nil {
			s.internal(w, r, lerr)
			return
		}
		for _, a := range people {
			b.People = append(b.People, handlerView{ID: a.ID, Name: a.Name, IDNumber: ids.MaskIDNumber(a.IDNumber), Phone: ids.MaskPhone(a.Phone)})
		}
	} else {
		companies, lerr := s.identity.EnterprisesOf(r.Context(), p.Account.ID)
		if lerr != nil {
			s.internal(w, r, lerr)
			return
		}
		for _, a := range companies {
			b.Companies = append(b.Companies, handlerView{ID: a.ID, Name: a.Name, CreditCode: a.Login,
				Disabled: a.Status != identity.StatusActive})
		}
	}
	failed := b.Form != nil && len(b.Form.Summary)+len(b.Form.Alerts) > 0
	s.render(w, r, status, "handlers", s.formPage(r, lang, "web.handlers.title", b, failed))
}

// addHandler authorises a registered person by their ID number.
func (s *Site) addHandler(w http.ResponseWriter, r *http.Request) {
	p := identity.PrincipalFrom(r.Context())
	if _, err := s.identity.AddHandler(r.Context(), p.Account, r.PostFormValue("id_number")); err != nil {
		s.showHandlers(w, r, http.StatusUnprocessableEntity, err)
		return
	}
	seeOther(w, "/me/handlers")
}

// removeHandler withdraws a handler's authority.
func (s *Site) removeHandler(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.RenderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	if err := s.identity.RemoveHandler(r.Context(), identity.PrincipalFrom(r.Context()).Account, id); err != nil {
		s.mandateError(w, r, err)
		return
	}
	seeOther(w, "/me/handlers")
}
