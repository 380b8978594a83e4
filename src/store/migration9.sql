-- Migration 9: indexes for the look-ups of the inbound path (`convsms bench engine`), so that their
-- cost does not grow with the number of conversations.

-- An interaction's pending messaging-action timers (`Tx::pending_timers`, `Tx::set_timer_state`).
CREATE INDEX sys_cs_action_timer_interaction ON sys_cs_action_timer (interaction)
    WHERE state = 'pending';

-- The work items that hold an agent's slot, oldest first (`Tx::awa_items_holding_slots`): a
-- routing pass reads them, not the whole queue.
CREATE INDEX awa_work_item_holding ON awa_work_item (created_at, sys_id)
    WHERE active = 1 AND state IN ('offered', 'accepted');

-- An interaction's latest work item, whatever its state (`Tx::awa_item_for`): the index on active
-- items alone does not serve it.
CREATE INDEX awa_work_item_interaction ON awa_work_item (interaction);
