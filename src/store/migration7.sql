-- Migration 7: a timed-out offer is not a decline (ROUTE-2). `awa_work_item.timed_out_by` lists
-- the agents who let an offer of the item time out, the longest ago first (comma-separated
-- sys_ids): they are offered it again when nobody else can take it. `declined_by` keeps the agents
-- who rejected it (or had it taken from them by a Reassign). Rows written before this migration
-- keep their earlier timeouts in `declined_by`: who timed out and who rejected cannot be told
-- apart there.
ALTER TABLE awa_work_item ADD COLUMN timed_out_by TEXT NOT NULL DEFAULT '';
