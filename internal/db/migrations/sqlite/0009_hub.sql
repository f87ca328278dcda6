-- The data hub (internal/hub): population, legal entities and electronic
-- licences, the authority of each data element (一数一源), provenance,
-- conflicts between sources, bulk imports and the access log.
--
-- Every record table is keyed by the distribution key (ID number, credit
-- code, licence identifier), so each hub query carries it and the tables can
-- be hash-partitioned (or distributed with Citus) on it. Calendar dates are
-- ISO text (YYYY-MM-DD), '' when unknown; absent links are ''.
-- Provenance: *_import columns name the import (hub_imports: source
-- department, file, SHA-256, time) that last wrote that source's elements.
-- The key and the secondary indexes are dropped by a first bulk load into
-- an empty table and rebuilt after it (internal/hub, internal/db/bulk.go).

-- The authoritative source of each data element: exactly one department
-- kind (internal/demo's kinds; the city-level bureau of that function).
CREATE TABLE hub_sources (
    element         TEXT PRIMARY KEY,
    department_kind TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT ''
);
INSERT INTO hub_sources (element, department_kind) VALUES
    ('person.id_number', 'public_security'),
    ('person.name', 'public_security'),
    ('person.former_names', 'public_security'),
    ('person.sex', 'public_security'),
    ('person.ethnicity', 'public_security'),
    ('person.birth_date', 'public_security'),
    ('person.hukou_address', 'public_security'),
    ('person.hukou_division', 'public_security'),
    ('person.current_address', 'public_security'),
    ('person.phone', 'public_security'),
    ('person.status', 'public_security'),
    ('person.marital_status', 'civil_affairs'),
    ('person.spouse_id', 'civil_affairs'),
    ('person.father_id', 'health_family_planning'),
    ('person.mother_id', 'health_family_planning'),
    ('entity.credit_code', 'market_regulation'),
    ('entity.name', 'market_regulation'),
    ('entity.type', 'market_regulation'),
    ('entity.legal_rep', 'market_regulation'),
    ('entity.legal_rep_id', 'market_regulation'),
    ('entity.registered_capital', 'market_regulation'),
    ('entity.address', 'market_regulation'),
    ('entity.business_scope', 'market_regulation'),
    ('entity.established_on', 'market_regulation'),
    ('entity.status', 'market_regulation'),
    ('entity.registering_authority', 'market_regulation');

CREATE TABLE hub_persons (
    id_number       TEXT NOT NULL,
    name            TEXT NOT NULL DEFAULT '',
    former_names    TEXT NOT NULL DEFAULT '',
    sex             TEXT NOT NULL DEFAULT '',
    ethnicity       TEXT NOT NULL DEFAULT '',
    birth_date      TEXT NOT NULL DEFAULT '',
    hukou_address   TEXT NOT NULL DEFAULT '',
    hukou_division  TEXT NOT NULL DEFAULT '',
    current_address TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT '',
    marital_status  TEXT NOT NULL DEFAULT '',
    spouse_id       TEXT NOT NULL DEFAULT '',
    father_id       TEXT NOT NULL DEFAULT '',
    mother_id       TEXT NOT NULL DEFAULT '',
    registry_import BIGINT,
    marriage_import BIGINT,
    birth_import    BIGINT
);
-- The primary key: a unique index, so a first load can build it after the rows.
CREATE UNIQUE INDEX hub_persons_pk ON hub_persons (id_number);
CREATE INDEX hub_persons_father ON hub_persons (father_id) WHERE father_id <> '';
CREATE INDEX hub_persons_mother ON hub_persons (mother_id) WHERE mother_id <> '';

CREATE TABLE hub_entities (
    credit_code           TEXT NOT NULL,
    name                  TEXT NOT NULL DEFAULT '',
    type                  TEXT NOT NULL DEFAULT '',
    legal_rep             TEXT NOT NULL DEFAULT '',
    legal_rep_id          TEXT NOT NULL DEFAULT '',
    registered_capital    TEXT NOT NULL DEFAULT '',
    address               TEXT NOT NULL DEFAULT '',
    business_scope        TEXT NOT NULL DEFAULT '',
    established_on        TEXT NOT NULL DEFAULT '',
    status                TEXT NOT NULL DEFAULT '',
    registering_authority TEXT NOT NULL DEFAULT '',
    src_import            BIGINT
);
-- The primary key: a unique index, so a first load can build it after the rows.
CREATE UNIQUE INDEX hub_entities_pk ON hub_entities (credit_code);
CREATE INDEX hub_entities_legal_rep ON hub_entities (legal_rep_id) WHERE legal_rep_id <> '';

-- Licence types; each one's issuing department kind is also its row in
-- hub_sources ('licence.<code>'). The demo types are those of
-- internal/hub/synth: invented defining-ministry credit codes (organisation
-- code body DEM000nn, valid check characters), demo = TRUE.
CREATE TABLE hub_licence_types (
    code            TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    holder_kind     TEXT NOT NULL CHECK (holder_kind IN ('person', 'entity')),
    department_kind TEXT NOT NULL,
    data_items      TEXT NOT NULL DEFAULT '[]',
    demo            BOOLEAN NOT NULL DEFAULT FALSE
);
INSERT INTO hub_licence_types (code, name, name_en, holder_kind, department_kind, data_items, demo) VALUES
    ('11100000DEM000022D001', '结婚证', 'Marriage certificate', 'person', 'civil_affairs', '["holder_name","registered_on","husband_name","husband_id_number","wife_name","wife_id_number","registry"]', TRUE),
    ('11100000DEM000014J001', '居民户口簿', 'Household register', 'person', 'public_security', '["household_number","head_name","head_id_number","address","division","household_type"]', TRUE),
    ('11100000DEM0000308001', '出生医学证明', 'Medical birth certificate', 'person', 'health_family_planning', '["child_name","sex","born_on","birthplace","mother_name","mother_id_number","father_name","father_id_number","institution"]', TRUE),
    ('11100000DEM0000495001', '营业执照', 'Business licence', 'entity', 'market_regulation', '["credit_code","name","type","legal_representative","registered_capital","established_on","term","address","business_scope"]', TRUE),
    ('11100000DEM0000495002', '食品经营许可证', 'Food business licence', 'entity', 'market_regulation', '["operator","credit_code","legal_representative","premises","main_business","items"]', TRUE),
    ('11100000DEM0000570001', '社会保障卡', 'Social security card', 'person', 'human_resources_social_security', '["name","social_security_number","sex","bank"]', TRUE);
INSERT INTO hub_sources (element, department_kind)
    SELECT 'licence.' || code, department_kind FROM hub_licence_types;

CREATE TABLE hub_licences (
    identifier  TEXT NOT NULL,
    type_code   TEXT NOT NULL,
    number      TEXT NOT NULL DEFAULT '',
    holder_kind TEXT NOT NULL,
    holder_id   TEXT NOT NULL,
    holder_name TEXT NOT NULL DEFAULT '',
    issuer_code TEXT NOT NULL,
    issuer_name TEXT NOT NULL DEFAULT '',
    issued_on   TEXT NOT NULL DEFAULT '',
    expires_on  TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT '',
    data        TEXT NOT NULL DEFAULT '{}',
    src_import  BIGINT
);
-- The primary key: a unique index, so a first load can build it after the rows.
CREATE UNIQUE INDEX hub_licences_pk ON hub_licences (identifier);
CREATE INDEX hub_licences_holder ON hub_licences (holder_id);

-- One row per imported file (source, kind, SHA-256): its progress is
-- committed with each batch, so a killed import resumes after last_line.
CREATE TABLE hub_imports (
    id             INTEGER PRIMARY KEY,
    source         TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('population', 'entity', 'licence')),
    format         TEXT NOT NULL DEFAULT '',
    file_name      TEXT NOT NULL,
    file_size      BIGINT NOT NULL,
    sha256         TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    partial        BOOLEAN NOT NULL DEFAULT FALSE,
    checked        BOOLEAN NOT NULL DEFAULT FALSE,
    fresh          BOOLEAN NOT NULL DEFAULT FALSE,
    rows_read      BIGINT NOT NULL DEFAULT 0,
    rows_inserted  BIGINT NOT NULL DEFAULT 0,
    rows_updated   BIGINT NOT NULL DEFAULT 0,
    rows_unchanged BIGINT NOT NULL DEFAULT 0,
    rows_rejected  BIGINT NOT NULL DEFAULT 0,
    last_line      BIGINT NOT NULL DEFAULT 0,
    claim          TEXT NOT NULL DEFAULT '',
    started_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    finished_at    TIMESTAMP,
    error          TEXT NOT NULL DEFAULT '',
    UNIQUE (source, kind, sha256)
);

