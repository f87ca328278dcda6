package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
)

// Stored is a message as the outbox keeps it, for people to read.
type Stored struct {
	ID      int64
	Channel string
	// Recipient is masked (138****5678): lists never show the full number.
	Recipient string
	Template  string
	Lang      string
	Status    string
	Attempts  int
	LastError string
	Actor     string
	RequestID string
	CreatedAt time.Time
	SendAfter time.Time
	SentAt    time.Time // zero until sent
	// Body and Params are empty unless asked for: they carry one-time codes.
	Body   string
	Params map[string]string
}

// Filter selects messages for List.
type Filter struct {
	Status string // "" for all
	Limit  int    // default 50, at most 1000
	// ShowBody includes bodies and params. Only the administrators' demo
	// page sets it, so that a demo visitor can read the one-time codes no
	// phone receives; a production page must leave it off.
	ShowBody bool
}

const storedCols = `id, channel, recipient, template, lang, status, attempts, last_error,
	actor, request_id, created_at, send_after, sent_at, params, body`

// List returns messages newest first, for the administrators' outbox page.
func List(ctx context.Context, d *db.DB, f Filter) ([]Stored, error) {
	switch f.Status {
	case "", StatusPending, StatusSent, StatusFailed:
	default:
		return nil, errs.Field("status", "error.invalid", map[string]any{"status": f.Status})
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 1000)
	q, args := "SELECT "+storedCols+" FROM outbox", []any{}
	if f.Status != "" {
		q, args = q+" WHERE status = ?", append(args, f.Status)
	}
	rows, err := d.Query(ctx, q+" ORDER BY id DESC LIMIT ?", append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	defer rows.Close()
	var out []Stored
	for rows.Next() {
		m, err := scanStored(rows, f.ShowBody)
		if err != nil {
			return nil, fmt.Errorf("list outbox: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	return out, nil
}

// Latest returns the newest message of a template to a recipient, body
// included. Tests use it as a person uses their phone: to read the code
// that was just sent.
func Latest(ctx context.Context, d *db.DB, recipient, template string) (Stored, error) {
	row := d.QueryRow(ctx, "SELECT "+storedCols+
		" FROM outbox WHERE recipient = ? AND template = ? ORDER BY id DESC LIMIT 1", recipient, template)
	m, err := scanStored(row, true)
	if errors.Is(err, sql.ErrNoRows) {
		return Stored{}, fmt.Errorf("latest %s message to %s: %w", template, mask(recipient), db.ErrNotFound)
	}
	if err != nil {
		return Stored{}, fmt.Errorf("latest %s message to %s: %w", template, mask(recipient), err)
	}
	return m, nil
}

func scanStored(sc interface{ Scan(...any) error }, showBody bool) (Stored, error) {
	var m Stored
	var sentAt sql.NullTime
	var params, body string
	err := sc.Scan(&m.ID, &m.Channel, &m.Recipient, &m.Template, &m.Lang, &m.Status, &m.Attempts,
		&m.LastError, &m.Actor, &m.RequestID, &m.CreatedAt, &m.SendAfter, &sentAt, &params, &body)
	if err != nil {
		return Stored{}, err
	}
	m.Recipient = mask(m.Recipient)
	m.CreatedAt, m.SendAfter = m.CreatedAt.UTC(), m.SendAfter.UTC()
	if sentAt.Valid {
		m.SentAt = sentAt.Time.UTC()
	}
	if showBody {
		m.Body = body
		if m.Params, err = decodeParams(params); err != nil {
			return Stored{}, fmt.Errorf("message %d: %w", m.ID, err)
		}
	}
	return m, nil
}

func decodeParams(s string) (map[string]string, error) {
	var p map[string]string
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		return nil, fmt.Errorf("params: %w", err)
	}
	return p, nil
}
