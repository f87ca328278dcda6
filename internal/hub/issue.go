package hub

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/govhall/govhall/internal/actor"
	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/gm"
	"github.com/govhall/govhall/internal/ids"
	"github.com/govhall/govhall/internal/org"
)

// Issuing signed e-licences (issue 5, part 6): a case result becomes a
// licence in hub_licences, signed with the hall's SM2 key in the same
// transaction as its audit entry; revocation; and (licencedoc.go) the
// signed document and the public verification of a licence or a document.

// Licence statuses as stored in hub_licences (hub.go's Licence.Status).
const (
	licenceValid   = "valid"
	licenceRevoked = "revoked"
)

// licenceZone decides which calendar day a time falls on: licences are
// dated in Beijing time.
var licenceZone = time.FixedZone("CST", 8*3600)

// Issuer issues, revokes and verifies the hall's signed e-licences. Key is
// the current signing key (nil: the Issuer verifies but cannot issue); every
// key ever used stays registered in hub_signing_keys.
type Issuer struct {
	DB    *db.DB
	Audit *audit.Log
	Org   *org.Service
	Now   func() time.Time
	Key   *gm.PrivateKey
	// StaffDepartments lists the departments of a staff member's posts
	// (identity.Service.StaffDepartments): staff issue and revoke only for
	// those. nil: staff issue nothing.
	StaffDepartments func(ctx context.Context, accountID int64) ([]int64, error)
	// Hub, when set, receives an access-log entry for every verification
	// and download: the holder sees on their profile who checked their
	// licence.
	Hub *Service

	once   sync.Once
	keyID  string
	keyErr error
	keys   sync.Map // key id → *gm.PublicKey, registered keys read so far
}

func (s *Issuer) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

// currentKeyID is the id of Key, computed once.
func (s *Issuer) currentKeyID() (string, error) {
	s.once.Do(func() {
		if s.Key == nil {
			s.keyErr = errors.New("no licence signing key configured")
			return
		}
		s.keyID, s.keyErr = gm.KeyID(s.Key.Public())
	})
	return s.keyID, s.keyErr
}

