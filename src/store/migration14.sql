-- Migration 14: the two indexes of `sys_cs_message` that only audits read go. Every insert of a
-- message and every change of its status kept them (an entry deleted and another inserted, keyed
-- by text), for the soak's auditor, which now learns what changed from its connection's update
-- hook (`Tx::audit_log_message_changes`), and for the end-of-run check of what is still in
-- flight, which reads the table once.
DROP INDEX sys_cs_message_updated;
DROP INDEX sys_cs_message_in_flight;
