-- Migration 5: messaging actions (seed 002), their timers, and workspace notifications.
CREATE TABLE sys_cs_messaging_action (
    name           TEXT PRIMARY KEY,
    event          TEXT NOT NULL,     -- requester_without_agent_response | agent_without_requester_response
    duration_secs  INTEGER NOT NULL,
    active         INTEGER NOT NULL,
    filter         TEXT,              -- ServiceNow encoded query on the interaction, or NULL
    action         TEXT NOT NULL,     -- prompt_agent | prompt_requester | reassign | set_state
    action_value   TEXT               -- the prompt's text, or the state
);
-- ServiceNow's two defaults (actions::defaults).
INSERT INTO sys_cs_messaging_action VALUES
    ('Remind agent', 'requester_without_agent_response', 1800, 1, 'state=work_in_progress',
     'prompt_agent', 'The requester has been waiting 30 minutes for your response.'),
    ('Close abandoned conversation', 'agent_without_requester_response', 172800, 1,
     'state=work_in_progress', 'set_state', 'closed_abandoned');

-- Every timer is a row: a restart loses none.
CREATE TABLE sys_cs_action_timer (
    sys_id       TEXT PRIMARY KEY,
    interaction  TEXT NOT NULL REFERENCES interaction (sys_id),
    action       TEXT NOT NULL,
    event        TEXT NOT NULL,
    due_at       TEXT NOT NULL,
    state        TEXT NOT NULL        -- pending | fired | cancelled
);
CREATE INDEX sys_cs_action_timer_due ON sys_cs_action_timer (due_at) WHERE state = 'pending';

CREATE TABLE workspace_notification (
    sys_id       TEXT PRIMARY KEY,
    agent        TEXT NOT NULL REFERENCES sys_user (sys_id),
    interaction  TEXT REFERENCES interaction (sys_id),
    text         TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
