-- Jurisdictions, departments, posts and service points (internal/org) and
-- the hash-chained audit trail (internal/audit).

CREATE TABLE jurisdictions (
    code        TEXT PRIMARY KEY CHECK (length(code) = 12),
    gbt2260     TEXT,
    parent_code TEXT REFERENCES jurisdictions(code),
    level       TEXT NOT NULL CHECK (level IN ('city', 'county', 'town', 'village')),
    kind        TEXT NOT NULL CHECK (kind IN ('city', 'district', 'county', 'zone', 'street', 'town', 'township', 'community', 'village')),
    name        TEXT NOT NULL,
    name_en     TEXT NOT NULL DEFAULT '',
    confirmed   BOOLEAN NOT NULL DEFAULT TRUE,
    note        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX jurisdictions_parent ON jurisdictions(parent_code);

CREATE TABLE departments (
    id                INTEGER PRIMARY KEY,
    jurisdiction_code TEXT NOT NULL REFERENCES jurisdictions(code),
    kind              TEXT NOT NULL,
    name              TEXT NOT NULL,
    name_en           TEXT NOT NULL DEFAULT '',
    credit_code       TEXT NOT NULL UNIQUE CHECK (length(credit_code) = 18),
    confirmed         BOOLEAN NOT NULL DEFAULT TRUE,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    UNIQUE (jurisdiction_code, name),
    UNIQUE (jurisdiction_code, kind)
);

CREATE TABLE posts (
    id            INTEGER PRIMARY KEY,
    department_id INTEGER NOT NULL REFERENCES departments(id),
    name          TEXT NOT NULL,
    name_en       TEXT NOT NULL DEFAULT '',
    duty          TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (department_id, name)
);

CREATE TABLE service_points (
    id                INTEGER PRIMARY KEY,
    jurisdiction_code TEXT NOT NULL REFERENCES jurisdictions(code),
    kind              TEXT NOT NULL CHECK (kind IN ('centre', 'proxy')),
    name              TEXT NOT NULL,
    name_en           TEXT NOT NULL DEFAULT '',
    address           TEXT NOT NULL DEFAULT '',
    phone             TEXT NOT NULL DEFAULT '',
    hours             TEXT NOT NULL DEFAULT '',
    confirmed         BOOLEAN NOT NULL DEFAULT TRUE,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    UNIQUE (jurisdiction_code, kind)
);

CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          TIMESTAMP NOT NULL,
    actor       TEXT NOT NULL,
    actor_addr  TEXT NOT NULL DEFAULT '',
    request_id  TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '{}',
    alg         TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- The head of the chain: one row, updated by every append, which serialises
-- appends on both engines (its row lock on PostgreSQL, the write lock on SQLite).
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

-- Demo and reference data sets applied once each (see internal/app/seed.go).
CREATE TABLE seeds (
    name       TEXT PRIMARY KEY,
    applied_at TIMESTAMP NOT NULL
);
