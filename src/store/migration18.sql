-- Migration 18: when each messaging-action timer started, and the duration its action had then,
-- so that an audit (the soak's invariant 8) can tell that a timer is due exactly that long after
-- it started, not a second earlier or later. The store writes both itself at the insert (the
-- start is the write's time, the duration read from sys_cs_messaging_action), not from the
-- engine's computation of the due time. NULL for timers started before this migration.
ALTER TABLE sys_cs_action_timer ADD COLUMN sys_created_on TEXT;
ALTER TABLE sys_cs_action_timer ADD COLUMN duration_secs INTEGER;
