-- Migration 6: Advanced Work Assignment for the SMS service channel (seed 002; ROUTE-1..2,
-- INBOX-1..3, SYSMSG-1). Replaces the simple `sms_agent_queue` of migration 1.

-- AWA queues of the SMS service channel. `condition` is a ServiceNow encoded query on the
-- interaction (NULL takes every interaction). The default queue (is_default = 1) comes last, takes
-- everything, and its members are every agent with an SMS presence row (awa_agent_presence).
CREATE TABLE awa_queue (
    sys_id      TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    "order"     INTEGER NOT NULL,
    condition   TEXT,
    is_default  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO awa_queue (sys_id, name, "order", condition, is_default)
    VALUES ('000000000000000000000000000000a1', 'Conversational SMS', 2147483647, NULL, 1);

-- Members of configured queues, in preference order (the first wins ties).
CREATE TABLE awa_queue_member (
    queue     TEXT NOT NULL REFERENCES awa_queue (sys_id),
    agent     TEXT NOT NULL REFERENCES sys_user (sys_id),
    position  INTEGER NOT NULL,
    PRIMARY KEY (queue, agent)
);

-- An agent's presence and capacity on the SMS service channel.
CREATE TABLE awa_agent_presence (
    agent         TEXT PRIMARY KEY REFERENCES sys_user (sys_id),
    presence      TEXT NOT NULL,        -- available | away | offline
    sms_capacity  INTEGER NOT NULL      -- default 3 (engine_awa::DEFAULT_SMS_CAPACITY)
);

-- One row per conversation handed to live agents (awa::WorkItem).
CREATE TABLE awa_work_item (
    sys_id            TEXT PRIMARY KEY,
    interaction       TEXT NOT NULL REFERENCES interaction (sys_id),
    queue             TEXT NOT NULL REFERENCES awa_queue (sys_id),
    state             TEXT NOT NULL,    -- pending | offered | accepted | rejected | timed_out | cancelled
    active            INTEGER NOT NULL,
    agent             TEXT REFERENCES sys_user (sys_id),
    offered_at        TEXT,
    offer_expires_at  TEXT,
    declined_by       TEXT NOT NULL DEFAULT '',   -- comma-separated sys_ids
    created_at        TEXT NOT NULL
);
CREATE INDEX awa_work_item_active ON awa_work_item (interaction) WHERE active = 1;

-- The Ongoing tab: one row per active SMS conversation assigned to a live agent.
CREATE TABLE awa_ongoing (
    interaction       TEXT PRIMARY KEY REFERENCES interaction (sys_id),
    agent             TEXT NOT NULL REFERENCES sys_user (sys_id),
    unread            INTEGER NOT NULL,
    last_activity_at  TEXT NOT NULL
);

-- System messages for the requester, written in the transaction that posted them and sent by SMS
-- once it has committed (a restart loses none).
CREATE TABLE awa_sms_outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    interaction  TEXT NOT NULL REFERENCES interaction (sys_id),
    body         TEXT NOT NULL
);

-- Agents of the old queue keep their availability, with the default capacity.
INSERT INTO awa_agent_presence (agent, presence, sms_capacity)
    SELECT agent, CASE available WHEN 1 THEN 'available' ELSE 'offline' END, 3 FROM sms_agent_queue;

-- Conversations live agents already work count against their capacity and show in the Ongoing tab;
-- conversations waiting for an agent wait in the default queue, in the order they were opened.
INSERT INTO awa_work_item (sys_id, interaction, queue, state, active, agent, created_at)
    SELECT lower(hex(randomblob(16))), i.sys_id, '000000000000000000000000000000a1',
           CASE WHEN i.assigned_to IS NULL THEN 'pending' ELSE 'accepted' END, 1, i.assigned_to,
           i.opened_at
    FROM interaction i
    WHERE i.active = 1 AND i.channel = 'sms'
      AND (i.assigned_to IS NULL OR i.assigned_to NOT IN
           ('00000000000000000000000000000001', '00000000000000000000000000000002'));
INSERT INTO awa_ongoing (interaction, agent, unread, last_activity_at)
    SELECT i.sys_id, i.assigned_to, 0, i.opened_at
    FROM interaction i
    WHERE i.active = 1 AND i.channel = 'sms' AND i.assigned_to IS NOT NULL
      AND i.assigned_to NOT IN ('00000000000000000000000000000001', '00000000000000000000000000000002');

DROP TABLE sms_agent_queue;
