-- Migration 8: when a messaging-action timer left `pending` (fired or cancelled), so an audit
-- (the soak's invariant 8) can tell that no timer fired early. NULL while pending, and for rows
-- settled before this migration.
ALTER TABLE sys_cs_action_timer ADD COLUMN settled_at TEXT;
