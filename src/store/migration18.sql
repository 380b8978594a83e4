-- Migration 18: when each messaging-action timer started, and the duration its action had then,
-- so that an audit (the soak's invariant 8) can tell that a timer is due exactly that long after
-- it started, not a second earlier or later. The start is the instant of the write that starts
-- it (the time the engine passes with it, the virtual clock's); the duration is read by the
-- insert itself from sys_cs_messaging_action, not taken from the engine's computation of the
-- due time. NULL for timers started before this migration.
ALTER TABLE sys_cs_action_timer ADD COLUMN sys_created_on TEXT;
ALTER TABLE sys_cs_action_timer ADD COLUMN duration_secs INTEGER;
