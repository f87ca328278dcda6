package notify_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/notify"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

const phone = "13812345678"

var t0 = time.Date(2025, 3, 4, 9, 30, 0, 0, time.UTC)

// clock is a movable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// recorder is a Sender that remembers what it sent, or fails with err.
type recorder struct {
	mu   sync.Mutex
	sent []notify.Sent
	err  error
}

func (r *recorder) Send(_ context.Context, m notify.Sent) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	r.sent = append(r.sent, m)
	return nil
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sent)
}

func codeMessage(code string) notify.Message {
	return notify.Message{
		Channel: notify.SMS, Recipient: phone, Template: "identity.sms.login_code",
		Params: map[string]string{"code": code}, Body: "【政务服务】您的登录验证码为 " + code + "，5分钟内有效。",
		Lang: "zh-CN", At: t0,
	}
}

func enqueue(t *testing.T, d *db.DB, m notify.Message) int64 {
	t.Helper()
	var id int64
	ctx := actor.With(context.Background(), actor.Actor{Kind: "person", ID: "42", RequestID: "req-1"})
	err := d.WithTx(ctx, func(tx *db.Tx) (err error) {
		id, err = notify.Enqueue(ctx, tx, m)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func list(t *testing.T, d *db.DB, f notify.Filter) []notify.Stored {
	t.Helper()
	ms, err := notify.List(context.Background(), d, f)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func TestRolledBackEventLeavesNoMessage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		failure := errors.New("the login was refused after all")
		err := d.WithTx(ctx, func(tx *db.Tx) error {
			if _, err := notify.Enqueue(ctx, tx, codeMessage("135790")); err != nil {
				return err
			}
			return failure
		})
		if !errors.Is(err, failure) {
			t.Fatalf("WithTx = %v, want the event's error", err)
		}
		if ms := list(t, d, notify.Filter{}); len(ms) != 0 {
			t.Fatalf("outbox after rollback holds %d messages, want none", len(ms))
		}
		rec := &recorder{}
		w := &notify.Worker{DB: d, Sender: rec, Now: func() time.Time { return t0.Add(time.Hour) }}
		if sent, failed, err := w.RunOnce(ctx); sent+failed != 0 || err != nil || len(rec.sent) != 0 {
			t.Fatalf("RunOnce = %d, %d, %v; sender got %d; want nothing to send", sent, failed, err, len(rec.sent))
		}
	})
}

func TestCommittedMessageIsSentOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		id := enqueue(t, d, codeMessage("246810"))
		clk := &clock{t: t0.Add(time.Second)}
		rec := &recorder{}
		w := &notify.Worker{DB: d, Sender: rec, Now: clk.Now}
		for round := 1; round <= 2; round++ {
			sent, failed, err := w.RunOnce(ctx)
			want := map[int]int{1: 1, 2: 0}[round]
			if err != nil || sent != want || failed != 0 {
				t.Fatalf("round %d: RunOnce = %d, %d, %v; want %d sent", round, sent, failed, err, want)
			}
		}
		if len(rec.sent) != 1 {
			t.Fatalf("sender got %d messages, want 1", len(rec.sent))
		}
		got := rec.sent[0]
		if got.ID != id || got.Recipient != phone || !strings.Contains(got.Body, "246810") || got.Params["code"] != "246810" {
			t.Fatalf("sender got %+v", got)
		}
		ms := list(t, d, notify.Filter{Status: notify.StatusSent})
		if len(ms) != 1 {
			t.Fatalf("%d sent messages listed, want 1", len(ms))
		}
		m := ms[0]
		if m.Recipient != "138****5678" || m.Body != "" || m.Params != nil {
			t.Errorf("listed without ShowBody: recipient %q, body %q, params %v; want masked, no body", m.Recipient, m.Body, m.Params)
		}
		if !m.SentAt.Equal(clk.Now()) || !m.CreatedAt.Equal(t0) || m.Attempts != 1 {
			t.Errorf("sent at %v (want %v), created %v (want %v), attempts %d (want 1)", m.SentAt, clk.Now(), m.CreatedAt, t0, m.Attempts)
		}
		if m.Actor != "person:42" || m.RequestID != "req-1" {
			t.Errorf("caused by %q / %q, want person:42 / req-1", m.Actor, m.RequestID)
		}
		if ms := list(t, d, notify.Filter{ShowBody: true}); ms[0].Body != got.Body || ms[0].Recipient != "138****5678" {
			t.Errorf("with ShowBody: body %q, recipient %q", ms[0].Body, ms[0].Recipient)
		}
	})
}

func TestLatestReadsTheNewestCode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := notify.Latest(ctx, d, phone, "identity.sms.login_code"); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("Latest on an empty outbox = %v, want ErrNotFound", err)
		} else if strings.Contains(err.Error(), phone) {
			t.Fatalf("error quotes the full phone number: %v", err)
		}
		enqueue(t, d, codeMessage("111111"))
		enqueue(t, d, codeMessage("222222"))
		m, err := notify.Latest(ctx, d, phone, "identity.sms.login_code")
		if err != nil {
			t.Fatal(err)
		}
		if m.Params["code"] != "222222" || !strings.Contains(m.Body, "222222") {
			t.Fatalf("Latest = %+v, want the second code", m)
		}
	})
}

