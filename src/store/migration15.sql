-- Migration 15: `sys_cs_message` keyed by the number its sys_id spells. A sys_id is the `sys_id`
-- counter of `sys_number` in 32 hex digits; the table's rowid is now that number (`rid`, an
-- INTEGER PRIMARY KEY) and `sys_id` is computed from it, so the table keeps no index of its own on
-- sys_id: a message written was four pages in the WAL (the row, the sys_id index, the
-- provider_sid index, the (interaction, seq) index), and is three. Rows are looked up by sys_id
-- through `rid` (`transcript::message_rid`); the rowids the soak's auditor logs are `rid`s.
CREATE TABLE sys_cs_message_new (
    rid             INTEGER PRIMARY KEY,    -- the sys_id counter's value
    sys_id          TEXT GENERATED ALWAYS AS (printf('%032x', rid)) VIRTUAL,
    interaction     TEXT NOT NULL REFERENCES interaction (sys_id),
    seq             INTEGER NOT NULL,       -- order within the interaction, from 1
    direction       TEXT NOT NULL,          -- 'inbound' | 'outbound' | 'internal'
    author_kind     TEXT NOT NULL,          -- 'requester' | 'virtual_agent' | 'agent' | 'system'
    author          TEXT,                   -- sys_user sys_id for agents
    body            TEXT NOT NULL,
    media           TEXT NOT NULL,          -- JSON array of {url, content_type}
    provider_sid    TEXT UNIQUE,            -- Twilio MessageSid
    status          TEXT NOT NULL,          -- pending | queued | sent | delivered | undelivered | failed | received | internal
    error_code      INTEGER,
    error_message   TEXT,
    sys_created_on  TEXT NOT NULL,
    sys_updated_on  TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    UNIQUE (interaction, seq)
);
-- The last 16 hex digits as a number (the counter never reaches 2^63).
INSERT INTO sys_cs_message_new (rid, interaction, seq, direction, author_kind, author, body, media,
        provider_sid, status, error_code, error_message, sys_created_on, sys_updated_on, attempts,
        next_attempt_at)
    SELECT (WITH RECURSIVE d(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM d WHERE k < 16)
            SELECT sum((instr('0123456789abcdef', lower(substr(m.sys_id, 16 + k, 1))) - 1)
                       << (4 * (16 - k))) FROM d),
           interaction, seq, direction, author_kind, author, body, media, provider_sid, status,
           error_code, error_message, sys_created_on, sys_updated_on, attempts, next_attempt_at
    FROM sys_cs_message m;
DROP TABLE sys_cs_message;
ALTER TABLE sys_cs_message_new RENAME TO sys_cs_message;
CREATE INDEX sys_cs_message_retry ON sys_cs_message (next_attempt_at) WHERE status = 'retrying';
CREATE INDEX sys_cs_message_stale ON sys_cs_message (sys_updated_on)
    WHERE direction = 'outbound' AND provider_sid IS NOT NULL
      AND (status = 'accepted' OR status = 'queued' OR status = 'sending' OR status = 'sent');
