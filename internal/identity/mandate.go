package identity

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/i18n"
	"github.com/govhall/govhall/internal/ids"
	"github.com/govhall/govhall/internal/notify"
)

// Mandate scopes and consent methods.
const (
	ScopeApplication = "application" // one application, named by Subject
	ScopePeriod      = "period"      // any application within the period
	ConsentSMS       = "sms_code"    // a code sent to the resident's phone, read out to the agent
	ConsentSignature = "signature"   // a signature captured on the agent's phone
	MandateCodeSMS   = "identity.sms.mandate_code"
	// MaxMandatePeriod bounds a period mandate.
	MaxMandatePeriod = 366 * 24 * time.Hour
)

// Mandate is a resident's authorisation of a village agent (全程代理).
type Mandate struct {
	ID               int64
	AgentID          int64
	ResidentIDNumber string
	ResidentName     string
	ResidentPhone    string
	Scope, Subject   string
	ValidFrom        time.Time
	ValidUntil       time.Time
	Consent          string
	Status           string // pending, active, revoked
	CreatedAt        time.Time
}

// MandateRequest is what an agent fills in with the resident beside them
// (or on the phone).
type MandateRequest struct {
	ResidentIDNumber, ResidentName, ResidentPhone string
	Scope, Subject                                string
	ValidUntil                                    time.Time
	Consent                                       string
}

// RequestMandate records a pending mandate of the agent for a resident and,
// for SMS consent, sends the resident a code in the same transaction.
func (s *Service) RequestMandate(ctx context.Context, agent Account, f MandateRequest) (Mandate, error) {
	now := s.now()
	if agent.Kind != Agent {
		return Mandate{}, errs.New(errs.Denied, "error.denied")
	}
	idn, errID := s.checkIDNumber("resident_id_number", f.ResidentIDNumber)
	f.ResidentPhone = strings.TrimSpace(f.ResidentPhone)
	var errScope, errUntil, errConsent error
	switch {
	case f.Scope == ScopeApplication && strings.TrimSpace(f.Subject) == "":
		errScope = errs.Field("subject", "error.required", nil)
	case f.Scope != ScopeApplication && f.Scope != ScopePeriod:
		errScope = errs.Field("scope", "identity.error.mandate_scope", nil)
	}
	if !f.ValidUntil.After(now) || f.ValidUntil.Sub(now) > MaxMandatePeriod {
		errUntil = errs.Field("valid_until", "identity.error.mandate_period", nil)
	}
	if f.Consent != ConsentSMS && f.Consent != ConsentSignature {
		errConsent = errs.Field("consent", "identity.error.mandate_consent", nil)
	}
	if err := errs.Join(errID, checkName("resident_name", f.ResidentName), checkPhone("resident_phone", f.ResidentPhone),
		errScope, errUntil, errConsent); err != nil {
		return Mandate{}, err
	}
	m := Mandate{AgentID: agent.ID, ResidentIDNumber: idn, ResidentName: strings.TrimSpace(f.ResidentName),
		ResidentPhone: f.ResidentPhone, Scope: f.Scope, Subject: strings.TrimSpace(f.Subject), ValidFrom: now,
		ValidUntil: f.ValidUntil.UTC(), Consent: f.Consent, Status: "pending", CreatedAt: now}
	ev := audit.Event{Action: "identity.mandate.request", ObjectType: "mandate",
		Detail: map[string]string{"scope": m.Scope, "consent": m.Consent}}
	err := s.Audit.Change(ctx, s.DB, ev, func(tx *db.Tx, ev *audit.Event) error {
		code, codeHash := "", ""
		if m.Consent == ConsentSMS {
			n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
			if err != nil {
				return err
			}
			code = fmt.Sprintf("%06d", n.Int64())
			codeHash = tokenHash(challengeNoise + "mandate:" + idn + code)
		}
		err := tx.QueryRow(ctx, `INSERT INTO mandates (agent_id, resident_id_number, resident_name, resident_phone, scope, subject,
			valid_from, valid_until, consent, code_hash, code_expires_at, status, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?) RETURNING id`,
			m.AgentID, m.ResidentIDNumber, m.ResidentName, m.ResidentPhone, m.Scope, m.Subject, m.ValidFrom, m.ValidUntil,
			m.Consent, codeHash, now.Add(CodeTTL*2), now).Scan(&m.ID)
		if err != nil {
			return err
		}
		ev.ObjectID = fmt.Sprint(m.ID)
		if code == "" {
			return nil
		}
		body := i18n.T(i18n.ZH, MandateCodeSMS, map[string]any{"code": code, "agent": agent.Name, "minutes": int(CodeTTL.Minutes() * 2)})
		_, err = notify.Enqueue(ctx, tx, notify.Message{Channel: notify.SMS, Recipient: m.ResidentPhone, Template: MandateCodeSMS,
			Params: map[string]string{"code": code, "mandate": fmt.Sprint(m.ID)}, Body: body, Lang: i18n.ZH, At: now})
		return err
	})
	if err != nil {
		return Mandate{}, fmt.Errorf("request mandate: %w", err)
	}
	return m, nil
}

