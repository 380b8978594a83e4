-- Migration 11: look-ups by display name. `Tx::party_by_name` finds the agent who composes an SMS
-- (`sys_user` by `name` or `user_name`) and scenarios' people by name; `user_name` and the
-- consumer and contact names are UNIQUE (indexed), `sys_user.name` was not, so each look-up read
-- the whole table (17% of a soak's time at 10,000 requesters).
CREATE INDEX sys_user_name ON sys_user (name);
