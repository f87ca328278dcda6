package web

import (
	"net/http"
	"regexp"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/i18n"
)

// errorBody is the body of the error page.
type errorBody struct {
	Status    int
	Title     string
	Message   string
	RequestID string
}

// statusTitles head the error page by status.
var statusTitles = map[int]string{
	http.StatusBadRequest:          "web.error.title_bad_request",
	http.StatusForbidden:           "web.error.title_denied",
	http.StatusNotFound:            "web.error.title_not_found",
	http.StatusMethodNotAllowed:    "web.error.title_method",
	http.StatusInternalServerError: "web.error.title_internal",
	http.StatusServiceUnavailable:  "web.error.title_unavailable",
}

var unfilled = regexp.MustCompile(`\{[a-z_]+\}`)

// RenderError writes a complete HTML error page in the person's language:
// a heading for the status, the message of key (an i18n key such as
// "error.not_found"; {request_id} in it is filled) and the request ID to
// quote when asking for help. It reads nothing from the store, so it works
// when the store is down; the server's 404 and panic recovery call it.
func (s *Site) RenderError(w http.ResponseWriter, r *http.Request, status int, key string) {
	lang := pageLang(r)
	id := actor.From(r.Context()).RequestID
	titleKey, ok := statusTitles[status]
	if !ok {
		titleKey = "web.error.title_generic"
	}
	msg := i18n.T(lang, key, map[string]any{"request_id": id})
	if !i18n.Has(lang, key) || unfilled.MatchString(msg) {
		// An unknown key, or one that needs details we do not have.
		s.log.Warn("error page message", "key", key, "request_id", id)
		msg = i18n.T(lang, "web.error.message_generic", nil)
	}
	b := &errorBody{Status: status, Title: i18n.T(lang, titleKey, nil), Message: msg, RequestID: id}
	site := i18n.T(lang, "web.site.name", nil)
	p := &page{Lang: lang, Heading: site, Body: b, Switch: switchFor(lang, r),
		Title: i18n.T(lang, "web.error.document_title", map[string]any{"title": b.Title, "site": site})}
	s.render(w, r, status, "error", p)
}
