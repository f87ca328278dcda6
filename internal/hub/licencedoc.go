package hub

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/gm"
	"github.com/govhall/govhall/internal/ids"
)

// The signed e-licence document. What the hall signs is the canonical JSON
// of LicenceContent: the members in the order of the struct below, no
// insignificant whitespace, the data items' keys in byte order, strings
// escaped as Go's encoding/json does (including \u003c for <, \u003e for >
// and \u0026 for &). Its SM3 digest and SM2 signature (default user ID
// 1234567812345678) travel with it in the document a holder downloads, so
// anyone can check it with the hall's public key; the hall's verification
// also checks the registry (revocation) and the clock (expiry).

// DocumentFormat names the document layout; a verifier refuses others.
const DocumentFormat = "govhall-e-licence/1"

// SignatureAlgorithm is the only algorithm the hall signs with.
const SignatureAlgorithm = "SM2-SM3"

// LicenceContent is every field a person reads on a licence: exactly what
// is signed.
type LicenceContent struct {
	Identifier string            `json:"identifier"`
	TypeCode   string            `json:"type_code"`
	TypeName   string            `json:"type_name"`
	Number     string            `json:"number"`
	HolderKind string            `json:"holder_kind"` // 111 citizen ID number, 001 credit code
	HolderID   string            `json:"holder_id"`
	HolderName string            `json:"holder_name"`
	IssuerCode string            `json:"issuer_code"`
	IssuerName string            `json:"issuer_name"`
	IssuedOn   string            `json:"issued_on"`  // YYYY-MM-DD, first day of validity
	ExpiresOn  string            `json:"expires_on"` // YYYY-MM-DD, last day of validity; "" never expires
	Data       map[string]string `json:"data"`
}

// DocumentSignature is the signature block of a document.
type DocumentSignature struct {
	Algorithm string `json:"algorithm"`
	KeyID     string `json:"key_id"` // hex SM3 of the signing key's PKIX DER public key
	Digest    string `json:"digest"` // hex SM3 of the canonical content
	Value     string `json:"value"`  // base64 of the ASN.1 DER SM2 signature
	SignedAt  string `json:"signed_at"`
}

// Document is what the holder downloads and anyone may offer for checking.
type Document struct {
	Format    string            `json:"format"`
	Licence   LicenceContent    `json:"licence"`
	Signature DocumentSignature `json:"signature"`
}

// Canonical is the exact byte string that is signed.
func (c LicenceContent) Canonical() []byte {
	if c.Data == nil {
		c.Data = map[string]string{}
	}
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // strings and a map of strings always marshal
	}
	return b
}

// maxDocument bounds a document offered for verification.
const maxDocument = 256 << 10

// ParseDocument reads a document strictly: unknown members, trailing data
// and another format are refused, so what a person reads in the file is
// what is checked.
func ParseDocument(b []byte) (Document, error) {
	var d Document
	if len(b) > maxDocument {
		return d, fmt.Errorf("e-licence document: larger than %d bytes", maxDocument)
	}
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	if err := noDuplicateNames(json.NewDecoder(bytes.NewReader(b))); err != nil {
		return d, fmt.Errorf("e-licence document: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return Document{}, fmt.Errorf("e-licence document: %w", err)
	}
	if dec.More() {
		return Document{}, fmt.Errorf("e-licence document: data after the document")
	}
	if d.Format != DocumentFormat {
		return Document{}, fmt.Errorf("e-licence document: format %q, want %q", d.Format, DocumentFormat)
	}
	return d, nil
}

// noDuplicateNames refuses a JSON value in which an object names a member
// twice: a reader would see the first, the decoder keeps the last.
func noDuplicateNames(dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		seen := map[string]bool{}
		for dec.More() {
			name, err := dec.Token()
			if err != nil {
				return err
			}
			k, _ := name.(string)
			if seen[k] {
				return fmt.Errorf("member %q appears twice", k)
			}
			seen[k] = true
			if err := noDuplicateNames(dec); err != nil {
				return err
			}
		}
		_, err = dec.Token()
	case json.Delim('['):
		for dec.More() {
			if err := noDuplicateNames(dec); err != nil {
				return err
			}
		}
		_, err = dec.Token()
	}
	return err
}

// Marshal is the document as served for download: indented for reading;
// indentation does not matter to verification.
func (d Document) Marshal() []byte {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		panic(err)
	}
	return append(b, '\n')
}

