-- Migration 4: the virtual agent's topic state on the interaction, and the records topics show
-- (customer service cases; a demo order table for the order_status topic).
ALTER TABLE interaction ADD COLUMN va_state TEXT;   -- JSON of topic::TopicState, or NULL

CREATE TABLE sn_customerservice_case (
    sys_id             TEXT PRIMARY KEY,
    number             TEXT NOT NULL UNIQUE,   -- CS0001001
    short_description  TEXT NOT NULL,
    state              TEXT NOT NULL,          -- new | open | awaiting_info | resolved | closed
    assigned_to        TEXT,                   -- an agent's name, as cards show it
    contact_table      TEXT NOT NULL,          -- sys_user | csm_consumer | customer_contact
    contact            TEXT NOT NULL
);

CREATE TABLE x_convsms_order (
    sys_id             TEXT PRIMARY KEY,
    number             TEXT NOT NULL UNIQUE,
    state              TEXT NOT NULL,
    carrier            TEXT,
    expected_delivery  TEXT
);
