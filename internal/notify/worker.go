package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/govhall/govhall/internal/db"
)

// Sent is a message handed to a Sender. Gateways that send by template
// (as mainland SMS providers do) use Template and Params; others use Body.
type Sent struct {
	ID        int64
	Channel   string
	Recipient string // in full: the sender must deliver to it, never log it
	Template  string
	Params    map[string]string
	Lang      string
	Body      string
}

// Sender delivers one message. An error means "not delivered, try again
// later"; its text is stored in the outbox and logged, so it must not
// quote the recipient or the body.
type Sender interface {
	Send(ctx context.Context, m Sent) error
}

// LogSender is the demo sender: it delivers nothing and writes a log line
// instead, with the recipient masked and without the body, which carries
// one-time codes. People in the demo read their codes from the outbox page.
type LogSender struct {
	Log *slog.Logger
}

// Send logs m.
func (s LogSender) Send(ctx context.Context, m Sent) error {
	l := s.Log
	if l == nil {
		l = slog.Default()
	}
	l.InfoContext(ctx, "outbox message sent (demo: logged, not delivered)",
		"id", m.ID, "channel", m.Channel, "template", m.Template, "to", mask(m.Recipient))
	return nil
}

// Tuning of the worker.
const (
	// sendTimeout bounds one Send; with the batch size it bounds the lease.
	sendTimeout = 15 * time.Second
	// maxBackoff caps the wait before a retry.
	maxBackoff = time.Hour
	// lockKey is the PostgreSQL advisory lock that serialises claims
	// (migrations use 7340216).
	lockKey = 7340301
)

// Worker sends due messages. Several may run, in one process or many.
type Worker struct {
	DB     *db.DB
	Sender Sender
	Log    *slog.Logger
	// Now is the clock (nil: time.Now); tests move it to test retries.
	Now func() time.Time
	// Batch is how many messages one round claims (default 50, at most 1000).
	Batch int
	// MaxAttempts is how many sends are tried before a message is marked
	// failed (default 5).
	MaxAttempts int
}

// claimed is a leased message and the attempt this is.
type claimed struct {
	Sent
	attempts int
}

// RunOnce claims the due messages, oldest first, and sends them. It
// returns how many were sent and how many sends failed (to be retried, or
// given up after MaxAttempts). When ctx ends mid-round the messages not
// yet sent are released for the next round.
func (w *Worker) RunOnce(ctx context.Context) (sent, failed int, err error) {
	batch, err := w.claim(ctx)
	if err != nil {
		return 0, 0, err
	}
	for i, c := range batch {
		if ctx.Err() != nil {
			return sent, failed, errors.Join(ctx.Err(), w.release(ctx, batch[i:]))
		}
		sctx, cancel := context.WithTimeout(ctx, sendTimeout)
		serr := w.Sender.Send(sctx, c.Sent)
		cancel()
		if serr != nil && ctx.Err() != nil {
			// Interrupted, not refused: the next round tries it again.
			return sent, failed, errors.Join(ctx.Err(), w.release(ctx, batch[i:]))
		}
		if err := w.finish(ctx, c, serr); err != nil {
			return sent, failed, errors.Join(err, w.release(ctx, batch[i+1:]))
		}
		if serr == nil {
			sent++
		} else {
			failed++
		}
	}
	return sent, failed, nil
}