func TestFailingSenderRetriesWithBackoffThenGivesUp(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		enqueue(t, d, codeMessage("987654"))
		clk := &clock{t: t0}
		rec := &recorder{err: errors.New("gateway: quota exceeded")}
		w := &notify.Worker{DB: d, Sender: rec, Now: clk.Now, MaxAttempts: 3, Log: slog.New(slog.DiscardHandler)}
		round := func(wantFailed int, when string) {
			t.Helper()
			sent, failed, err := w.RunOnce(ctx)
			if err != nil || sent != 0 || failed != wantFailed {
				t.Fatalf("%s: RunOnce = %d, %d, %v; want %d failed", when, sent, failed, err, wantFailed)
			}
		}
		round(1, "first attempt")
		m := list(t, d, notify.Filter{})[0]
		if m.Status != notify.StatusPending || m.Attempts != 1 || m.LastError != "gateway: quota exceeded" || !m.SendAfter.Equal(t0.Add(2*time.Second)) {
			t.Fatalf("after one failure: %+v; want pending, 1 attempt, the error, retry at +2s", m)
		}
		clk.Add(time.Second)
		round(0, "1 s later, before the 2 s backoff")
		clk.Add(time.Second)
		round(1, "second attempt at +2 s")
		clk.Add(3 * time.Second)
		round(0, "3 s later, before the 4 s backoff")
		clk.Add(time.Second)
		round(1, "third attempt at +6 s")
		m = list(t, d, notify.Filter{})[0]
		if m.Status != notify.StatusFailed || m.Attempts != 3 {
			t.Fatalf("after MaxAttempts: status %s, %d attempts; want failed, 3", m.Status, m.Attempts)
		}
		clk.Add(24 * time.Hour)
		round(0, "a day later")
		if n := len(list(t, d, notify.Filter{Status: notify.StatusFailed})); n != 1 {
			t.Fatalf("%d failed messages listed, want 1", n)
		}
	})
}

// TestConcurrentWorkersSendEachMessageOnce runs workers on two handles to
// one store, as two govhall processes would, and counts each message's sends.
func TestConcurrentWorkersSendEachMessageOnce(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		sendConcurrently(t, db.Config{Path: t.TempDir() + "/govhall.db"})
	})
	t.Run("postgres", func(t *testing.T) {
		sendConcurrently(t, db.Config{URL: dbtest.PostgresURL(t)})
	})
}

func sendConcurrently(t *testing.T, c db.Config) {
	const n = 120
	ctx := context.Background()
	d, other := dbtest.Open(t, c), dbtest.Open(t, c)
	for i := range n {
		enqueue(t, d, codeMessage(fmt.Sprintf("%06d", i)))
	}
	rec := &recorder{}
	var wg sync.WaitGroup
	for i := range 6 {
		w := &notify.Worker{DB: []*db.DB{d, other}[i%2], Sender: rec, Batch: 7,
			Now: func() time.Time { return t0.Add(time.Minute) }}
		wg.Go(func() {
			for deadline := time.Now().Add(20 * time.Second); rec.count() < n && time.Now().Before(deadline); {
				sent, failed, err := w.RunOnce(ctx)
				if err != nil || failed != 0 {
					t.Errorf("RunOnce = %d, %d, %v", sent, failed, err)
					return
				}
				if sent == 0 {
					time.Sleep(time.Millisecond)
				}
			}
		})
	}
	wg.Wait()
	count := map[int64]int{}
	for _, m := range rec.sent {
		count[m.ID]++
	}
	for id, c := range count {
		if c != 1 {
			t.Errorf("message %d sent %d times", id, c)
		}
	}
	if len(count) != n || len(rec.sent) != n {
		t.Fatalf("%d sends of %d distinct messages, want %d of %d", len(rec.sent), len(count), n, n)
	}
}

func TestLogSenderMasksThePhoneAndHidesTheBody(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		var buf bytes.Buffer
		log := slog.New(slog.NewTextHandler(&buf, nil))
		enqueue(t, d, codeMessage("424242"))
		w := &notify.Worker{DB: d, Sender: notify.LogSender{Log: log}, Log: log, Now: func() time.Time { return t0 }}
		if sent, _, err := w.RunOnce(context.Background()); err != nil || sent != 1 {
			t.Fatalf("RunOnce = %d sent, %v", sent, err)
		}
		out := buf.String()
		if !strings.Contains(out, "138****5678") || !strings.Contains(out, "identity.sms.login_code") {
			t.Errorf("log line lacks the masked phone or the template:\n%s", out)
		}
		if strings.Contains(out, phone) || strings.Contains(out, "424242") {
			t.Errorf("log shows the full phone or the code:\n%s", out)
		}
	})
}

