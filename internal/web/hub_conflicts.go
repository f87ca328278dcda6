package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/hub"
	"github.com/govhall/govhall/internal/i18n"
)

// The system administrator's conflicts between sources: the list, by
// element, offering source and status, a page at a time; one conflict with
// the form that resolves it (an outcome and a note, no script needed).
// The hub masks every value and refuses anyone but the system
// administrator; the policy admits only them here anyway.

// hubConflictRow is a conflict as the pages show it, masked.
type hubConflictRow struct {
	ID                                       int64
	Subject, Element, Label                  string
	AuthSource, AuthValue, OfferedSource     string
	Offered, At                              string
	Open                                     bool
	Resolution, ResolvedBy, ResolvedAt, Note string
	// Referred: who referred a conflict the authority then corrected, and when.
	Referred string
}

func hubConflictOut(lang string, c hub.Conflict) hubConflictRow {
	row := hubConflictRow{ID: c.ID, Subject: c.Subject, Element: c.Element, Label: hubElementLabel(lang, c.Element),
		AuthSource: hubSourceName(lang, c.AuthSource), AuthValue: c.AuthValue, OfferedSource: hubSourceName(lang, c.OfferedSource),
		Offered: c.Offered, At: c.At.In(beijing).Format("2006-01-02 15:04"), Open: c.Status == hub.ConflictsOpen, Note: c.Note}
	if !row.Open {
		row.Resolution = i18n.T(lang, "web.hub.conflict.outcome."+c.Resolution, nil)
		row.ResolvedBy = c.ResolvedBy
		if c.Resolution == hub.ResolutionCorrected {
			row.ResolvedBy = hubSourceName(lang, c.ResolvedBy)
		}
		if c.ResolvedAt != nil {
			row.ResolvedAt = c.ResolvedAt.In(beijing).Format("2006-01-02 15:04")
		}
		if c.ReferredAt != nil {
			row.Referred = c.ReferredBy + ", " + c.ReferredAt.In(beijing).Format("2006-01-02 15:04")
		}
	}
	return row
}

// hubElementLabel names a data element as people do, "" when the
// catalogs have no name for it (the element's code is shown anyway).
func hubElementLabel(lang, el string) string {
	if key := "web.hub.element." + el; i18n.Has(lang, key) {
		return i18n.T(lang, key, nil)
	}
	return ""
}

// hubConflictsBody is the list of conflicts.
type hubConflictsBody struct {
	Elements, Sources, Statuses []option
	Rows                        []hubConflictRow
	Total, Page, Pages          int
	Prev, Next                  string
	Notice                      string
	Alerts                      []string
}

