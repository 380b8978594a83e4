-- Migration 1: the tables of Conversational SMS, named as ServiceNow names them.
-- sys_id values are 32 lower-case hex digits from a counter (deterministic in scenarios).

CREATE TABLE sys_number (
    prefix      TEXT PRIMARY KEY,          -- 'IMS' for interactions, 'sys_id' for record ids
    next_value  INTEGER NOT NULL
);
INSERT INTO sys_number (prefix, next_value) VALUES ('IMS', 1001), ('sys_id', 256);

CREATE TABLE sys_properties (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

CREATE TABLE sys_user (
    sys_id        TEXT PRIMARY KEY,
    user_name     TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    mobile_phone  TEXT,                    -- E.164 or NULL
    country       TEXT                     -- ISO 3166-1 alpha-2 or NULL
);
CREATE INDEX sys_user_mobile_phone ON sys_user (mobile_phone);

CREATE TABLE sys_user_has_role (
    user  TEXT NOT NULL REFERENCES sys_user (sys_id),
    role  TEXT NOT NULL,
    PRIMARY KEY (user, role)
);

CREATE TABLE csm_consumer (
    sys_id        TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    mobile_phone  TEXT,
    country       TEXT
);
CREATE INDEX csm_consumer_mobile_phone ON csm_consumer (mobile_phone);

CREATE TABLE customer_contact (
    sys_id        TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    mobile_phone  TEXT,
    country       TEXT
);
CREATE INDEX customer_contact_mobile_phone ON customer_contact (mobile_phone);

-- The messaging profile: links a requester phone to a user record, or to nobody (guest).
CREATE TABLE sys_cs_channel_user_profile (
    sys_id           TEXT PRIMARY KEY,
    channel_user_id  TEXT NOT NULL,        -- the requester phone, E.164
    user_table       TEXT,                 -- 'sys_user' | 'csm_consumer' | 'customer_contact' | NULL
    user_document    TEXT,                 -- sys_id in user_table, or NULL
    active           INTEGER NOT NULL,
    sys_created_on   TEXT NOT NULL,
    CHECK ((user_table IS NULL) = (user_document IS NULL))
);
CREATE UNIQUE INDEX one_active_profile_per_phone
    ON sys_cs_channel_user_profile (channel_user_id) WHERE active = 1;

-- Provider configurations (channel identifiers) and the numbers each owns.
CREATE TABLE sys_cs_provider_application (
    sys_id       TEXT PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    integration  TEXT NOT NULL             -- 'conversational_sms' | 'twilio_direct' | 'twilio_notify'
);
CREATE TABLE sys_cs_provider_number (
    number                TEXT PRIMARY KEY,  -- E.164: one integration per number (PROVIDER-1)
    provider_application  TEXT NOT NULL REFERENCES sys_cs_provider_application (sys_id)
);

CREATE TABLE interaction (
    sys_id                TEXT PRIMARY KEY,
    number                TEXT NOT NULL UNIQUE,   -- IMS0001001
    type                  TEXT NOT NULL,          -- 'messaging' | 'phone'
    channel               TEXT,                   -- 'sms' for messaging interactions
    state                 TEXT NOT NULL,          -- new | work_in_progress | closed_complete | closed_abandoned
    active                INTEGER NOT NULL,
    assigned_to           TEXT REFERENCES sys_user (sys_id),   -- an agent, the virtual agent, or NULL (in queue)
    opened_for_table      TEXT NOT NULL,          -- 'sys_user' | 'csm_consumer' | 'customer_contact'
    opened_for            TEXT NOT NULL,
    channel_user_profile  TEXT REFERENCES sys_cs_channel_user_profile (sys_id),
    requester_phone       TEXT,                   -- E.164
    provider_phone        TEXT,                   -- E.164
    va_topic              TEXT,
    va_node               TEXT,
    opened_at             TEXT NOT NULL,
    closed_at             TEXT
);
-- The key of an active SMS interaction is the pair (requester phone, provider number).
CREATE UNIQUE INDEX one_active_sms_interaction_per_pair
    ON interaction (requester_phone, provider_phone) WHERE active = 1 AND channel = 'sms';

CREATE TABLE live_group_profile (
    interaction  TEXT NOT NULL REFERENCES interaction (sys_id),
    agent        TEXT NOT NULL REFERENCES sys_user (sys_id),
    joined_at    TEXT NOT NULL,
    PRIMARY KEY (interaction, agent)
);

-- Agents ready to take SMS conversations (the simple queue; Advanced Work Assignment replaces it).
CREATE TABLE sms_agent_queue (
    agent      TEXT PRIMARY KEY REFERENCES sys_user (sys_id),
    available  INTEGER NOT NULL
);

-- The transcript: every message of every interaction, in order.
CREATE TABLE sys_cs_message (
    sys_id          TEXT PRIMARY KEY,
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
    UNIQUE (interaction, seq)
);

INSERT INTO sys_user (sys_id, user_name, name) VALUES
    ('00000000000000000000000000000001', 'guest', 'Guest'),
    ('00000000000000000000000000000002', 'virtual.agent', 'Virtual Agent');

-- Files attached to outbound messages, served to the provider at /api/now/attachment/{sys_id}/file.
CREATE TABLE sys_attachment (
    sys_id        TEXT PRIMARY KEY,
    file_name     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    data          BLOB NOT NULL
);