// RegisterKey records the current key's public key (once) and retires every
// other key: licences they signed stay verifiable, new ones are signed with
// the current key. Called at start; a rotation is a new key file.
func (s *Issuer) RegisterKey(ctx context.Context) (keyID string, err error) {
	if keyID, err = s.currentKeyID(); err != nil {
		return "", err
	}
	var n int
	if err := s.DB.QueryRow(ctx, "SELECT COUNT(*) FROM hub_signing_keys WHERE key_id = ? AND retired_at IS NULL", keyID).Scan(&n); err != nil {
		return "", fmt.Errorf("register licence key: %w", err)
	}
	if n == 1 {
		return keyID, nil
	}
	pemBytes, err := gm.MarshalPublicKeyPEM(s.Key.Public())
	if err != nil {
		return "", err
	}
	now := s.now()
	ev := audit.Event{Action: "hub.licence_key.register", ObjectType: "signing_key", ObjectID: keyID,
		Detail: map[string]string{"algorithm": SignatureAlgorithm}}
	err = s.Audit.Change(ctx, s.DB, ev, func(tx *db.Tx, _ *audit.Event) error {
		if _, err := tx.Exec(ctx, "UPDATE hub_signing_keys SET retired_at = ? WHERE retired_at IS NULL AND key_id <> ?", now, keyID); err != nil {
			return err
		}
		// A key that was retired and comes back is current again.
		res, err := tx.Exec(ctx, "UPDATE hub_signing_keys SET retired_at = NULL WHERE key_id = ?", keyID)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k > 0 {
			return nil
		}
		_, err = tx.Exec(ctx, `INSERT INTO hub_signing_keys (key_id, algorithm, public_pem, created_at)
			VALUES (?, ?, ?, ?)`, keyID, SignatureAlgorithm, string(pemBytes), now)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("register licence key: %w", err)
	}
	return keyID, nil
}

// IssueRequest is a licence to issue, typically a case's result.
type IssueRequest struct {
	TypeCode     string // a hub_licence_types code
	HolderKind   string // HolderPerson or HolderEntity
	HolderID     string
	HolderName   string
	DepartmentID int64  // the issuing department: the authority for the type
	Number       string // the licence number printed on it; "" uses the serial
	ValidFrom    time.Time
	ValidUntil   time.Time // the last day of validity; zero never expires
	Data         map[string]string
	CaseRef      string // the case whose result this is, for the trail
}

// Limits of a licence's data items.
const (
	maxDataItems = 64
	maxItemKey   = 64
	maxItemValue = 2000
)

// Issue assigns the next serial of the type and issuer, builds the
// identifier (version 001), and writes the licence, its signature and the
// audit entry in one transaction.
func (s *Issuer) Issue(ctx context.Context, req IssueRequest) (LicenceContent, error) {
	if err := mayIssue(ctx); err != nil {
		return LicenceContent{}, err
	}
	c, err := s.prepare(ctx, &req)
	if err != nil {
		return LicenceContent{}, err
	}
	keyID, err := s.currentKeyID()
	if err != nil {
		return LicenceContent{}, err
	}
	ev := audit.Event{Action: "hub.licence.issue", ObjectType: "licence",
		Detail: map[string]string{"type_code": c.TypeCode, "issuer": c.IssuerCode, "case": req.CaseRef}}
	err = s.Audit.Change(ctx, s.DB, ev, func(tx *db.Tx, ev *audit.Event) error {
		if err := insertLicence(ctx, tx, &c, req.Number == ""); err != nil {
			return err
		}
		ev.ObjectID = c.Identifier
		return s.sign(ctx, tx, c, keyID, req.CaseRef)
	})
	if err != nil {
		return LicenceContent{}, fmt.Errorf("issue licence of type %s: %w", req.TypeCode, err)
	}
	return c, nil
}

// mayIssue lets department staff and the hall's own jobs (a case's result)
// issue and revoke; nobody else. Which department staff may act for is
// checked by actsFor once the department is known.
func mayIssue(ctx context.Context) error {
	switch actor.From(ctx).Kind {
	case "staff", "system":
		return nil
	}
	return errs.New(errs.Denied, "licence.error.denied")
}

// actsFor lets staff issue or revoke only for a department in which they
// hold a post, the one match accepts. The hall's own jobs act for any
// department.
func (s *Issuer) actsFor(ctx context.Context, match func(org.Department) bool) error {
	a := actor.From(ctx)
	if a.Kind == "system" {
		return nil
	}
	id, err := strconv.ParseInt(a.ID, 10, 64)
	if a.Kind != "staff" || err != nil || s.StaffDepartments == nil {
		return errs.New(errs.Denied, "licence.error.denied")
	}
	depts, err := s.StaffDepartments(ctx, id)
	if err != nil {
		return fmt.Errorf("check the staff member's department: %w", err)
	}
	for _, deptID := range depts {
		d, err := s.Org.Department(ctx, deptID)
		if err != nil {
			return fmt.Errorf("check the staff member's department: %w", err)
		}
		if match(d) {
			return nil
		}
	}
	return errs.New(errs.Denied, "licence.error.other_department")
}

// prepare checks the request and builds the content it asks for, all but
// the identifier.
func (s *Issuer) prepare(ctx context.Context, req *IssueRequest) (LicenceContent, error) {
	req.HolderID = strings.TrimSpace(req.HolderID)
	req.HolderName = strings.TrimSpace(req.HolderName)
	req.Number = strings.TrimSpace(req.Number)
	c := LicenceContent{TypeCode: strings.TrimSpace(req.TypeCode), HolderKind: req.HolderKind,
		HolderName: req.HolderName, Number: req.Number, Data: map[string]string{}}
	var typeDept, items string
	err := s.DB.QueryRow(ctx, "SELECT name, department_kind, data_items FROM hub_licence_types WHERE code = ?",
		c.TypeCode).Scan(&c.TypeName, &typeDept, &items)
	if errors.Is(err, sql.ErrNoRows) {
		return c, errs.Field("type_code", "licence.error.type_unknown", nil)
	} else if err != nil {
		return c, err
	}
	if c.HolderID, err = checkHolder(req.HolderKind, req.HolderID, s.now()); err != nil {
		return c, err
	}
	if c.HolderName == "" || utf8.RuneCountInString(c.HolderName) > 200 {
		return c, errs.Field("holder_name", "error.required", nil)
	}
	dept, err := s.Org.Department(ctx, req.DepartmentID)
	if errors.Is(err, db.ErrNotFound) {
		return c, errs.Field("department_id", "licence.error.department_unknown", nil)
	} else if err != nil {
		return c, err
	}
	if dept.Kind != typeDept {
		return c, errs.Field("department_id", "licence.error.not_authority", map[string]any{"type": c.TypeName})
	}
	if err := s.actsFor(ctx, func(d org.Department) bool { return d.ID == dept.ID }); err != nil {
		return c, err
	}
	c.IssuerCode, c.IssuerName = dept.CreditCode, dept.Name
	if req.ValidFrom.IsZero() {
		return c, errs.Field("valid_from", "error.required", nil)
	}
	c.IssuedOn = req.ValidFrom.In(licenceZone).Format(time.DateOnly)
	if !req.ValidUntil.IsZero() {
		c.ExpiresOn = req.ValidUntil.In(licenceZone).Format(time.DateOnly)
		if c.ExpiresOn < c.IssuedOn {
			return c, errs.Field("valid_until", "licence.error.until_before_from", nil)
		}
	}
	return c, checkData(req.Data, c.Data, items)
}

// checkHolder validates the holder's identifier for its kind and returns it
// normalised.
func checkHolder(kind, id string, now time.Time) (string, error) {
	switch kind {
	case HolderPerson:
		n, err := ids.ValidateIDNumber(id, now)
		var e *ids.IDNumberError
		if errors.As(err, &e) {
			return "", errs.Field("holder_id", e.Key(), nil)
		}
		return n.Number, err
	case HolderEntity:
		code := ids.NormalizeCreditCode(id)
		if err := ids.ValidateCreditCode(code); err != nil {
			return "", errs.Field("holder_id", ids.CreditCodeKey(err), nil)
		}
		return code, nil
	}
	return "", errs.Field("holder_kind", "licence.error.holder_kind", nil)
}

// checkData copies the data items into out, refusing empty, overlong or
// too many items, and items the type's catalog entry (a JSON list in
// items) does not name when it names any.
func checkData(in, out map[string]string, items string) error {
	if len(in) > maxDataItems {
		return errs.Field("data", "licence.error.data_items", map[string]any{"max": maxDataItems})
	}
	var known []string
	_ = json.Unmarshal([]byte(items), &known) // a broken list restricts nothing
	for k, v := range in {
		k = strings.TrimSpace(k)
		if k == "" || len(k) > maxItemKey || !utf8.ValidString(k) || !utf8.ValidString(v) || utf8.RuneCountInString(v) > maxItemValue {
			return errs.Field("data", "licence.error.data_item", map[string]any{"max": maxItemValue})
		}
		if len(known) > 0 && !slices.Contains(known, k) {
			return errs.Field("data", "licence.error.data_item_unknown", map[string]any{"item": k})
		}
		out[k] = strings.TrimSpace(v)
	}
	return nil
}

// insertLicence takes the next serial and inserts the licence under the
// identifier it makes. A serial already taken (by an imported licence)
// is skipped.
func insertLicence(ctx context.Context, tx *db.Tx, c *LicenceContent, numberIsSerial bool) error {
	for range 100 {
		var n int64
		err := tx.QueryRow(ctx, `INSERT INTO hub_licence_serials (type_code, issuer_code, last) VALUES (?, ?, 1)
			ON CONFLICT (type_code, issuer_code) DO UPDATE SET last = hub_licence_serials.last + 1
			RETURNING last`, c.TypeCode, c.IssuerCode).Scan(&n)
		if err != nil {
			return fmt.Errorf("next serial: %w", err)
		}
		serial := c.IssuedOn[:4] + fmt.Sprintf("%08d", n)
		if c.Identifier, err = ids.MakeLicenceID(c.TypeCode, c.IssuerCode, serial, "001"); err != nil {
			var e *ids.LicenceIDError
			if errors.As(err, &e) && e.Reason == ids.LicenceTypeCode {
				return errs.Field("type_code", e.Key(), nil)
			}
			return err
		}
		if numberIsSerial {
			c.Number = serial
		}
		data := string(mustJSON(c.Data))
		res, err := tx.Exec(ctx, `INSERT INTO hub_licences (identifier, type_code, number, holder_kind, holder_id,
			holder_name, issuer_code, issuer_name, issued_on, expires_on, status, data)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (identifier) DO NOTHING`,
			c.Identifier, c.TypeCode, c.Number, c.HolderKind, c.HolderID, c.HolderName, c.IssuerCode,
			c.IssuerName, c.IssuedOn, c.ExpiresOn, licenceValid, data)
		if err != nil {
			return fmt.Errorf("insert licence: %w", err)
		}
		if k, _ := res.RowsAffected(); k == 1 {
			return nil
		}
	}
	return errs.New(errs.Conflict, "licence.error.serials_taken")
}

// sign stores the signature of c's canonical content under the current key.
func (s *Issuer) sign(ctx context.Context, tx *db.Tx, c LicenceContent, keyID, caseRef string) error {
	content := c.Canonical()
	sig, err := gm.Sign(s.Key, content)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO hub_licence_signatures
		(identifier, key_id, content, digest, signature, case_ref, signed_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.Identifier, keyID, string(content), hex.EncodeToString(gm.SM3(content)),
		base64.StdEncoding.EncodeToString(sig), caseRef, s.now().Truncate(time.Microsecond))
	if err != nil {
		return fmt.Errorf("store signature: %w", err)
	}
	return nil
}

// logAccess writes the read of c's holder data (op, for purpose) to the
// hub's access log; outcome is "allowed" or "refused:<key>".
func (s *Issuer) logAccess(ctx context.Context, c LicenceContent, purpose, op, outcome string) error {
	if s.Hub == nil || c.HolderID == "" {
		return nil
	}
	kind := SubjectPerson
	if c.HolderKind == HolderEntity {
		kind = SubjectEntity
	}
	return s.Hub.logRead(ctx, accessorOf(ctx, &s.Hub.Access), kind, c.HolderID,
		Purpose{Kind: purpose, Ref: c.Identifier}, op, outcome)
}

// Revoke withdraws a licence for reason; it stays on record and every
// verification from now on says it is revoked.
func (s *Issuer) Revoke(ctx context.Context, identifier, reason string) error {
	if err := mayIssue(ctx); err != nil {
		return err
	}
	l, err := ids.ParseLicenceID(identifier)
	if err != nil {
		var e *ids.LicenceIDError
		errors.As(err, &e)
		return errs.Field("identifier", e.Key(), nil)
	}
	identifier, reason = l.String(), strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		return errs.Field("reason", "error.required", nil)
	}
	// Only the issuing department revokes (the identifier names the issuer).
	if err := s.actsFor(ctx, func(d org.Department) bool { return d.CreditCode == l.IssuerCode }); err != nil {
		return err
	}
	ev := audit.Event{Action: "hub.licence.revoke", ObjectType: "licence", ObjectID: identifier,
		Detail: map[string]string{"reason": reason}}
	err = s.Audit.Change(ctx, s.DB, ev, func(tx *db.Tx, _ *audit.Event) error {
		res, err := tx.Exec(ctx, "UPDATE hub_licences SET status = ? WHERE identifier = ? AND status <> ?",
			licenceRevoked, identifier, licenceRevoked)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k == 0 {
			var n int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM hub_licences WHERE identifier = ?", identifier).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return errs.New(errs.NotFound, "licence.error.not_found")
			}
			return errs.New(errs.Conflict, "licence.error.already_revoked")
		}
		_, err = tx.Exec(ctx, `INSERT INTO hub_licence_revocations (identifier, reason, revoked_by, revoked_at)
			VALUES (?, ?, ?, ?) ON CONFLICT (identifier) DO NOTHING`,
			identifier, reason, actor.From(ctx).String(), s.now().Truncate(time.Microsecond))
		return err
	})
	if err != nil {
		return fmt.Errorf("revoke licence %s: %w", identifier, err)
	}
	return nil
}

