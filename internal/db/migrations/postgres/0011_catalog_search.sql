-- Catalog search ranked by the index (internal/catalog/search.go): only
-- published items are indexed, under a key that puts shorter names first
-- (the name's length in characters << 40 | the item's id), so the first
-- page of a broad query is read in key order and the reading stops,
-- instead of ranking every match. The catalog writes these tables in the
-- transactions that change items; it fills them at start when they lag
-- behind (an upgraded hall). See internal/db/search.go for the queries.
DROP INDEX catalog_items_search;

-- Terms of three characters or more, and names that start with the query:
-- a narrow table (matching rows are read without the items' documents).
CREATE TABLE catalog_search (
    key  BIGINT PRIMARY KEY,
    name TEXT NOT NULL,   -- lower-cased
    text TEXT NOT NULL,   -- name, a space, the searchable text; lower-cased
    tags TEXT[] NOT NULL  -- filter values, e.g. j:341621000000, e:marriage
);
CREATE INDEX catalog_search_name ON catalog_search USING gin (name gin_trgm_ops);
CREATE INDEX catalog_search_text ON catalog_search USING gin (text gin_trgm_ops);
CREATE INDEX catalog_search_tags ON catalog_search USING gin (tags);
CREATE INDEX catalog_search_prefix ON catalog_search (name text_pattern_ops);

-- Terms of one or two characters, which pg_trgm cannot index, and the
-- tags: an inverted index whose postings are read in key order and merged.
-- The planner chooses merge joins only when it knows how long each
-- posting list is, hence the detailed statistics on term.
CREATE TABLE catalog_search_terms (
    term TEXT NOT NULL,   -- a gram, n: and a gram of the name, or a tag
    key  BIGINT NOT NULL,
    PRIMARY KEY (term, key)
);
CREATE INDEX catalog_search_terms_key ON catalog_search_terms (key);
ALTER TABLE catalog_search_terms ALTER COLUMN term SET STATISTICS 10000;

-- A search reads a few thousand index entries at most: starting parallel
-- workers for it costs more than it saves (measured 80 ms instead of 3 ms
-- for a merge of three postings on two cores).
ALTER TABLE catalog_search SET (parallel_workers = 0);
ALTER TABLE catalog_search_terms SET (parallel_workers = 0);
