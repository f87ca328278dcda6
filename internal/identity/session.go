package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/ids"
)

// Session and throttling rules (level-3 protection: limit attempts, end
// idle sessions).
const (
	IdleTimeout     = 30 * time.Minute
	AbsoluteTimeout = 12 * time.Hour
	// An account locks for LockFor after MaxFailures wrong passwords in a row.
	MaxFailures = 5
	LockFor     = 15 * time.Minute
	// One source address may fail MaxAddrFailures times per AddrWindow.
	MaxAddrFailures = 20
	AddrWindow      = 15 * time.Minute
	// touchEvery limits how often a busy session writes its last-seen time.
	touchEvery = time.Minute
)

// beijing is China Standard Time, UTC+8 all year, in which times are shown.
var beijing = time.FixedZone("CST", 8*3600)

// Session is a signed-in browser. Token is only known when the session is
// created: the store keeps its SHA-256.
type Session struct {
	Token      string
	CSRF       string
	AccountID  int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

func lockedError(until time.Time) error {
	return &errs.Error{Code: errs.Throttled, Key: "identity.error.locked",
		Args: map[string]any{"until": until.In(beijing).Format("15:04")}}
}

var errCredentials = &errs.Error{Code: errs.Unauthenticated, Field: "password", Key: "identity.error.credentials"}

// Login checks a password and starts a session. Wrong passwords count
// against the account (it locks after MaxFailures) and against the source
// address; the answer never tells whether the login exists. For officials
// the right password sends a one-time code by SMS instead and returns a
// *ChallengeError; VerifyCode then completes the login.
func (s *Service) Login(ctx context.Context, login, password, addr string) (Session, Account, error) {
	now := s.now()
	login = NormalizeLogin(login)
	if until, err := s.addrBlockedUntil(ctx, addr, now); err != nil {
		return Session{}, Account{}, err
	} else if !until.IsZero() {
		return Session{}, Account{}, lockedError(until)
	}
	a, hash, err := s.accountByLogin(ctx, login)
	if errors.Is(err, db.ErrNotFound) {
		VerifyPassword(dummyHash, password) // same time as a wrong password
		return Session{}, Account{}, s.failLogin(ctx, Account{}, login, addr, now)
	} else if err != nil {
		return Session{}, Account{}, err
	}
	if a.LockedUntil.After(now) {
		return Session{}, Account{}, lockedError(a.LockedUntil)
	}
	if !VerifyPassword(hash, password) {
		return Session{}, Account{}, s.failLogin(ctx, a, login, addr, now)
	}
	if a.Status != "active" {
		return Session{}, Account{}, &errs.Error{Code: errs.Denied, Key: "identity.error.disabled"}
	}
	if needsSecondFactor(a.Kind) {
		return Session{}, a, s.startChallenge(ctx, a, addr, now)
	}
	return s.startSession(ctx, a, addr, now, "password")
}

// failLogin counts a failure, locks the account at the limit, and records
// the attempt in the audit trail (with the login masked).
func (s *Service) failLogin(ctx context.Context, a Account, login, addr string, now time.Time) error {
	result := error(errCredentials)
	ev := audit.Event{Action: "identity.login", ObjectType: "account", ObjectID: fmt.Sprint(a.ID), Outcome: audit.Denied,
		Detail: map[string]string{"login": ids.MaskText(login), "reason": "credentials"}}
	err := s.DB.WithTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO login_failures (login, addr, at) VALUES (?, ?, ?)", login, addr, now); err != nil {
			return err
		}
		if a.ID != 0 {
			var n int
			if err := tx.QueryRow(ctx, "UPDATE accounts SET failed_logins = failed_logins + 1 WHERE id = ? RETURNING failed_logins",
				a.ID).Scan(&n); err != nil {
				return err
			}
			if n >= MaxFailures {
				until := now.Add(LockFor)
				if _, err := tx.Exec(ctx, "UPDATE accounts SET failed_logins = 0, locked_until = ? WHERE id = ?", until, a.ID); err != nil {
					return err
				}
				ev.Detail = map[string]string{"login": ids.MaskText(login), "reason": "locked"}
				result = lockedError(until)
			}
		}
		_, err := s.Audit.Record(ctx, tx, ev)
		return err
	})
	if err != nil {
		return fmt.Errorf("record failed login: %w", err)
	}
	return result
}