// ConfirmMandate activates a pending mandate of the agent with the
// resident's consent: the code from the resident's SMS, or the signature
// (PNG) captured on the agent's phone.
func (s *Service) ConfirmMandate(ctx context.Context, agent Account, id int64, code string, signature []byte) (Mandate, error) {
	now := s.now()
	m, codeHash, expires, tries, err := s.pendingMandate(ctx, agent, id)
	if err != nil {
		return Mandate{}, err
	}
	evidence := ""
	switch m.Consent {
	case ConsentSMS:
		if now.After(expires) || tries >= MaxCodeTries {
			return Mandate{}, errs.Field("code", "identity.error.code_expired", nil)
		}
		if tokenHash(challengeNoise+"mandate:"+m.ResidentIDNumber+strings.TrimSpace(code)) != codeHash {
			if _, err := s.DB.Exec(ctx, "UPDATE mandates SET code_attempts = code_attempts + 1 WHERE id = ?", id); err != nil {
				return Mandate{}, err
			}
			return Mandate{}, errs.Field("code", "identity.error.code", nil)
		}
		evidence = "sms code to " + ids.MaskPhone(m.ResidentPhone)
	case ConsentSignature:
		if len(signature) < 100 || len(signature) > 512<<10 || !bytes.HasPrefix(signature, []byte("\x89PNG\r\n\x1a\n")) {
			return Mandate{}, errs.Field("signature", "identity.error.signature", nil)
		}
		sum := sha256.Sum256(signature)
		evidence = "signature sha256:" + hex.EncodeToString(sum[:])
	}
	ev := audit.Event{Action: "identity.mandate.confirm", ObjectType: "mandate", ObjectID: fmt.Sprint(id),
		Detail: map[string]string{"consent": m.Consent, "evidence": evidence}}
	err = s.Audit.Change(ctx, s.DB, ev, func(tx *db.Tx, _ *audit.Event) error {
		var sig any
		if m.Consent == ConsentSignature {
			sig = signature
		}
		_, err := tx.Exec(ctx, `UPDATE mandates SET status = 'active', confirmed_at = ?, consent_evidence = ?, signature = ?
			WHERE id = ? AND status = 'pending'`, now, evidence, sig, id)
		return err
	})
	if err != nil {
		return Mandate{}, fmt.Errorf("confirm mandate %d: %w", id, err)
	}
	m.Status = "active"
	return m, nil
}

func (s *Service) pendingMandate(ctx context.Context, agent Account, id int64) (Mandate, string, time.Time, int, error) {
	var codeHash string
	var expires sql.NullTime
	var tries int
	m, err := scanMandate(s.DB.QueryRow(ctx, "SELECT "+mandateCols+", code_hash, code_expires_at, code_attempts FROM mandates WHERE id = ?", id),
		&codeHash, &expires, &tries)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && m.AgentID != agent.ID) {
		return Mandate{}, "", time.Time{}, 0, &errs.Error{Code: errs.NotFound, Key: "error.not_found", Err: db.ErrNotFound}
	} else if err != nil {
		return Mandate{}, "", time.Time{}, 0, err
	}
	if m.Status != "pending" {
		return Mandate{}, "", time.Time{}, 0, &errs.Error{Code: errs.Conflict, Key: "identity.error.mandate_not_pending"}
	}
	return m, codeHash, expires.Time, tries, nil
}

