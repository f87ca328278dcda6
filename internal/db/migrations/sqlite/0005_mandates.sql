-- Proxy mandates (全程代理): a resident authorises a village agent to apply
-- for them, for one application or for a period (internal/identity).
CREATE TABLE mandates (
    id                  INTEGER PRIMARY KEY,
    agent_id            INTEGER NOT NULL REFERENCES accounts(id),
    resident_id_number  TEXT NOT NULL,
    resident_name       TEXT NOT NULL,
    resident_phone      TEXT NOT NULL,
    scope               TEXT NOT NULL CHECK (scope IN ('application', 'period')),
    subject             TEXT NOT NULL DEFAULT '',
    valid_from          TIMESTAMP NOT NULL,
    valid_until         TIMESTAMP NOT NULL,
    consent             TEXT NOT NULL CHECK (consent IN ('sms_code', 'signature')),
    consent_evidence    TEXT NOT NULL DEFAULT '',
    signature           BLOB,
    code_hash           TEXT NOT NULL DEFAULT '',
    code_expires_at     TIMESTAMP,
    code_attempts       INTEGER NOT NULL DEFAULT 0,
    status              TEXT NOT NULL CHECK (status IN ('pending', 'active', 'revoked')),
    created_at          TIMESTAMP NOT NULL,
    confirmed_at        TIMESTAMP,
    revoked_at          TIMESTAMP,
    revoked_by          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mandates_resident ON mandates(resident_id_number);
CREATE INDEX mandates_agent ON mandates(agent_id);
