-- Migration 16: what the clock's queries look for, each one seek of an index. `next_tick_due`
-- and the idle close read when each active virtual-agent interaction last heard or said
-- something; they looked up its last message (the interaction's row, then the transcript's
-- (interaction, seq) index, then the message's row) for every one of them, twice, on every
-- wait. The interaction now keeps it, written by the insert of each message; the earliest is
-- the first entry of `interaction_quiet_since`. And the next offer to lapse was a read of every
-- active work item (waiting, offered and accepted alike); it is the first entry of
-- `awa_work_item_offered`.
ALTER TABLE interaction ADD COLUMN last_message_at TEXT;  -- sys_created_on of its last message (highest seq); NULL before the first
UPDATE interaction SET last_message_at = (
    SELECT m.sys_created_on FROM sys_cs_message m
    WHERE m.interaction = interaction.sys_id ORDER BY m.seq DESC LIMIT 1);
CREATE TRIGGER interaction_last_message AFTER INSERT ON sys_cs_message
    BEGIN UPDATE interaction SET last_message_at = NEW.sys_created_on
          WHERE sys_id = NEW.interaction; END;
-- Quiet since: the last message's time, or the opening's before any.
CREATE INDEX interaction_quiet_since
    ON interaction (assigned_to, COALESCE(last_message_at, opened_at)) WHERE active = 1;
CREATE INDEX awa_work_item_offered
    ON awa_work_item (offer_expires_at) WHERE active = 1 AND state = 'offered';