-- Rejected rows of an import, written with the batch they were read in.
CREATE TABLE hub_rejects (
    import_id  BIGINT NOT NULL REFERENCES hub_imports(id),
    line       BIGINT NOT NULL,
    field      TEXT NOT NULL DEFAULT '',
    reason_key TEXT NOT NULL,
    reason_args TEXT NOT NULL DEFAULT '{}',
    cells      TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (import_id, line)
);

-- Values offered by a source that is not the element's authority and that
-- differ from the stored (authoritative) value: listed for resolution.
CREATE TABLE hub_conflicts (
    id                  INTEGER PRIMARY KEY,
    subject_kind        TEXT NOT NULL CHECK (subject_kind IN ('person', 'entity', 'licence')),
    subject_id          TEXT NOT NULL,
    element             TEXT NOT NULL,
    authoritative_source TEXT NOT NULL,
    authoritative_value TEXT NOT NULL,
    offered_value       TEXT NOT NULL,
    offered_source      TEXT NOT NULL,
    import_id           BIGINT REFERENCES hub_imports(id),
    line                BIGINT NOT NULL DEFAULT 0,
    at                  TIMESTAMP NOT NULL,
    resolved_at         TIMESTAMP,
    resolution          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX hub_conflicts_subject ON hub_conflicts (subject_id);
CREATE INDEX hub_conflicts_open ON hub_conflicts (at) WHERE resolved_at IS NULL;

-- Every read of a person's, entity's or licence's data: who, why, when.
CREATE TABLE hub_access_log (
    id            INTEGER PRIMARY KEY,
    at            TIMESTAMP NOT NULL,
    accessor_kind TEXT NOT NULL,
    accessor_id   TEXT NOT NULL,
    accessor_name TEXT NOT NULL DEFAULT '',
    purpose       TEXT NOT NULL CHECK (purpose IN ('self', 'case', 'import', 'verification', 'prefill', 'admin')),
    purpose_ref   TEXT NOT NULL DEFAULT '',
    subject_kind  TEXT NOT NULL CHECK (subject_kind IN ('person', 'entity', 'licence')),
    subject_id    TEXT NOT NULL,
    detail        TEXT NOT NULL DEFAULT '',
    request_id    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX hub_access_log_subject ON hub_access_log (subject_id, at);
