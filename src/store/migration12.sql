-- Migration 12: the partial indexes of sys_cs_message without IN lists. SQLite evaluates an
-- `IN (...)` of more than two constants through a temporary b-tree it builds on each execution
-- of the statement, and a partial index's condition is evaluated by every INSERT of the table and
-- twice by every UPDATE (the old row and the new): two of these conditions made each status
-- change build four b-trees, each a zeroed page and a pager (a sixth of the soak's instructions).
-- The same conditions, spelled with OR; the queries that use these indexes spell them the same
-- way (`transcript::STALE`, `audit::IN_FLIGHT`), which is how SQLite matches a query to a partial
-- index.
DROP INDEX sys_cs_message_in_flight;
CREATE INDEX sys_cs_message_in_flight ON sys_cs_message (status)
    WHERE direction = 'outbound'
      AND (status = 'pending' OR status = 'retrying' OR status = 'accepted'
           OR status = 'scheduled' OR status = 'queued' OR status = 'sending'
           OR status = 'sent');
DROP INDEX sys_cs_message_stale;
CREATE INDEX sys_cs_message_stale ON sys_cs_message (sys_updated_on)
    WHERE direction = 'outbound' AND provider_sid IS NOT NULL
      AND (status = 'accepted' OR status = 'queued' OR status = 'sending' OR status = 'sent');
