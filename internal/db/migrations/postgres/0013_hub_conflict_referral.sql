-- A referred conflict closes when the authority corrects (internal/hub,
-- conflicts_settle.go). A conflict the system administrator resolved as
-- 'referred' (0012) waits for the authoritative source to correct its own
-- record; when that source then imports or pushes the offered value, the
-- conflict closes as 'corrected' like an open one. The referral — when and
-- by whom — moves to these columns (the note stays where it is), so the
-- trail keeps it and taking the correcting import back (undo.go) restores
-- the conflict to 'referred', not to open.
ALTER TABLE hub_conflicts ADD COLUMN referred_at TIMESTAMPTZ;
ALTER TABLE hub_conflicts ADD COLUMN referred_by TEXT NOT NULL DEFAULT '';
ALTER TABLE hub_conflicts ADD COLUMN referred_by_name TEXT NOT NULL DEFAULT '';

-- The conflicts an import may settle: the open ones and the referred ones.
-- Each batch of an import probes this (small) index once; it replaces
-- hub_conflicts_open for that probe, which the list of open conflicts
-- still uses.
CREATE INDEX hub_conflicts_pending ON hub_conflicts (at) WHERE resolved_at IS NULL OR resolution = 'referred';
