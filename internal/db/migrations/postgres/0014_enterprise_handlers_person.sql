-- The enterprises a person acts for (identity.EnterprisesOf, the hub's
-- HandledEntities on every /me/data page a person opens) are found by
-- person; the primary key (enterprise_id, person_id) serves only the
-- enterprise's side, so each such page read the whole table.
CREATE INDEX enterprise_handlers_person ON enterprise_handlers (person_id);
