-- Migration 8: when a messaging-action timer left `pending` (fired or cancelled), so an audit
-- (the soak's invariant 8) can tell that no timer fired early. NULL while pending, and for rows
-- settled before this migration.
ALTER TABLE sys_cs_action_timer ADD COLUMN settled_at TEXT;

-- Audits read what changed since their last look, and what is still in flight, without a scan.
CREATE INDEX sys_cs_message_updated ON sys_cs_message (sys_updated_on);
CREATE INDEX sys_cs_message_in_flight ON sys_cs_message (status)
    WHERE direction = 'outbound'
      AND status IN ('pending', 'retrying', 'accepted', 'scheduled', 'queued', 'sending', 'sent');
CREATE INDEX sys_cs_action_timer_settled ON sys_cs_action_timer (settled_at)
    WHERE settled_at IS NOT NULL;

-- The tick's own lookups, which scanned whole tables: sends whose status has not moved
-- (reconciliation; the terms are the query's own, so SQLite uses the partial index), and the
-- virtual agent's idle conversations.
CREATE INDEX sys_cs_message_stale ON sys_cs_message (sys_updated_on)
    WHERE direction = 'outbound' AND provider_sid IS NOT NULL
      AND status IN ('accepted', 'queued', 'sending', 'sent');
CREATE INDEX interaction_active_assigned ON interaction (assigned_to, number) WHERE active = 1;