// changedFields names the fields in which got differs from signed, data
// items as "data.KEY", in a stable order.
func changedFields(signed, got LicenceContent) []string {
	var out []string
	pairs := [][3]string{
		{"identifier", signed.Identifier, got.Identifier}, {"type_code", signed.TypeCode, got.TypeCode},
		{"type_name", signed.TypeName, got.TypeName}, {"number", signed.Number, got.Number},
		{"holder_kind", signed.HolderKind, got.HolderKind}, {"holder_id", signed.HolderID, got.HolderID},
		{"holder_name", signed.HolderName, got.HolderName}, {"issuer_code", signed.IssuerCode, got.IssuerCode},
		{"issuer_name", signed.IssuerName, got.IssuerName}, {"issued_on", signed.IssuedOn, got.IssuedOn},
		{"expires_on", signed.ExpiresOn, got.ExpiresOn},
	}
	for _, p := range pairs {
		if p[1] != p[2] {
			out = append(out, p[0])
		}
	}
	keys := slices.Sorted(maps.Keys(signed.Data))
	for k := range got.Data {
		if _, ok := signed.Data[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range slices.Compact(keys) {
		a, inA := signed.Data[k]
		b, inB := got.Data[k]
		if a != b || inA != inB {
			out = append(out, "data."+k)
		}
	}
	return out
}

// Finding is one part of a verdict: whether it holds, and the i18n key and
// arguments of the reason a person reads.
type Finding struct {
	OK   bool
	Key  string
	Args map[string]any
}

// Verdict is the outcome of verifying a licence or a document.
type Verdict struct {
	Identifier string
	// Found: the hall's registry has a licence with this identifier.
	Found bool
	// Content is what the verdict is about: the content as signed when the
	// signature holds (a stored licence) or as offered (a document), else
	// as recorded.
	Content LicenceContent
	// Genuine: signed under a key the hall registered. Unaltered: the
	// recorded or offered content is what was signed. Current: not revoked,
	// and today is within its validity.
	Genuine, Unaltered, Current Finding
	Changed                     []string // fields that differ from what was signed
	KeyID                       string
	SignedAt                    time.Time
}

// OK is the verdict a person wants: genuine, unaltered and current.
func (v Verdict) OK() bool { return v.Genuine.OK && v.Unaltered.OK && v.Current.OK }

// record is a licence as the registry holds it, with its signature.
type record struct {
	content   LicenceContent
	status    string
	revokedAt sql.NullTime
	keyID     sql.NullString
	signed    string // canonical content as signed
	digest    string
	signature string
	signedAt  sql.NullTime
}

func (s *Issuer) loadRecord(ctx context.Context, identifier string) (record, error) {
	var r record
	var data string
	c := &r.content
	err := s.DB.QueryRow(ctx, `SELECT l.identifier, l.type_code, COALESCE(t.name, ''), l.number, l.holder_kind,
		l.holder_id, l.holder_name, l.issuer_code, l.issuer_name, l.issued_on, l.expires_on, l.status, l.data,
		g.key_id, COALESCE(g.content, ''), COALESCE(g.digest, ''), COALESCE(g.signature, ''), g.signed_at, v.revoked_at
		FROM hub_licences l
		LEFT JOIN hub_licence_types t ON t.code = l.type_code
		LEFT JOIN hub_licence_signatures g ON g.identifier = l.identifier
		LEFT JOIN hub_licence_revocations v ON v.identifier = l.identifier
		WHERE l.identifier = ?`, identifier).Scan(&c.Identifier, &c.TypeCode, &c.TypeName, &c.Number,
		&c.HolderKind, &c.HolderID, &c.HolderName, &c.IssuerCode, &c.IssuerName, &c.IssuedOn, &c.ExpiresOn,
		&r.status, &data, &r.keyID, &r.signed, &r.digest, &r.signature, &r.signedAt, &r.revokedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("licence %s: %w", identifier, db.ErrNotFound)
	} else if err != nil {
		return r, fmt.Errorf("licence %s: %w", identifier, err)
	}
	if err := json.Unmarshal([]byte(data), &c.Data); err != nil || c.Data == nil {
		// Data that is not an object of strings reads as none: the
		// content check then reports the change.
		c.Data = map[string]string{"": data}
	}
	return r, nil
}

// publicKey returns a registered key, nil when the hall never registered
// that id.
func (s *Issuer) publicKey(ctx context.Context, keyID string) (*gm.PublicKey, error) {
	if k, ok := s.keys.Load(keyID); ok {
		return k.(*gm.PublicKey), nil
	}
	var pemText string
	err := s.DB.QueryRow(ctx, "SELECT public_pem FROM hub_signing_keys WHERE key_id = ?", keyID).Scan(&pemText)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", keyID, err)
	}
	k, err := gm.ParsePublicKeyPEM([]byte(pemText))
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", keyID, err)
	}
	if id, err := gm.KeyID(k); err != nil || id != keyID {
		return nil, nil // a key row whose key is not the one its id names is no key of ours
	}
	s.keys.Store(keyID, k)
	return k, nil
}