// Run sends due messages every period until ctx ends, at once again when
// a round was full.
func (w *Worker) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		sent, failed, err := w.RunOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			w.log().ErrorContext(ctx, "outbox round failed", "err", err)
		}
		if err == nil && sent+failed >= w.batch() {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// claim leases up to a batch of due messages in one transaction: it counts
// the attempt and moves send_after past the time the batch may take, so
// other workers skip them.
func (w *Worker) claim(ctx context.Context) ([]claimed, error) {
	now := dbTime(w.now())
	lease := time.Duration(w.batch())*sendTimeout + time.Minute
	var out []claimed
	err := w.DB.WithTx(ctx, func(tx *db.Tx) error {
		out = nil
		if tx.Engine() == db.Postgres {
			var mine bool
			if err := tx.QueryRow(ctx, fmt.Sprintf("SELECT pg_try_advisory_xact_lock(%d)", lockKey)).Scan(&mine); err != nil {
				return err
			}
			if !mine {
				return nil // another worker is claiming; its messages are its own
			}
		}
		var err error
		if out, err = due(ctx, tx, now, w.batch()); err != nil || len(out) == 0 {
			return err
		}
		ids := make([]any, 0, len(out)+1)
		ids = append(ids, now.Add(lease))
		for _, c := range out {
			ids = append(ids, c.ID)
		}
		_, err = tx.Exec(ctx, "UPDATE outbox SET attempts = attempts + 1, send_after = ? WHERE id IN ("+
			placeholders(len(out))+")", ids...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim outbox messages: %w", err)
	}
	return out, nil
}

// due reads the pending messages whose time has come, oldest first.
func due(ctx context.Context, tx *db.Tx, now time.Time, n int) ([]claimed, error) {
	rows, err := tx.Query(ctx, `SELECT id, channel, recipient, template, params, lang, body, attempts
		FROM outbox WHERE status = 'pending' AND send_after <= ? ORDER BY id LIMIT ?`, now, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []claimed
	for rows.Next() {
		var c claimed
		var params string
		if err := rows.Scan(&c.ID, &c.Channel, &c.Recipient, &c.Template, &params, &c.Lang, &c.Body, &c.attempts); err != nil {
			return nil, err
		}
		if c.Params, err = decodeParams(params); err != nil {
			return nil, fmt.Errorf("message %d: %w", c.ID, err)
		}
		c.attempts++
		out = append(out, c)
	}
	return out, rows.Err()
}

// finish records the outcome of one send, even when ctx has just ended: a
// send that happened must be recorded, or it would be repeated.
func (w *Worker) finish(ctx context.Context, c claimed, serr error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	now := dbTime(w.now())
	var err error
	switch {
	case serr == nil:
		_, err = w.DB.Exec(ctx, "UPDATE outbox SET status = 'sent', sent_at = ? WHERE id = ?", now, c.ID)
	case c.attempts >= w.maxAttempts():
		w.log().ErrorContext(ctx, "outbox message given up", "id", c.ID, "channel", c.Channel,
			"template", c.Template, "attempts", c.attempts, "err", serr)
		_, err = w.DB.Exec(ctx, "UPDATE outbox SET status = 'failed', last_error = ? WHERE id = ?",
			errText(serr), c.ID)
	default:
		next := now.Add(backoff(c.attempts))
		w.log().WarnContext(ctx, "outbox message not sent, will retry", "id", c.ID, "channel", c.Channel,
			"template", c.Template, "attempts", c.attempts, "retry_at", next, "err", serr)
		_, err = w.DB.Exec(ctx, "UPDATE outbox SET last_error = ?, send_after = ? WHERE id = ?",
			errText(serr), next, c.ID)
	}
	if err != nil {
		return fmt.Errorf("record outcome of outbox message %d: %w", c.ID, err)
	}
	return nil
}

// release hands claimed but unsent messages back, due now and with the
// attempt uncounted, when a round is interrupted.
func (w *Worker) release(ctx context.Context, cs []claimed) error {
	if len(cs) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	args := make([]any, 0, len(cs)+1)
	args = append(args, dbTime(w.now()))
	for _, c := range cs {
		args = append(args, c.ID)
	}
	_, err := w.DB.Exec(ctx, "UPDATE outbox SET attempts = attempts - 1, send_after = ? WHERE status = 'pending' AND id IN ("+
		placeholders(len(cs))+")", args...)
	if err != nil {
		return fmt.Errorf("release %d outbox messages: %w", len(cs), err)
	}
	return nil
}

// backoff is the wait after the given attempt failed: 2^attempts seconds,
// capped.
func backoff(attempts int) time.Duration {
	if attempts >= 12 { // 2^12 s is past the cap
		return maxBackoff
	}
	return min(time.Second<<attempts, maxBackoff)
}

func errText(err error) string {
	s := err.Error()
	if len(s) > 500 {
		s = strings.ToValidUTF8(s[:500], "")
	}
	return s
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func (w *Worker) now() time.Time {
	if w.Now == nil {
		return time.Now()
	}
	return w.Now()
}

func (w *Worker) batch() int {
	if w.Batch <= 0 {
		return 50
	}
	return min(w.Batch, 1000) // one placeholder per claimed id
}

func (w *Worker) maxAttempts() int {
	if w.MaxAttempts <= 0 {
		return 5
	}
	return w.MaxAttempts
}

func (w *Worker) log() *slog.Logger {
	if w.Log == nil {
		return slog.Default()
	}
	return w.Log
}