func TestInvalidMessagesAreRefused(t *testing.T) {
	ok := codeMessage("123456")
	with := func(f func(*notify.Message)) notify.Message { m := ok; f(&m); return m }
	cases := []struct {
		name, field string
		m           notify.Message
		cause       error
	}{
		{"unknown channel", "channel", with(func(m *notify.Message) { m.Channel = "fax" }), notify.ErrChannel},
		{"no recipient", "recipient", with(func(m *notify.Message) { m.Recipient = "" }), nil},
		{"10 digits", "recipient", with(func(m *notify.Message) { m.Recipient = "1381234567" }), notify.ErrRecipient},
		{"12 digits", "recipient", with(func(m *notify.Message) { m.Recipient = "138123456789" }), notify.ErrRecipient},
		{"landline-like", "recipient", with(func(m *notify.Message) { m.Recipient = "12812345678" }), notify.ErrRecipient},
		{"country code", "recipient", with(func(m *notify.Message) { m.Recipient = "+8613812345678" }), notify.ErrRecipient},
		{"letters", "recipient", with(func(m *notify.Message) { m.Recipient = "1381234567x" }), notify.ErrRecipient},
		{"e-mail to a phone", "recipient", with(func(m *notify.Message) { m.Channel = notify.Email }), notify.ErrRecipient},
		{"display name", "recipient", with(func(m *notify.Message) { m.Channel, m.Recipient = notify.Email, "Li <li@example.cn>" }), notify.ErrRecipient},
		{"no template", "template", with(func(m *notify.Message) { m.Template = "" }), nil},
		{"no body", "body", with(func(m *notify.Message) { m.Body = "" }), nil},
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		for _, c := range cases {
			err := d.WithTx(ctx, func(tx *db.Tx) error { _, err := notify.Enqueue(ctx, tx, c.m); return err })
			e, isDomain := errs.As(err)
			if !isDomain || e.Code != errs.Invalid || e.Field != c.field {
				t.Errorf("%s: Enqueue = %v; want invalid %s", c.name, err, c.field)
			}
			if c.cause != nil && !errors.Is(err, c.cause) {
				t.Errorf("%s: %v does not say why (%v)", c.name, err, c.cause)
			}
			if err != nil && c.m.Recipient != "" && strings.Contains(err.Error(), c.m.Recipient) {
				t.Errorf("%s: error quotes the recipient: %v", c.name, err)
			}
		}
		email := with(func(m *notify.Message) { m.Channel, m.Recipient = notify.Email, "zhang.san@example.gov.cn" })
		enqueue(t, d, email)
		if ms := list(t, d, notify.Filter{}); len(ms) != 1 || ms[0].Recipient != "z***@example.gov.cn" {
			t.Fatalf("outbox holds %+v; want only the valid e-mail, masked", ms)
		}
		if _, err := notify.List(ctx, d, notify.Filter{Status: "lost"}); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("List with an unknown status = %v, want invalid", err)
		}
	})
}

func FuzzPhone(f *testing.F) {
	for _, s := range []string{phone, "19912345678", "12812345678", "1381234567", "+8613812345678", "１３８１２３４５６７８"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !notify.ValidPhone(s) {
			return
		}
		if len(s) != 11 || s[0] != '1' || s[1] < '3' || strings.Trim(s, "0123456789") != "" {
			t.Fatalf("%q accepted as a mobile number", s)
		}
		if m := notify.Mask(s); m != s[:3]+"****"+s[7:] {
			t.Fatalf("Mask(%q) = %q", s, m)
		}
	})
}

// cancelAfterFirst delivers one message, then stops the worker's context
// as a shutdown would.
type cancelAfterFirst struct {
	recorder
	cancel context.CancelFunc
}

func (s *cancelAfterFirst) Send(ctx context.Context, m notify.Sent) error {
	if s.count() == 0 {
		defer s.cancel()
		return s.recorder.Send(ctx, m)
	}
	return ctx.Err()
}

func TestInterruptedRoundReleasesTheRest(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		for i := range 3 {
			enqueue(t, d, codeMessage(fmt.Sprint(i)))
		}
		ctx, cancel := context.WithCancel(context.Background())
		s := &cancelAfterFirst{cancel: cancel}
		w := &notify.Worker{DB: d, Sender: s, Now: func() time.Time { return t0 }}
		if sent, failed, err := w.RunOnce(ctx); sent != 1 || failed != 0 || !errors.Is(err, context.Canceled) {
			t.Fatalf("RunOnce = %d, %d, %v; want 1 sent, then canceled", sent, failed, err)
		}
		for _, m := range list(t, d, notify.Filter{Status: notify.StatusPending}) {
			if m.Attempts != 0 || m.SendAfter.After(t0) {
				t.Errorf("message %d left with %d attempts, due %v; want released: 0 attempts, due now", m.ID, m.Attempts, m.SendAfter)
			}
		}
		rec := &recorder{}
		w.Sender = rec
		if sent, _, err := w.RunOnce(context.Background()); sent != 2 || err != nil {
			t.Fatalf("next round sent %d, %v; want the 2 released messages", sent, err)
		}
	})
}