var (
	unverifiable = Finding{Key: "licence.unaltered.unverifiable"}
	unaltered    = Finding{OK: true, Key: "licence.unaltered.ok"}
)

// VerifyLicence checks the licence the registry holds under identifier:
// its stored signature, whether the record still matches what was signed,
// and whether it is current. A malformed identifier is an invalid-input
// error, an unknown one not found.
func (s *Issuer) VerifyLicence(ctx context.Context, identifier string) (Verdict, error) {
	id, err := parseIdentifier("identifier", identifier)
	if err != nil {
		return Verdict{}, err
	}
	r, err := s.loadRecord(ctx, id)
	if errors.Is(err, db.ErrNotFound) {
		return Verdict{}, errs.New(errs.NotFound, "licence.error.not_found")
	} else if err != nil {
		return Verdict{}, err
	}
	if err := s.logAccess(ctx, r.content, PurposeVerification, "licence_verify", "allowed"); err != nil {
		return Verdict{}, err
	}
	v := Verdict{Identifier: id, Found: true, Content: r.content, Unaltered: unverifiable}
	signed, err := s.checkStored(ctx, r, &v)
	if err != nil {
		return Verdict{}, err
	}
	if v.Genuine.OK {
		v.Content = signed
		v.Changed = changedFields(signed, r.content)
		if !bytes.Equal(r.content.Canonical(), []byte(r.signed)) && len(v.Changed) == 0 {
			v.Changed = []string{"data"}
		}
		v.Unaltered = unaltered
		if len(v.Changed) > 0 {
			v.Unaltered = Finding{Key: "licence.unaltered.changed", Args: map[string]any{"fields": strings.Join(v.Changed, ", ")}}
		}
	}
	v.Current = s.current(r, v.Content)
	return v, nil
}

// checkStored sets v.Genuine from the stored signature and returns the
// content it covers.
func (s *Issuer) checkStored(ctx context.Context, r record, v *Verdict) (LicenceContent, error) {
	if !r.keyID.Valid {
		v.Genuine = Finding{Key: "licence.genuine.unsigned"}
		return LicenceContent{}, nil
	}
	v.KeyID, v.SignedAt = r.keyID.String, r.signedAt.Time.UTC()
	pub, err := s.publicKey(ctx, r.keyID.String)
	if err != nil || pub == nil {
		v.Genuine = Finding{Key: "licence.genuine.unknown_key"}
		return LicenceContent{}, err
	}
	sig, _ := base64.StdEncoding.DecodeString(r.signature)
	var signed LicenceContent
	if hex.EncodeToString(gm.SM3([]byte(r.signed))) != r.digest || !gm.Verify(pub, []byte(r.signed), sig) ||
		json.Unmarshal([]byte(r.signed), &signed) != nil || signed.Identifier != r.content.Identifier {
		v.Genuine = Finding{Key: "licence.genuine.bad_signature"}
		return LicenceContent{}, nil
	}
	v.Genuine = Finding{OK: true, Key: "licence.genuine.ok", Args: map[string]any{"key": shortKey(r.keyID.String)}}
	return signed, nil
}

