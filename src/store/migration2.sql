-- Migration 2: retries of sends the provider could not take (HTTP 429, 5xx, unreachable), and the
-- time of the last delivery-status change, for reconciling dropped callbacks.
ALTER TABLE sys_cs_message ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sys_cs_message ADD COLUMN next_attempt_at TEXT;
CREATE INDEX sys_cs_message_retry ON sys_cs_message (next_attempt_at) WHERE status = 'retrying';
