package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
)

// DepartmentSystem is the kind of a caller that presents an API token: a
// department's own information system, not a person.
const DepartmentSystem = "department_system"

// Scopes a token may carry. Each API route that department systems may
// call names the scope it needs.
var Scopes = []string{"org.read", "hub.push", "hub.verify", "cases.read"}

// TokenPrefix starts every token, so a leaked one is recognisable (secret
// scanners, logs).
const TokenPrefix = "ghtk_"

// APIToken is a department system's credential. The secret itself is shown
// once, when issued; the store keeps its SHA-256.
type APIToken struct {
	ID           int64
	Name         string
	DepartmentID int64
	Scopes       []string
	Prefix       string // the first characters, to tell tokens apart
	CreatedBy    string
	CreatedAt    time.Time
	ExpiresAt    time.Time
	RevokedAt    time.Time // zero while valid
	LastUsedAt   time.Time
}

// HasScope reports whether the token carries scope.
func (t APIToken) HasScope(scope string) bool { return slices.Contains(t.Scopes, scope) }

// IssueToken creates a token for a department system and returns the
// secret (shown once) with the token's record.
func (s *Service) IssueToken(ctx context.Context, name string, departmentID int64, scopes []string, ttl time.Duration) (string, APIToken, error) {
	now := s.now()
	name = strings.TrimSpace(name)
	var errScopes, errTTL error
	for _, sc := range scopes {
		if !slices.Contains(Scopes, sc) {
			errScopes = errs.Field("scopes", "identity.error.scope", map[string]any{"scope": sc})
		}
	}
	if len(scopes) == 0 {
		errScopes = errs.Field("scopes", "error.required", nil)
	}
	if ttl <= 0 || ttl > 2*366*24*time.Hour {
		errTTL = errs.Field("ttl", "identity.error.token_ttl", nil)
	}
	if err := errs.Join(checkName("name", name), errScopes, errTTL); err != nil {
		return "", APIToken{}, err
	}
	secret := TokenPrefix + randomToken()
	t := APIToken{Name: name, DepartmentID: departmentID, Scopes: scopes, Prefix: secret[:len(TokenPrefix)+6],
		CreatedBy: actor.From(ctx).String(), CreatedAt: now, ExpiresAt: now.Add(ttl)}
	ev := audit.Event{Action: "identity.token.issue", ObjectType: "api_token",
		Detail: map[string]any{"department": departmentID, "scopes": scopes, "prefix": t.Prefix}}
	err := s.Audit.Change(ctx, s.DB, ev, func(tx *db.Tx, ev *audit.Event) error {
		err := tx.QueryRow(ctx, `INSERT INTO api_tokens (name, department_id, scopes, prefix, token_hash, created_by, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, t.Name, departmentID, strings.Join(scopes, " "), t.Prefix,
			tokenHash(secret), t.CreatedBy, now, t.ExpiresAt).Scan(&t.ID)
		if db.IsForeignKeyViolation(err) {
			return errs.Field("department", "org.error.department_missing", nil)
		}
		ev.ObjectID = fmt.Sprint(t.ID)
		return err
	})
	if err != nil {
		return "", APIToken{}, fmt.Errorf("issue token: %w", err)
	}
	return secret, t, nil
}

const tokenCols = `id, name, department_id, scopes, prefix, created_by, created_at, expires_at, revoked_at, last_used_at`

func scanToken(sc interface{ Scan(...any) error }) (APIToken, error) {
	var t APIToken
	var scopes string
	var revoked, used sql.NullTime
	err := sc.Scan(&t.ID, &t.Name, &t.DepartmentID, &scopes, &t.Prefix, &t.CreatedBy, &t.CreatedAt, &t.ExpiresAt, &revoked, &used)
	t.Scopes = strings.Fields(scopes)
	t.RevokedAt, t.LastUsedAt = revoked.Time, used.Time
	return t, err
}

// AuthenticateToken returns the token a department system presented, if it
// is known, unrevoked and unexpired.
func (s *Service) AuthenticateToken(ctx context.Context, secret string) (APIToken, error) {
	now := s.now()
	invalid := &errs.Error{Code: errs.Unauthenticated, Key: "identity.error.token"}
	if !strings.HasPrefix(secret, TokenPrefix) {
		return APIToken{}, invalid
	}
	t, err := scanToken(s.DB.QueryRow(ctx, "SELECT "+tokenCols+" FROM api_tokens WHERE token_hash = ?", tokenHash(secret)))
	if errors.Is(err, sql.ErrNoRows) {
		return APIToken{}, invalid
	} else if err != nil {
		return APIToken{}, err
	}
	if !t.RevokedAt.IsZero() || now.After(t.ExpiresAt) {
		return APIToken{}, invalid
	}
	if now.Sub(t.LastUsedAt) > touchEvery {
		if _, err := s.DB.Exec(ctx, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", now, t.ID); err != nil {
			return APIToken{}, err
		}
	}
	return t, nil
}

// RevokeToken ends a token at once.
func (s *Service) RevokeToken(ctx context.Context, id int64) error {
	ev := audit.Event{Action: "identity.token.revoke", ObjectType: "api_token", ObjectID: fmt.Sprint(id)}
	return s.Audit.Change(ctx, s.DB, ev, func(tx *db.Tx, _ *audit.Event) error {
		res, err := tx.Exec(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", s.now(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &errs.Error{Code: errs.NotFound, Key: "error.not_found", Err: db.ErrNotFound}
		}
		return nil
	})
}

// Tokens lists every token, newest first (never the secrets).
func (s *Service) Tokens(ctx context.Context) ([]APIToken, error) {
	rows, err := s.DB.Query(ctx, "SELECT "+tokenCols+" FROM api_tokens ORDER BY id DESC")
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
