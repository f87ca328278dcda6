-- Catalog search ranked by the index (internal/catalog/search.go): only
-- published items are indexed, under a key that puts shorter names first
-- (the name's length in characters << 40 | the item's id), so the first
-- page of a broad query is read from the index in key order instead of
-- ranking every match. Filter values travel as tags beside the text.
-- The catalog writes these tables in the transactions that change items;
-- it fills them at start when they lag behind (an upgraded hall).
DROP TRIGGER catalog_items_fts_insert;
DROP TRIGGER catalog_items_fts_delete;
DROP TRIGGER catalog_items_fts_update;
DROP TABLE catalog_items_fts;

-- Terms of three characters or more: trigram substrings of the name and
-- the searchable text (codes, laws, materials, results).
CREATE VIRTUAL TABLE catalog_search USING fts5(name, text, tags, tokenize='trigram');

-- Terms of one or two characters: the distinct one- and two-character
-- grams of each run of letters and digits, written by internal/db (the
-- name's first gram and bigram also marked with a leading _).
CREATE VIRTUAL TABLE catalog_search_grams USING fts5(name, text, tags,
    tokenize="unicode61 remove_diacritics 0 tokenchars '_:'");