const mandateCols = `id, agent_id, resident_id_number, resident_name, resident_phone, scope, subject, valid_from, valid_until,
	consent, status, created_at`

func scanMandate(sc interface{ Scan(...any) error }, extra ...any) (Mandate, error) {
	var m Mandate
	dest := append([]any{&m.ID, &m.AgentID, &m.ResidentIDNumber, &m.ResidentName, &m.ResidentPhone, &m.Scope, &m.Subject,
		&m.ValidFrom, &m.ValidUntil, &m.Consent, &m.Status, &m.CreatedAt}, extra...)
	return m, sc.Scan(dest...)
}

// mandateColumns map the mandates table onto the policy's Record: a
// mandate concerns its resident and was submitted by its agent.
var mandateColumns = Columns{ResidentIDNumber: "resident_id_number", AgentID: "agent_id"}

// Mandates lists the mandates a principal may see (the policy's Scope: a
// resident's own, an agent's own), newest first.
func (s *Service) Mandates(ctx context.Context, p Principal) ([]Mandate, error) {
	sc, err := s.ScopeOf(ctx, p)
	if err != nil {
		return nil, err
	}
	where, args := sc.Where(mandateColumns)
	rows, err := s.DB.Query(ctx, "SELECT "+mandateCols+" FROM mandates WHERE "+where+" ORDER BY id DESC", args...)
	if err != nil {
		return nil, fmt.Errorf("list mandates: %w", err)
	}
	defer rows.Close()
	var out []Mandate
	for rows.Next() {
		m, err := scanMandate(rows)
		if err != nil {
			return nil, fmt.Errorf("list mandates: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// RevokeMandate ends a mandate: the resident (a person whose ID number it
// names) or the agent may revoke it at any time.
func (s *Service) RevokeMandate(ctx context.Context, p Principal, id int64) error {
	now := s.now()
	sc, err := s.ScopeOf(ctx, p)
	if err != nil {
		return err
	}
	if sc.ReadOnly {
		return errs.New(errs.Denied, "error.denied")
	}
	where, args := sc.Where(mandateColumns)
	ev := audit.Event{Action: "identity.mandate.revoke", ObjectType: "mandate", ObjectID: fmt.Sprint(id)}
	err = s.Audit.Change(ctx, s.DB, ev, func(tx *db.Tx, _ *audit.Event) error {
		res, err := tx.Exec(ctx, `UPDATE mandates SET status = 'revoked', revoked_at = ?, revoked_by = ?
			WHERE id = ? AND status <> 'revoked' AND `+where,
			append([]any{now, p.Kind() + ":" + fmt.Sprint(p.Account.ID), id}, args...)...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &errs.Error{Code: errs.NotFound, Key: "error.not_found", Err: db.ErrNotFound}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("revoke mandate %d: %w", id, err)
	}
	return nil
}

// ActingFor returns the active mandate that lets the agent act for the
// resident on subject now, or a denial. Every action the agent then takes
// carries both: see actor.Actor.OnBehalfOf.
func (s *Service) ActingFor(ctx context.Context, agent Account, residentIDNumber, subject string) (Mandate, error) {
	now := s.now()
	row := s.DB.QueryRow(ctx, "SELECT "+mandateCols+` FROM mandates
		WHERE agent_id = ? AND resident_id_number = ? AND status = 'active' AND valid_from <= ? AND valid_until > ?
		  AND (scope = 'period' OR subject = ?) ORDER BY id DESC LIMIT 1`,
		agent.ID, residentIDNumber, now, now, subject)
	m, err := scanMandate(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Mandate{}, &errs.Error{Code: errs.Denied, Key: "identity.error.no_mandate"}
	}
	return m, err
}