// addrBlockedUntil reports until when a source address is blocked for too
// many failures, zero when it is not.
func (s *Service) addrBlockedUntil(ctx context.Context, addr string, now time.Time) (time.Time, error) {
	var n int
	since := now.Add(-AddrWindow)
	if err := s.DB.QueryRow(ctx, "SELECT count(*) FROM login_failures WHERE addr = ? AND at > ?", addr, since).Scan(&n); err != nil {
		return time.Time{}, fmt.Errorf("count login failures: %w", err)
	}
	if n < MaxAddrFailures {
		return time.Time{}, nil
	}
	var oldest time.Time
	if err := s.DB.QueryRow(ctx, "SELECT at FROM login_failures WHERE addr = ? AND at > ? ORDER BY at LIMIT 1", addr, since).
		Scan(&oldest); err != nil {
		return time.Time{}, fmt.Errorf("oldest login failure: %w", err)
	}
	return oldest.UTC().Add(AddrWindow), nil
}

// Authenticate returns the account of a session token, ending the session
// when it has been idle too long or reached its absolute limit.
func (s *Service) Authenticate(ctx context.Context, token string) (Session, Account, error) {
	now := s.now()
	h := tokenHash(token)
	var sess Session
	err := s.DB.QueryRow(ctx, `SELECT account_id, csrf_token, created_at, last_seen_at, expires_at FROM sessions WHERE token_hash = ?`, h).
		Scan(&sess.AccountID, &sess.CSRF, &sess.CreatedAt, &sess.LastSeenAt, &sess.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, Account{}, &errs.Error{Code: errs.Unauthenticated, Key: "error.unauthenticated", Err: db.ErrNotFound}
	} else if err != nil {
		return Session{}, Account{}, err
	}
	if now.After(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) > IdleTimeout {
		if _, err := s.DB.Exec(ctx, "DELETE FROM sessions WHERE token_hash = ?", h); err != nil {
			return Session{}, Account{}, err
		}
		return Session{}, Account{}, &errs.Error{Code: errs.Unauthenticated, Key: "identity.error.session_expired"}
	}
	a, err := s.Account(ctx, sess.AccountID)
	if err != nil {
		return Session{}, Account{}, err
	}
	if a.Status != "active" {
		return Session{}, Account{}, &errs.Error{Code: errs.Unauthenticated, Key: "identity.error.disabled"}
	}
	if now.Sub(sess.LastSeenAt) > touchEvery {
		if _, err := s.DB.Exec(ctx, "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?", now, h); err != nil {
			return Session{}, Account{}, err
		}
		sess.LastSeenAt = now
	}
	sess.Token = token
	return sess, a, nil
}

// Logout ends one session.
func (s *Service) Logout(ctx context.Context, token string) error {
	_, err := s.DB.Exec(ctx, "DELETE FROM sessions WHERE token_hash = ?", tokenHash(token))
	return err
}

// LogoutEverywhere ends every session of an account (a lost phone, a
// changed password).
func (s *Service) LogoutEverywhere(ctx context.Context, accountID int64) (int64, error) {
	var n int64
	ev := audit.Event{Action: "identity.logout_everywhere", ObjectType: "account", ObjectID: fmt.Sprint(accountID)}
	err := s.Audit.Change(ctx, s.DB, ev, func(tx *db.Tx, _ *audit.Event) error {
		res, err := tx.Exec(ctx, "DELETE FROM sessions WHERE account_id = ?", accountID)
		if err == nil {
			n, _ = res.RowsAffected()
		}
		return err
	})
	return n, err
}
