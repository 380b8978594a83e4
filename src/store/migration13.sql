-- Migration 13: indexes that hand rows over in the order their queries ask for, so that a
-- look-up of one or a few rows builds no sorter (SQLite's "USE TEMP B-TREE FOR ORDER BY": a
-- sorter opened, filled and sorted on every execution). Each replaces an index of the same name
-- whose columns are a prefix of the new ones, so what it served it still serves.

-- A requester's records by phone, by sys_id (`Tx::user_by_phone`, `Tx::customers_by_phone`:
-- once per inbound message).
DROP INDEX sys_user_mobile_phone;
CREATE INDEX sys_user_mobile_phone ON sys_user (mobile_phone, sys_id);
DROP INDEX csm_consumer_mobile_phone;
CREATE INDEX csm_consumer_mobile_phone ON csm_consumer (mobile_phone, sys_id);
DROP INDEX customer_contact_mobile_phone;
CREATE INDEX customer_contact_mobile_phone ON customer_contact (mobile_phone, sys_id);

-- An interaction's pending timers by due time (`Tx::pending_timers`: once per message), and the
-- pending timers due by a time (`Tx::due_timers`: every tick).
DROP INDEX sys_cs_action_timer_interaction;
CREATE INDEX sys_cs_action_timer_interaction ON sys_cs_action_timer (interaction, due_at, action)
    WHERE state = 'pending';
DROP INDEX sys_cs_action_timer_due;
CREATE INDEX sys_cs_action_timer_due ON sys_cs_action_timer (due_at, interaction, action)
    WHERE state = 'pending';

-- The active work items, oldest first (`Tx::awa_active_items`, `Tx::awa_waiting_items`,
-- `Tx::awa_items_out_of_step`: a routing pass). An active item of an interaction is found
-- through `awa_work_item_interaction` (migration 9).
DROP INDEX awa_work_item_active;
CREATE INDEX awa_work_item_active ON awa_work_item (created_at, sys_id) WHERE active = 1;
