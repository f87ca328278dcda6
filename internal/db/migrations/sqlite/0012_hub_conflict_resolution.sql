-- Resolving conflicts between sources (internal/hub, conflicts.go). A
-- conflict (0009_hub) is a value a source that is not the element's
-- authority offered, differing from the authoritative value. The hall
-- never writes the offered value over the authoritative one (一数一源):
-- the system administrator closes a conflict with an outcome —
-- 'confirmed' (the authoritative value stands) or 'referred' (sent to the
-- authoritative source to correct its record) — and a note; it closes by
-- itself ('corrected') when the authoritative source later imports or
-- pushes the offered value. The outcome goes in the existing resolution
-- column, with who closed it (an account, or the import that corrected
-- it) and why.
ALTER TABLE hub_conflicts ADD COLUMN resolved_by TEXT NOT NULL DEFAULT '';
ALTER TABLE hub_conflicts ADD COLUMN resolved_by_name TEXT NOT NULL DEFAULT '';
ALTER TABLE hub_conflicts ADD COLUMN resolved_import BIGINT;
ALTER TABLE hub_conflicts ADD COLUMN note TEXT NOT NULL DEFAULT '';

-- The administrators' list filters by element and by offering source.
CREATE INDEX hub_conflicts_element ON hub_conflicts (element, at);
CREATE INDEX hub_conflicts_offered ON hub_conflicts (offered_source, at);
