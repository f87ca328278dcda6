package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/i18n"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/ids"
	"github.com/govhall/govhall/internal/org"
)

// The administrators' pages, one role each (level-3 protection separates
// the system, audit and security administrators): the security
// administrator manages accounts (this file and admin_new.go), the system
// administrator reads the outbox and the audit administrator reads and
// verifies the trail (admin_oversight.go). The policy (identity.Routes)
// admits one administrator kind to each route; the handlers trust it.
// Administrators see names where they must act on a person, and ID numbers
// and phone numbers only masked.

// adminRoutes are the administrators' routes and their handlers.
func (s *Site) adminRoutes() map[string]http.HandlerFunc {
	return map[string]http.HandlerFunc{
		"GET /admin/accounts":                         s.adminAccounts,
		"GET /admin/accounts/new":                     s.newAccountPage,
		"POST /admin/accounts":                        s.postOnly(s.createAccount),
		"POST /admin/accounts/{id}/disable":           s.postOnly(s.setAccountStatus(identity.StatusDisabled)),
		"POST /admin/accounts/{id}/enable":            s.postOnly(s.setAccountStatus(identity.StatusActive)),
		"POST /admin/accounts/{id}/logout-everywhere": s.postOnly(s.endAccountSessions),
		"GET /admin/outbox":                           s.adminOutbox,
		"GET /admin/audit":                            s.adminAudit,
		"POST /admin/audit/verify":                    s.postOnly(s.verifyAudit),
	}
}

// option is one choice of a select.
type option struct {
	Value, Label string
	Selected     bool
}

// accountsBody is the security administrator's list of accounts.
type accountsBody struct {
	Kinds  []option // the filter
	Rows   []accountRow
	Total  int
	Page   int
	Pages  int
	Prev   string // address of the previous page, "" on the first
	Next   string
	Notice string // what the last action did
	Alerts []string
	CSRF   string
}

// accountRow is one account as the list shows it: ID number and phone
// masked, a person's login (their ID number) masked too.
type accountRow struct {
	ID                          int64
	Name, Login, Kind, IDNumber string
	Phone, Place, Created       string
	Disabled                    bool
	Locked                      string // until when the account is locked, Beijing time
	Self, Admin                 bool   // no actions: one's own account, an administrator's
}

// accountNotices are the messages an action leaves for the list.
var accountNotices = map[string]string{
	"created": "web.admin.accounts.done_created", "disabled": "web.admin.accounts.done_disabled",
	"enabled": "web.admin.accounts.done_enabled", "logged_out": "web.admin.accounts.done_logged_out",
}

// adminAccounts lists accounts, 50 a page, of one kind or all.
func (s *Site) adminAccounts(w http.ResponseWriter, r *http.Request) {
	s.renderAccounts(w, r, http.StatusOK, nil)
}

// renderAccounts shows the list for the filter and page in the address,
// with alerts from a refused action.
func (s *Site) renderAccounts(w http.ResponseWriter, r *http.Request, status int, alerts []string) {
	lang, q := pageLang(r), r.URL.Query()
	kind := q.Get("kind")
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	list, total, err := s.identity.ListAccounts(r.Context(), kind, (page-1)*identity.AccountsPage, identity.AccountsPage)
	if e, ok := errs.As(err); ok && e.Code == errs.Invalid {
		alerts, status, kind = append(alerts, i18n.T(lang, e.Key, e.Args)), http.StatusUnprocessableEntity, ""
	} else if err != nil {
		s.internal(w, r, err)
		return
	}
	places, err := s.placeNames(r, lang)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	p := identity.PrincipalFrom(r.Context())
	b := &accountsBody{Total: total, Page: page, Pages: max(1, (total+identity.AccountsPage-1)/identity.AccountsPage),
		Alerts: alerts, CSRF: p.CSRF, Kinds: kindOptions(lang, identity.Kinds, kind, true)}
	if key, ok := accountNotices[q.Get("done")]; ok {
		b.Notice = i18n.T(lang, key, nil)
	}
	for _, a := range list {
		b.Rows = append(b.Rows, accountRowOf(lang, a, p.Account.ID, places, s.now()))
	}
	if page > 1 {
		b.Prev = accountsURL(kind, page-1)
	}
	if page < b.Pages {
		b.Next = accountsURL(kind, page+1)
	}
	s.render(w, r, status, "admin_accounts", s.formPage(r, lang, "web.admin.accounts.title", b, len(alerts) > 0))
}

func accountsURL(kind string, page int) string {
	v := url.Values{"page": {strconv.Itoa(page)}}
	if kind != "" {
		v.Set("kind", kind)
	}
	return "/admin/accounts?" + v.Encode()
}