// HolderDocument is the signed document of a licence, for its holder only:
// holderKind and holderID name the signed-in person (their ID number) or
// enterprise (its credit code). Anyone else is denied, whether or not the
// licence exists.
func (s *Issuer) HolderDocument(ctx context.Context, identifier, holderKind, holderID string) (Document, error) {
	id, err := parseIdentifier("identifier", identifier)
	if err != nil {
		return Document{}, err
	}
	r, err := s.loadRecord(ctx, id)
	if errors.Is(err, db.ErrNotFound) {
		return Document{}, errs.New(errs.Denied, "licence.error.not_holder")
	} else if err != nil {
		return Document{}, err
	}
	if holderID == "" || r.content.HolderKind != holderKind || r.content.HolderID != holderID {
		if err := s.logAccess(ctx, r.content, PurposeSelf, "licence_document", "refused:licence.error.not_holder"); err != nil {
			return Document{}, err
		}
		return Document{}, errs.New(errs.Denied, "licence.error.not_holder")
	}
	if err := s.logAccess(ctx, r.content, PurposeSelf, "licence_document", "allowed"); err != nil {
		return Document{}, err
	}
	var signed LicenceContent
	if !r.keyID.Valid || json.Unmarshal([]byte(r.signed), &signed) != nil {
		return Document{}, errs.New(errs.NotFound, "licence.error.unsigned")
	}
	return Document{Format: DocumentFormat, Licence: signed, Signature: DocumentSignature{
		Algorithm: SignatureAlgorithm, KeyID: r.keyID.String, Digest: r.digest, Value: r.signature,
		SignedAt: r.signedAt.Time.UTC().Format(time.RFC3339)}}, nil
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
