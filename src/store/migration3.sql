-- Migration 3: SMS update notification subscriptions of registered users (NOTIF-1..5).
CREATE TABLE sys_cs_sms_subscription (
    user            TEXT PRIMARY KEY REFERENCES sys_user (sys_id),
    enabled         INTEGER NOT NULL,
    sys_updated_on  TEXT NOT NULL
);
