// Package notify owns the outbox: the SMS and e-mail messages govhall sends
// to people (one-time codes, consent requests for proxy mandates, deadline
// warnings). A service writes a message with Enqueue inside the transaction
// of the event that causes it, so there is never an SMS without its event
// or an event without its SMS; a Worker sends it afterwards through a
// Sender (LogSender in the demo, an SMS gateway or mail relay in
// production).
//
// # Delivery guarantee
//
// Delivery is at least once. A worker claims due messages in one short
// transaction that leases them (moves send_after past the time the batch
// can take and counts the attempt), commits, then sends each message and
// records the outcome in its own statement. While leased a message is
// invisible to other workers, so no message is sent twice in one round.
// If a process dies between a successful send and recording it, the lease
// runs out and the message is sent again: a person may, rarely, receive a
// code twice, but never no code for a committed event. A failed send is
// retried after 2^attempts seconds (capped at an hour) until MaxAttempts,
// then the message is marked failed.
//
// On PostgreSQL, several govhall processes may run workers: claims are
// serialised by a transaction-scoped advisory lock, and a worker that finds
// it taken does nothing this round. On SQLite the single writer serialises
// claims.
//
// Recipients are personal data and bodies carry one-time codes: logs and
// List show recipients masked (138****5678) and never a body unless asked.
package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/ids"
)

// Channels a message can go through.
const (
	SMS   = "sms"
	Email = "email"
)

// Statuses of a stored message.
const (
	StatusPending = "pending"
	StatusSent    = "sent"
	StatusFailed  = "failed"
)

// Causes of a refused message, for errors.Is; the returned error is an
// errs.Error naming the field.
var (
	ErrChannel   = errors.New("channel must be sms or email")
	ErrRecipient = errors.New("an SMS recipient must be an 11-digit mainland mobile number (1[3-9] and 9 digits); an e-mail recipient a plain address")
)

// Message is what a service asks to send.
type Message struct {
	Channel string // SMS or Email
	// Recipient is the mobile number (11 digits, no +86) or the e-mail address.
	Recipient string
	// Template is the i18n-style key of the message ("identity.sms.login_code"),
	// kept so gateways that send by template, and people reading the outbox,
	// know what the message is.
	Template string
	Params   map[string]string
	// Body is the rendered text in Lang, stored for the record.
	Body string
	Lang string
	// At is when the event happened, from the service's clock; zero means now.
	At time.Time
	// SendAfter delays the message (a reminder, say); zero means At.
	SendAfter time.Time
}

// Enqueue writes m into the outbox inside the caller's transaction and
// returns its id. The actor and request ID of ctx are stored with it, so a
// message can be traced to the request that caused it.
func Enqueue(ctx context.Context, tx *db.Tx, m Message) (int64, error) {
	if err := validate(m); err != nil {
		return 0, fmt.Errorf("enqueue %s message: %w", m.Template, err)
	}
	params := []byte("{}")
	if len(m.Params) > 0 {
		var err error
		if params, err = json.Marshal(m.Params); err != nil {
			return 0, fmt.Errorf("enqueue %s message: params: %w", m.Template, err)
		}
	}
	at := m.At
	if at.IsZero() {
		at = time.Now()
	}
	after := m.SendAfter
	if after.IsZero() {
		after = at
	}
	a := actor.From(ctx)
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO outbox
		(channel, recipient, template, params, body, lang, status, actor, request_id, created_at, send_after)
		VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?) RETURNING id`,
		m.Channel, m.Recipient, m.Template, string(params), m.Body, m.Lang,
		a.String(), a.RequestID, dbTime(at), dbTime(after)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("enqueue %s message: %w", m.Template, err)
	}
	return id, nil
}

func validate(m Message) error {
	switch {
	case m.Channel != SMS && m.Channel != Email:
		return &errs.Error{Code: errs.Invalid, Field: "channel", Key: "error.invalid", Err: ErrChannel}
	case m.Recipient == "":
		return errs.Field("recipient", "error.required", nil)
	case m.Channel == SMS && !validPhone(m.Recipient),
		m.Channel == Email && !validEmail(m.Recipient):
		return &errs.Error{Code: errs.Invalid, Field: "recipient", Key: "error.invalid", Err: ErrRecipient}
	case m.Template == "":
		return errs.Field("template", "error.required", nil)
	case m.Body == "":
		return errs.Field("body", "error.required", nil)
	}
	return nil
}

// validPhone reports whether s is a mainland mobile number: 11 digits,
// starting 13 to 19.
func validPhone(s string) bool {
	if len(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9' {
		return false
	}
	for i := 2; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// validEmail accepts a bare address (no display name, no angle brackets).
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s
}

// mask hides a recipient for logs and lists: a phone keeps its first 3 and
// last 4 digits, an address its first character and its domain.
func mask(r string) string {
	if local, domain, ok := strings.Cut(r, "@"); ok && local != "" {
		_, n := utf8.DecodeRuneInString(local)
		return local[:n] + "***@" + domain
	}
	if len(r) == 11 {
		return ids.MaskPhone(r)
	}
	return "***"
}

// dbTime is t as stored: UTC (so SQLite's text times compare in order) and
// to the microsecond (PostgreSQL's precision).
func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
