-- Signed e-licences (internal/hub, issue.go): the SM2 keys that sign them,
-- the signature of each licence the hall issues, revocations, and the
-- serial counter per licence type and issuer.

-- Every licence signing key the hall has used. Retired keys stay so that
-- licences signed before a rotation remain verifiable.
CREATE TABLE hub_signing_keys (
    key_id      TEXT PRIMARY KEY,   -- hex SM3 of the PKIX DER public key
    algorithm   TEXT NOT NULL,      -- 'SM2-SM3'
    public_pem  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    retired_at  TIMESTAMPTZ
);

-- The signature of an issued licence: the exact canonical content signed,
-- its SM3 digest, the SM2 signature and the key. No foreign key to
-- hub_licences: a bulk load drops and rebuilds that table's unique index.
CREATE TABLE hub_licence_signatures (
    identifier  TEXT PRIMARY KEY,
    key_id      TEXT NOT NULL REFERENCES hub_signing_keys(key_id),
    content     TEXT NOT NULL,      -- canonical JSON of the licence as signed
    digest      TEXT NOT NULL,      -- hex SM3 of content
    signature   TEXT NOT NULL,      -- base64 of the ASN.1 DER SM2 signature
    case_ref    TEXT NOT NULL,
    signed_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE hub_licence_revocations (
    identifier  TEXT PRIMARY KEY,
    reason      TEXT NOT NULL,
    revoked_by  TEXT NOT NULL,
    revoked_at  TIMESTAMPTZ NOT NULL
);

-- The last serial assigned per licence type and issuer.
CREATE TABLE hub_licence_serials (
    type_code   TEXT NOT NULL,
    issuer_code TEXT NOT NULL,
    last        BIGINT NOT NULL,
    PRIMARY KEY (type_code, issuer_code)
);