// VerifyDocument checks a document a holder downloaded and someone offers:
// is its signature the hall's, is its content what was signed, and is the
// licence current in the registry. A document that cannot be read is an
// invalid-input error on the field "document".
func (s *Issuer) VerifyDocument(ctx context.Context, doc []byte) (Verdict, error) {
	d, err := ParseDocument(doc)
	if err != nil {
		return Verdict{}, &errs.Error{Code: errs.Invalid, Field: "document", Key: "licence.error.document", Err: err}
	}
	id, err := parseIdentifier("document", d.Licence.Identifier)
	if err != nil {
		return Verdict{}, err
	}
	v := Verdict{Identifier: id, Content: d.Licence, Unaltered: unverifiable, KeyID: d.Signature.KeyID}
	v.SignedAt, _ = time.Parse(time.RFC3339, d.Signature.SignedAt)
	r, err := s.loadRecord(ctx, id)
	switch {
	case errors.Is(err, db.ErrNotFound):
	case err != nil:
		return Verdict{}, err
	default:
		v.Found = true
		if err := s.logAccess(ctx, r.content, PurposeVerification, "licence_verify_document", "allowed"); err != nil {
			return Verdict{}, err
		}
	}
	basis, err := s.checkOffered(ctx, d, r, &v)
	if err != nil {
		return Verdict{}, err
	}
	if !v.Found {
		v.Current = Finding{Key: "licence.current.unknown"}
		return v, nil
	}
	v.Current = s.current(r, basis)
	return v, nil
}

// checkOffered sets v.Genuine and v.Unaltered for a document and returns
// the content whose dates decide whether it is current.
func (s *Issuer) checkOffered(ctx context.Context, d Document, r record, v *Verdict) (LicenceContent, error) {
	basis := r.content
	pub, err := s.publicKey(ctx, d.Signature.KeyID)
	if err != nil {
		return basis, err
	}
	if pub == nil || d.Signature.Algorithm != SignatureAlgorithm {
		v.Genuine = Finding{Key: "licence.genuine.unknown_key"}
		return basis, nil
	}
	sig, _ := base64.StdEncoding.DecodeString(d.Signature.Value)
	offered := d.Licence.Canonical()
	if gm.Verify(pub, offered, sig) {
		v.Genuine = Finding{OK: true, Key: "licence.genuine.ok", Args: map[string]any{"key": shortKey(d.Signature.KeyID)}}
		v.Unaltered = unaltered
		return d.Licence, nil
	}
	// The hall's own signature of this licence, over content that differs
	// from the offered one: genuine, but altered since.
	var signed LicenceContent
	if v.Found && r.signature == d.Signature.Value && r.keyID.String == d.Signature.KeyID &&
		gm.Verify(pub, []byte(r.signed), sig) && json.Unmarshal([]byte(r.signed), &signed) == nil {
		v.Genuine = Finding{OK: true, Key: "licence.genuine.ok", Args: map[string]any{"key": shortKey(d.Signature.KeyID)}}
		v.Changed = changedFields(signed, d.Licence)
		if len(v.Changed) == 0 {
			v.Changed = []string{"licence"}
		}
		v.Unaltered = Finding{Key: "licence.unaltered.changed", Args: map[string]any{"fields": strings.Join(v.Changed, ", ")}}
		return signed, nil
	}
	v.Genuine = Finding{Key: "licence.genuine.bad_signature"}
	return basis, nil
}

// current decides from the registry's status and c's dates whether the
// licence is in force today (Beijing time).
func (s *Issuer) current(r record, c LicenceContent) Finding {
	if r.revokedAt.Valid || (r.status != "" && r.status != licenceValid) {
		args := map[string]any{"date": ""}
		if r.revokedAt.Valid {
			args["date"] = r.revokedAt.Time.In(licenceZone).Format(time.DateOnly)
		}
		return Finding{Key: "licence.current.revoked", Args: args}
	}
	today := s.now().In(licenceZone).Format(time.DateOnly)
	switch {
	case c.IssuedOn != "" && today < c.IssuedOn:
		return Finding{Key: "licence.current.not_yet", Args: map[string]any{"date": c.IssuedOn}}
	case c.ExpiresOn != "" && today > c.ExpiresOn:
		return Finding{Key: "licence.current.expired", Args: map[string]any{"date": c.ExpiresOn}}
	case c.ExpiresOn == "":
		return Finding{OK: true, Key: "licence.current.ok_forever"}
	}
	return Finding{OK: true, Key: "licence.current.ok_until", Args: map[string]any{"date": c.ExpiresOn}}
}

// parseIdentifier normalises a licence identifier or says, on field, what
// is wrong with it.
func parseIdentifier(field, s string) (string, error) {
	l, err := ids.ParseLicenceID(s)
	var e *ids.LicenceIDError
	if errors.As(err, &e) {
		return "", errs.Field(field, e.Key(), nil)
	}
	return l.String(), err
}

// shortKey is the first 16 hex digits of a key id, enough to tell keys
// apart on a page.
func shortKey(id string) string {
	if len(id) > 16 {
		return id[:16]
	}
	return id
}
