package identity

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"time"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/i18n"
	"github.com/govhall/govhall/internal/ids"
	"github.com/govhall/govhall/internal/notify"
)

// Second factor: officials (everyone who is not a person or an enterprise)
// confirm a password login with a one-time code sent to their phone
// (level-3 protection asks for two factors for privileged users).
const (
	CodeTTL        = 5 * time.Minute
	MaxCodeTries   = 5
	LoginCodeSMS   = "identity.sms.login_code"
	codeDigits     = 6
	challengeNoise = "govhall-login-code:"
)

// needsSecondFactor reports whether an account kind signs in with a code.
func needsSecondFactor(kind string) bool {
	return !slices.Contains([]string{Person, Enterprise}, kind)
}

// ChallengeError is Login's answer when the password was right and a code
// has been sent: the page asks for the code and sends back Token with it.
type ChallengeError struct {
	Token       string
	MaskedPhone string
}

func (e *ChallengeError) Error() string {
	return "second factor required: code sent to " + e.MaskedPhone
}

// startChallenge sends a login code by SMS (through the outbox, in the
// same transaction as the challenge) and returns the challenge.
func (s *Service) startChallenge(ctx context.Context, a Account, addr string, now time.Time) error {
	token := randomToken()
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return err
	}
	code := fmt.Sprintf("%0*d", codeDigits, n.Int64())
	lang := i18n.ZH
	body := i18n.T(lang, LoginCodeSMS, map[string]any{"code": code, "minutes": int(CodeTTL.Minutes())})
	err = s.DB.WithTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO login_challenges (token_hash, account_id, code_hash, addr, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)`, tokenHash(token), a.ID, tokenHash(challengeNoise+token+code), addr, now, now.Add(CodeTTL)); err != nil {
			return err
		}
		_, err := notify.Enqueue(ctx, tx, notify.Message{Channel: notify.SMS, Recipient: a.Phone, Template: LoginCodeSMS,
			Params: map[string]string{"code": code}, Body: body, Lang: lang, At: now})
		return err
	})
	if err != nil {
		return fmt.Errorf("send login code: %w", err)
	}
	return &ChallengeError{Token: token, MaskedPhone: ids.MaskPhone(a.Phone)}
}

var errCode = &errs.Error{Code: errs.Unauthenticated, Field: "code", Key: "identity.error.code"}

// VerifyCode completes a login with the code from the SMS and starts the
// session. A challenge allows MaxCodeTries attempts within CodeTTL.
func (s *Service) VerifyCode(ctx context.Context, token, code, addr string) (Session, Account, error) {
	now := s.now()
	h := tokenHash(token)
	var accountID int64
	var codeHash string
	var attempts int
	var expires time.Time
	var used sql.NullTime
	err := s.DB.QueryRow(ctx, `SELECT account_id, code_hash, attempts, expires_at, used_at FROM login_challenges WHERE token_hash = ?`, h).
		Scan(&accountID, &codeHash, &attempts, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (used.Valid || now.After(expires) || attempts >= MaxCodeTries)) {
		return Session{}, Account{}, &errs.Error{Code: errs.Unauthenticated, Field: "code", Key: "identity.error.code_expired"}
	} else if err != nil {
		return Session{}, Account{}, err
	}
	if tokenHash(challengeNoise+token+code) != codeHash {
		if _, err := s.DB.Exec(ctx, "UPDATE login_challenges SET attempts = attempts + 1 WHERE token_hash = ?", h); err != nil {
			return Session{}, Account{}, err
		}
		return Session{}, Account{}, errCode
	}
	res, err := s.DB.Exec(ctx, "UPDATE login_challenges SET used_at = ? WHERE token_hash = ? AND used_at IS NULL", now, h)
	if err != nil {
		return Session{}, Account{}, err
	}
	if n, _ := res.RowsAffected(); n != 1 { // used by a concurrent request
		return Session{}, Account{}, &errs.Error{Code: errs.Unauthenticated, Field: "code", Key: "identity.error.code_expired"}
	}
	a, err := s.Account(ctx, accountID)
	if err != nil {
		return Session{}, Account{}, err
	}
	return s.startSession(ctx, a, addr, now, "sms")
}

// startSession resets the failure count and opens a session, with its
// audit entry, in one transaction.
func (s *Service) startSession(ctx context.Context, a Account, addr string, now time.Time, factor string) (Session, Account, error) {
	sess := Session{Token: randomToken(), CSRF: randomToken(), AccountID: a.ID, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(AbsoluteTimeout)}
	ev := audit.Event{Action: "identity.login", ObjectType: "account", ObjectID: fmt.Sprint(a.ID),
		Detail: map[string]string{"factors": factor}}
	err := s.Audit.Change(ctx, s.DB, ev, func(tx *db.Tx, _ *audit.Event) error {
		if _, err := tx.Exec(ctx, "UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE id = ?", a.ID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, last_seen_at, expires_at, addr)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, tokenHash(sess.Token), a.ID, sess.CSRF, now, now, sess.ExpiresAt, addr)
		return err
	})
	if err != nil {
		return Session{}, Account{}, fmt.Errorf("login: %w", err)
	}
	return sess, a, nil
}
