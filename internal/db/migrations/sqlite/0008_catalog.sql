-- The service-item catalog (internal/catalog): the city's standard catalog of
-- basic items, every jurisdiction's implementation list, their versions, the
-- responsibility list, and full-text search over item names.

-- The standard catalog (基本目录): what the law lets each level do, as a tree
-- main item -> sub-item -> business-handling item. Only the leaves (node =
-- 'handling') are compared with the implementation lists.
CREATE TABLE catalog_basic_items (
    code           TEXT PRIMARY KEY,
    parent_code    TEXT REFERENCES catalog_basic_items(code),
    node           TEXT NOT NULL CHECK (node IN ('main', 'sub', 'handling')),
    name           TEXT NOT NULL,
    name_en        TEXT NOT NULL DEFAULT '',
    item_type      TEXT NOT NULL,
    list           TEXT NOT NULL CHECK (list IN ('power', 'public_service', 'fee')),
    use_levels     TEXT NOT NULL,
    dept_kind      TEXT NOT NULL,
    statutory_days INTEGER,
    legal_basis    TEXT NOT NULL,
    generated      BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX catalog_basic_items_parent ON catalog_basic_items(parent_code);

-- Implementation items (实施清单): one row per item of a jurisdiction's list,
-- holding the current version. doc is the whole item as JSON (materials,
-- fees, form, flowchart, risk points); the columns beside it are what lists,
-- filters and the audit query.
CREATE TABLE catalog_items (
    id                INTEGER PRIMARY KEY,
    jurisdiction_code TEXT NOT NULL REFERENCES jurisdictions(code),
    code              TEXT NOT NULL,
    parent_id         INTEGER REFERENCES catalog_items(id),
    node              TEXT NOT NULL CHECK (node IN ('main', 'sub', 'handling')),
    department_id     INTEGER REFERENCES departments(id),
    name              TEXT NOT NULL,
    name_en           TEXT NOT NULL DEFAULT '',
    item_type         TEXT NOT NULL,
    list              TEXT NOT NULL CHECK (list IN ('power', 'public_service', 'fee')),
    status            TEXT NOT NULL CHECK (status IN ('reported', 'draft', 'published', 'withdrawn')),
    case_type         INTEGER NOT NULL DEFAULT 2,
    statutory_days    INTEGER,
    promised_days     INTEGER,
    for_persons       BOOLEAN NOT NULL DEFAULT FALSE,
    for_enterprises   BOOLEAN NOT NULL DEFAULT FALSE,
    online            BOOLEAN NOT NULL DEFAULT FALSE,
    visits            INTEGER NOT NULL DEFAULT 0,
    has_fee           BOOLEAN NOT NULL DEFAULT FALSE,
    generated         BOOLEAN NOT NULL DEFAULT FALSE,
    version           INTEGER NOT NULL,
    effective_from    TIMESTAMP,
    doc               TEXT NOT NULL,
    search_text       TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    UNIQUE (jurisdiction_code, code)
);
CREATE INDEX catalog_items_parent ON catalog_items(parent_id);
CREATE INDEX catalog_items_list ON catalog_items(jurisdiction_code, list, status);
CREATE INDEX catalog_items_department ON catalog_items(department_id);

-- Which standard leaves an implementation item implements: one for a proper
-- leaf, several for a merged item, none for an item the standard lacks.
CREATE TABLE catalog_item_covers (
    item_id    INTEGER NOT NULL REFERENCES catalog_items(id),
    basic_code TEXT NOT NULL,
    PRIMARY KEY (item_id, basic_code)
);
CREATE INDEX catalog_item_covers_basic ON catalog_item_covers(basic_code);

-- Life events (birth, marriage, moving, business, building, ...) for browsing.
CREATE TABLE catalog_item_events (
    item_id INTEGER NOT NULL REFERENCES catalog_items(id),
    event   TEXT NOT NULL,
    PRIMARY KEY (item_id, event)
);
CREATE INDEX catalog_item_events_event ON catalog_item_events(event);

-- Every published version of an item: its content, what changed, from when
-- it applies and who approved it. Cases refer to (item_id, version).
CREATE TABLE catalog_item_versions (
    item_id        INTEGER NOT NULL REFERENCES catalog_items(id),
    version        INTEGER NOT NULL,
    status         TEXT NOT NULL,
    doc            TEXT NOT NULL,
    diff           TEXT NOT NULL DEFAULT '[]',
    effective_from TIMESTAMP,
    approved_by    TEXT NOT NULL DEFAULT '',
    approved_at    TIMESTAMP,
    note           TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (item_id, version)
);

-- The responsibility list (责任清单): duties of a jurisdiction, each with one
-- lead department and any cooperating ones.
CREATE TABLE catalog_duties (
    id                INTEGER PRIMARY KEY,
    jurisdiction_code TEXT NOT NULL REFERENCES jurisdictions(code),
    code              TEXT NOT NULL,
    name              TEXT NOT NULL,
    name_en           TEXT NOT NULL DEFAULT '',
    content           TEXT NOT NULL DEFAULT '',
    legal_basis       TEXT NOT NULL,
    accountability    TEXT NOT NULL DEFAULT '',
    generated         BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at        TIMESTAMP NOT NULL,
    UNIQUE (jurisdiction_code, code)
);
CREATE TABLE catalog_duty_departments (
    duty_id       INTEGER NOT NULL REFERENCES catalog_duties(id),
    department_id INTEGER NOT NULL REFERENCES departments(id),
    role          TEXT NOT NULL CHECK (role IN ('lead', 'cooperate')),
    PRIMARY KEY (duty_id, department_id)
);

-- Full-text search over names and the searchable text: FTS5 with the
-- trigram tokenizer, so Chinese needs no word segmentation.
CREATE VIRTUAL TABLE catalog_items_fts USING fts5(
    name, search_text, content='catalog_items', content_rowid='id', tokenize='trigram');
CREATE TRIGGER catalog_items_fts_insert AFTER INSERT ON catalog_items BEGIN
    INSERT INTO catalog_items_fts(rowid, name, search_text) VALUES (new.id, new.name, new.search_text);
END;
CREATE TRIGGER catalog_items_fts_delete AFTER DELETE ON catalog_items BEGIN
    INSERT INTO catalog_items_fts(catalog_items_fts, rowid, name, search_text) VALUES ('delete', old.id, old.name, old.search_text);
END;
CREATE TRIGGER catalog_items_fts_update AFTER UPDATE OF name, search_text ON catalog_items BEGIN
    INSERT INTO catalog_items_fts(catalog_items_fts, rowid, name, search_text) VALUES ('delete', old.id, old.name, old.search_text);
    INSERT INTO catalog_items_fts(rowid, name, search_text) VALUES (new.id, new.name, new.search_text);
END;
