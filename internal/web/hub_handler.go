package web

import (
	"context"
	"net/http"

	"github.com/govhall/govhall/internal/errs"
)

// An enterprise's handlers (经办人) and its data: a person's /me/data
// lists the enterprises they act for, and /me/entities/{credit_code}/data
// shows one's legal-entity record and licences as the enterprise sees
// them (hub.Service.HandledEntity), the read written to the enterprise's
// access log. The hub decides whether the person still acts for it.

// handledRow is an enterprise the person acts for, on /me/data.
type handledRow struct {
	Name, CreditCode, Since, URL string
}

// hubFillHandles lists the enterprises the signed-in person acts for.
func (s *Site) hubFillHandles(ctx context.Context, b *myDataBody) error {
	list, err := s.hub.HandledEntities(ctx)
	if err != nil {
		return err
	}
	for _, e := range list {
		b.Handles = append(b.Handles, handledRow{Name: e.Name, CreditCode: e.CreditCode, Since: hubDate(e.Since),
			URL: "/me/entities/" + e.CreditCode + "/data"})
	}
	return nil
}

// handledEntityData is an enterprise's data as its handler sees it. A
// malformed credit code is the 404 page saying what is wrong with it; a
// person who does not act for the enterprise is refused (403) and the
// attempt is in the enterprise's access log.
func (s *Site) handledEntityData(w http.ResponseWriter, r *http.Request) {
	if s.hub == nil {
		s.RenderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	lang := pageLang(r)
	code := r.PathValue("credit_code")
	pr, err := s.hub.HandledEntity(r.Context(), code)
	b := &myDataBody{Entity: true, Handled: true, HandledName: code}
	e, _ := errs.As(err)
	switch {
	case err == nil:
		if n := pr.Get("entity.name"); n != "" {
			b.HandledName = n
		}
		hubFillEntity(lang, b, pr)
	case errs.CodeOf(err) == errs.NotFound:
		b.NotInHub = true
	case e != nil && e.Code == errs.Invalid:
		s.RenderError(w, r, http.StatusNotFound, e.Key)
		return
	case e != nil && e.Code == errs.Denied:
		s.RenderError(w, r, http.StatusForbidden, e.Key)
		return
	default:
		s.internal(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "hub_me", s.formPage(r, lang, "web.hub.handled.title", b, false))
}