// kindOptions are the kinds of account as choices; all adds "every kind".
func kindOptions(lang string, kinds []string, selected string, all bool) []option {
	var out []option
	if all {
		out = append(out, option{Value: "", Label: i18n.T(lang, "web.admin.accounts.kind_all", nil), Selected: selected == ""})
	}
	for _, k := range kinds {
		out = append(out, option{Value: k, Label: i18n.T(lang, accountKindKeys[k], nil), Selected: k == selected})
	}
	return out
}

// accountRowOf masks what the list shows of an account.
func accountRowOf(lang string, a identity.Account, self int64, places map[string]string, now time.Time) accountRow {
	row := accountRow{ID: a.ID, Name: a.Name, Login: a.Login, Kind: i18n.T(lang, accountKindKeys[a.Kind], nil),
		IDNumber: ids.MaskIDNumber(a.IDNumber), Phone: ids.MaskPhone(a.Phone), Place: places[a.JurisdictionCode],
		Created: a.CreatedAt.In(beijing).Format("2006-01-02 15:04"), Disabled: a.Status == identity.StatusDisabled,
		Self: a.ID == self}
	if a.Kind == identity.Person { // a person's login is their ID number
		row.Login = ids.MaskIDNumber(a.Login)
	}
	for _, k := range identity.AdminKinds {
		row.Admin = row.Admin || a.Kind == k
	}
	if !a.LockedUntil.IsZero() && a.LockedUntil.After(now) {
		row.Locked = a.LockedUntil.In(beijing).Format("15:04")
	}
	return row
}

// placeNames maps every division code to its name in lang.
func (s *Site) placeNames(r *http.Request, lang string) (map[string]string, error) {
	all, err := s.org.Jurisdictions(r.Context(), "")
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(all))
	for _, j := range all {
		out[j.Code] = nameIn(lang, j.Name, j.NameEN)
	}
	return out, nil
}

// setAccountStatus disables or enables the account in the address.
func (s *Site) setAccountStatus(status string) http.HandlerFunc {
	done := map[string]string{identity.StatusDisabled: "disabled", identity.StatusActive: "enabled"}[status]
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := pathID(r)
		if !ok {
			s.RenderError(w, r, http.StatusNotFound, "error.not_found")
			return
		}
		if err := s.identity.SetStatus(r.Context(), id, status); err != nil {
			s.accountActionFailed(w, r, err)
			return
		}
		seeOther(w, "/admin/accounts?done="+done)
	}
}

// endAccountSessions signs an account out everywhere (a lost phone, a
// shared computer, a suspected break-in).
func (s *Site) endAccountSessions(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.RenderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	if _, err := s.identity.Account(r.Context(), id); err != nil {
		s.accountActionFailed(w, r, err)
		return
	}
	if _, err := s.identity.LogoutEverywhere(r.Context(), id); err != nil {
		s.internal(w, r, err)
		return
	}
	seeOther(w, "/admin/accounts?done=logged_out")
}

// accountActionFailed answers a refused or failed action on an account:
// the list again with the reason (403 for a refusal), 404 for no such
// account, else the 500 page.
func (s *Site) accountActionFailed(w http.ResponseWriter, r *http.Request, err error) {
	e, ok := errs.As(err)
	switch {
	case errors.Is(err, db.ErrNotFound) || (ok && e.Code == errs.NotFound):
		s.RenderError(w, r, http.StatusNotFound, "error.not_found")
	case ok && (e.Code == errs.Denied || e.Code == errs.Invalid):
		status := map[bool]int{true: http.StatusForbidden, false: http.StatusUnprocessableEntity}[e.Code == errs.Denied]
		r.URL.RawQuery = ""
		s.renderAccounts(w, r, status, []string{i18n.T(pageLang(r), e.Key, e.Args)})
	default:
		s.internal(w, r, err)
	}
}

// jurisdictionOptions are the divisions that have departments (the city and
// the county-level ones), where accounts are created.
func (s *Site) jurisdictionOptions(r *http.Request, lang, selected string) ([]option, map[string]org.Jurisdiction, error) {
	var out []option
	byCode := map[string]org.Jurisdiction{}
	for _, level := range []string{org.City, org.County} {
		js, err := s.org.Jurisdictions(r.Context(), level)
		if err != nil {
			return nil, nil, err
		}
		for _, j := range js {
			byCode[j.Code] = j
			out = append(out, option{Value: j.Code, Label: nameIn(lang, j.Name, j.NameEN), Selected: j.Code == selected})
		}
	}
	return out, byCode, nil
}
