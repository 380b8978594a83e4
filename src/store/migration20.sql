-- Migration 20: a send whose answer was lost and whose fate is unconfirmed. When a send fails in
-- a way that may have created the message (a 5xx, no answer read) and the engine could not look
-- in the provider's list then (the list did not answer either), the send waits for its retry
-- with the instant its lost attempt started; the retry looks in the list from a little before
-- that instant first, and sends again only when the list answers without the message. NULL for
-- every other row (and for rows written before this migration: none was waiting for a look).
ALTER TABLE sys_cs_message ADD COLUMN unconfirmed_since TEXT;