func (s *Site) hubConflicts(w http.ResponseWriter, r *http.Request) {
	if s.hub == nil {
		s.RenderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	ctx, lang, q := r.Context(), pageLang(r), r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	f := hub.ConflictFilter{Element: q.Get("element"), Source: q.Get("source"), Status: q.Get("status"), Page: page}
	b, status := &hubConflictsBody{}, http.StatusOK
	list, err := s.hub.Conflicts(ctx, f)
	if e, ok := errs.As(err); ok && e.Code == errs.Invalid {
		b.Alerts, status, f.Status = []string{i18n.T(lang, e.Key, e.Args)}, http.StatusUnprocessableEntity, ""
		list, err = s.hub.Conflicts(ctx, f)
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	facets, err := s.hub.Facets(ctx)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	b.Total, b.Page, b.Pages = list.Total, list.Page, list.Pages
	b.Elements, b.Sources, b.Statuses = hubFilterOptions(lang, facets, f)
	for _, c := range list.Items {
		b.Rows = append(b.Rows, hubConflictOut(lang, c))
	}
	if list.Page > 1 {
		b.Prev = hubConflictsURL(f, list.Page-1)
	}
	if list.Page < list.Pages {
		b.Next = hubConflictsURL(f, list.Page+1)
	}
	s.render(w, r, status, "hub_conflicts", s.formPage(r, lang, "web.hub.conflicts.title", b, len(b.Alerts) > 0))
}

// hubFilterOptions are the filter's choices, the current ones selected.
func hubFilterOptions(lang string, fc hub.ConflictFacets, f hub.ConflictFilter) (els, srcs, sts []option) {
	els = []option{{Value: "", Label: i18n.T(lang, "web.hub.conflicts.any_element", nil), Selected: f.Element == ""}}
	for _, el := range fc.Elements {
		label := el
		if l := hubElementLabel(lang, el); l != "" {
			label = l + " (" + el + ")"
		}
		els = append(els, option{Value: el, Label: label, Selected: el == f.Element})
	}
	srcs = []option{{Value: "", Label: i18n.T(lang, "web.hub.conflicts.any_source", nil), Selected: f.Source == ""}}
	for _, k := range fc.Sources {
		srcs = append(srcs, option{Value: k, Label: hubSourceName(lang, k), Selected: k == f.Source})
	}
	cur := f.Status
	if cur == "" {
		cur = hub.ConflictsOpen
	}
	for _, st := range []string{hub.ConflictsOpen, hub.ConflictsResolved, hub.ConflictsAll} {
		sts = append(sts, option{Value: st, Label: i18n.T(lang, "web.hub.conflicts.status."+st, nil), Selected: st == cur})
	}
	return els, srcs, sts
}

func hubConflictsURL(f hub.ConflictFilter, page int) string {
	v := url.Values{"page": {strconv.Itoa(page)}}
	for k, x := range map[string]string{"element": f.Element, "source": f.Source, "status": f.Status} {
		if x != "" {
			v.Set(k, x)
		}
	}
	return "/admin/hub/conflicts?" + v.Encode()
}

// hubConflictBody is one conflict and, while it is open, the form that
// resolves it.
type hubConflictBody struct {
	Conflict hubConflictRow
	Form     *formView
	Outcomes []option
	Note     string
	Notice   string
}

func (s *Site) hubConflict(w http.ResponseWriter, r *http.Request) {
	s.renderHubConflict(w, r, http.StatusOK, hub.Resolution{}, nil)
}

// renderHubConflict shows the conflict in the address with the form
// filled with res and the mistakes of err (nil: none).
func (s *Site) renderHubConflict(w http.ResponseWriter, r *http.Request, status int, res hub.Resolution, err error) {
	id, ok := pathID(r)
	if s.hub == nil || !ok {
		s.RenderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	lang := pageLang(r)
	c, cerr := s.hub.ConflictByID(r.Context(), id)
	if errs.CodeOf(cerr) == errs.NotFound {
		s.RenderError(w, r, http.StatusNotFound, "error.not_found")
		return
	} else if cerr != nil {
		s.internal(w, r, cerr)
		return
	}
	b := &hubConflictBody{Conflict: hubConflictOut(lang, c), Note: res.Note,
		Form: s.newForm(w, r, lang, fmt.Sprintf("/admin/hub/conflicts/%d/resolve", id), []fieldSpec{
			{Name: "outcome", Label: "web.hub.conflict.outcome_label"},
			{Name: "note", Label: "web.hub.conflict.note_label", Hint: "web.hub.conflict.note_hint"}})}
	for _, o := range []string{hub.ResolutionConfirmed, hub.ResolutionReferred} {
		b.Outcomes = append(b.Outcomes, option{Value: o, Label: i18n.T(lang, "web.hub.conflict.choice."+o, nil), Selected: o == res.Outcome})
	}
	if r.URL.Query().Get("done") == "resolved" {
		b.Notice = i18n.T(lang, "web.hub.conflict.done", nil)
	}
	if err != nil {
		if status, ok = b.Form.apply(lang, err); !ok {
			s.internal(w, r, err)
			return
		}
	}
	failed := len(b.Form.Alerts)+len(b.Form.Summary) > 0
	s.render(w, r, status, "hub_conflict", s.formPage(r, lang, "web.hub.conflict.title", b, failed))
}

// resolveHubConflict closes the conflict with the outcome and note
// posted, then shows it resolved; a mistake shows the form again (422).
func (s *Site) resolveHubConflict(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if s.hub == nil || !ok {
		s.RenderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	res := hub.Resolution{Outcome: r.PostFormValue("outcome"), Note: r.PostFormValue("note")}
	_, err := s.hub.ResolveConflict(r.Context(), id, res)
	switch code := errs.CodeOf(err); {
	case err == nil:
		seeOther(w, fmt.Sprintf("/admin/hub/conflicts/%d?done=resolved", id))
	case code == errs.NotFound:
		s.RenderError(w, r, http.StatusNotFound, "error.not_found")
	case code == errs.Invalid || code == errs.Conflict || code == errs.Denied:
		s.renderHubConflict(w, r, http.StatusUnprocessableEntity, res, err)
	default:
		s.internal(w, r, err)
	}
}
