package web

import (
	"net/http"
	"strconv"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/i18n"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/notify"
)

// The system administrator's outbox and the audit administrator's trail.
// Both read the store the identity service writes to: the outbox and the
// trail belong to the bottom packages (notify, audit), which take the
// store directly.

// outboxLimit is how many messages the outbox page shows, newest first.
const outboxLimit = 100

// outboxBody is the system administrator's view of the outbox.
type outboxBody struct {
	Statuses []option
	Rows     []outboxRow
	Alerts   []string
	Limit    int
}

// outboxRow is one message; the recipient is masked by notify.
type outboxRow struct {
	ID                                    int64
	Created, Channel, Recipient, Template string
	Status, Body                          string
	Attempts                              int
	Failed                                bool
}

// outboxStatusKeys name the statuses of a message.
var outboxStatusKeys = map[string]string{
	notify.StatusPending: "web.admin.outbox.status_pending", notify.StatusSent: "web.admin.outbox.status_sent",
	notify.StatusFailed: "web.admin.outbox.status_failed",
}

// outboxChannelKeys name the channels.
var outboxChannelKeys = map[string]string{notify.SMS: "web.admin.outbox.channel_sms", notify.Email: "web.admin.outbox.channel_email"}

// store is the hall's database, for the outbox and the trail.
func (s *Site) store() *db.DB { return s.identity.DB }

// adminOutbox shows the newest messages with their bodies. No SMS gateway
// is connected in the demo, so this is where the one-time codes are read;
// the page says so, and every reading is in the audit trail.
func (s *Site) adminOutbox(w http.ResponseWriter, r *http.Request) {
	lang, status := pageLang(r), r.URL.Query().Get("status")
	code := http.StatusOK
	b := &outboxBody{Limit: outboxLimit}
	msgs, err := notify.List(r.Context(), s.store(), notify.Filter{Status: status, Limit: outboxLimit, ShowBody: true})
	if e, ok := errs.As(err); ok && e.Code == errs.Invalid {
		b.Alerts, code, status = append(b.Alerts, i18n.T(lang, "web.admin.outbox.error_status", nil)), http.StatusUnprocessableEntity, ""
	} else if err != nil {
		s.internal(w, r, err)
		return
	}
	b.Statuses = []option{{Value: "", Label: i18n.T(lang, "web.admin.outbox.status_all", nil), Selected: status == ""}}
	for _, st := range []string{notify.StatusPending, notify.StatusSent, notify.StatusFailed} {
		b.Statuses = append(b.Statuses, option{Value: st, Label: i18n.T(lang, outboxStatusKeys[st], nil), Selected: st == status})
	}
	detail := map[string]string{"status": status, "messages": strconv.Itoa(len(msgs)), "bodies": "shown"}
	if err := s.identity.NoteAdminRead(r.Context(), "notify.outbox.read", "outbox", detail); err != nil {
		s.internal(w, r, err)
		return
	}
	for _, m := range msgs {
		b.Rows = append(b.Rows, outboxRow{ID: m.ID, Created: m.CreatedAt.In(beijing).Format("2006-01-02 15:04:05"),
			Channel: i18n.T(lang, outboxChannelKeys[m.Channel], nil), Recipient: m.Recipient, Template: m.Template,
			Status: i18n.T(lang, outboxStatusKeys[m.Status], nil), Body: m.Body, Attempts: m.Attempts,
			Failed: m.Status == notify.StatusFailed})
	}
	s.render(w, r, code, "admin_outbox", s.formPage(r, lang, "web.admin.outbox.title", b, len(b.Alerts) > 0))
}

// auditBody is the audit administrator's view of the trail.
type auditBody struct {
	Rows   []auditRow
	Older  string // the next page back, "" at the first entry
	Newest bool   // this page is not the newest: link back to it
	Verify *verifyView
	CSRF   string
}

// auditRow is one entry of the trail.
type auditRow struct {
	Seq                                int64
	At, Actor, Action, Object, Outcome string
	NotOK                              bool
}

// verifyView is the result of walking the chain.
type verifyView struct {
	OK      bool
	Message string
}

// auditOutcomeKeys name the outcomes of an action.
var auditOutcomeKeys = map[string]string{
	audit.OK: "web.admin.audit.outcome_ok", audit.Denied: "web.admin.audit.outcome_denied", audit.Failed: "web.admin.audit.outcome_failed",
}

// auditCauseKeys explain why the chain does not verify.
var auditCauseKeys = map[string]string{
	audit.CauseMissing: "web.admin.audit.cause_missing", audit.CauseLink: "web.admin.audit.cause_link",
	audit.CauseAltered: "web.admin.audit.cause_altered", audit.CauseAlgorithm: "web.admin.audit.cause_algorithm",
	audit.CauseHead: "web.admin.audit.cause_head",
}

// adminAudit shows the trail, newest first, a page at a time
// (?before=seq reads further back).
func (s *Site) adminAudit(w http.ResponseWriter, r *http.Request) {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	s.renderAudit(w, r, max(before, 0), nil)
}

// verifyAudit walks the whole chain, records that it did, and shows the
// result above the newest entries.
func (s *Site) verifyAudit(w http.ResponseWriter, r *http.Request) {
	lang := pageLang(r)
	rep, err := audit.Verify(r.Context(), s.store(), nil)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	v := &verifyView{OK: rep.OK(), Message: i18n.T(lang, "web.admin.audit.verify_ok", map[string]any{"n": rep.Entries})}
	detail := map[string]string{"entries": strconv.FormatInt(rep.Entries, 10), "result": "intact"}
	if !rep.OK() {
		v.Message = i18n.T(lang, "web.admin.audit.verify_bad", map[string]any{"seq": rep.BadSeq, "n": rep.Entries,
			"reason": i18n.T(lang, auditCauseKeys[rep.Cause()], nil)})
		detail["result"], detail["bad_seq"], detail["cause"] = "broken", strconv.FormatInt(rep.BadSeq, 10), rep.Cause()
	}
	if err := s.identity.NoteAdminRead(r.Context(), "audit.verify", "audit_log", detail); err != nil {
		s.internal(w, r, err)
		return
	}
	s.renderAudit(w, r, 0, v)
}

func (s *Site) renderAudit(w http.ResponseWriter, r *http.Request, before int64, v *verifyView) {
	lang := pageLang(r)
	entries, err := audit.Latest(r.Context(), s.store(), before, audit.LatestPage)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	b := &auditBody{Verify: v, Newest: before > 0, CSRF: identity.PrincipalFrom(r.Context()).CSRF}
	for _, e := range entries {
		outcome := i18n.T(lang, auditOutcomeKeys[e.Outcome], nil)
		if _, ok := auditOutcomeKeys[e.Outcome]; !ok {
			outcome = e.Outcome
		}
		obj := e.ObjectType
		if e.ObjectID != "" {
			obj += " " + e.ObjectID
		}
		b.Rows = append(b.Rows, auditRow{Seq: e.Seq, At: e.At.In(beijing).Format("2006-01-02 15:04:05"), Actor: e.Actor,
			Action: e.Action, Object: obj, Outcome: outcome, NotOK: e.Outcome != audit.OK})
	}
	if n := len(entries); n == audit.LatestPage && entries[n-1].Seq > 1 {
		b.Older = "/admin/audit?before=" + strconv.FormatInt(entries[n-1].Seq, 10)
	}
	s.render(w, r, http.StatusOK, "admin_audit", s.formPage(r, lang, "web.admin.audit.title", b, false))
}
