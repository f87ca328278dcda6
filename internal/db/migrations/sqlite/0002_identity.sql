-- Accounts of every kind, enterprises and their handlers, staff posts,
-- sessions and login failures (internal/identity).

CREATE TABLE accounts (
    id                INTEGER PRIMARY KEY,
    kind              TEXT NOT NULL CHECK (kind IN ('person', 'enterprise', 'staff', 'agent', 'supervisor',
                          'catalog_admin', 'system_admin', 'audit_admin', 'security_admin')),
    login             TEXT NOT NULL UNIQUE,
    name              TEXT NOT NULL,
    id_number         TEXT,
    phone             TEXT NOT NULL DEFAULT '',
    password_hash     TEXT NOT NULL,
    status            TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    failed_logins     INTEGER NOT NULL DEFAULT 0,
    locked_until      TIMESTAMP,
    jurisdiction_code TEXT REFERENCES jurisdictions(code),
    service_point_id  INTEGER REFERENCES service_points(id),
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX accounts_person_id_number ON accounts(id_number) WHERE kind = 'person';

CREATE TABLE enterprises (
    account_id          INTEGER PRIMARY KEY REFERENCES accounts(id),
    credit_code         TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    legal_rep_name      TEXT NOT NULL,
    legal_rep_id_number TEXT NOT NULL,
    created_at          TIMESTAMP NOT NULL
);

CREATE TABLE enterprise_handlers (
    enterprise_id INTEGER NOT NULL REFERENCES accounts(id),
    person_id     INTEGER NOT NULL REFERENCES accounts(id),
    added_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (enterprise_id, person_id)
);

CREATE TABLE staff_posts (
    account_id  INTEGER NOT NULL REFERENCES accounts(id),
    post_id     INTEGER NOT NULL REFERENCES posts(id),
    subordinate BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (account_id, post_id)
);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id),
    csrf_token   TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    addr         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_account ON sessions(account_id);

CREATE TABLE login_failures (
    id    INTEGER PRIMARY KEY,
    login TEXT NOT NULL,
    addr  TEXT NOT NULL,
    at    TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_addr ON login_failures(addr, at);
