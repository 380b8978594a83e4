//! Queries for Advanced Work Assignment on the SMS service channel, the Ongoing tab and the system
//! messages waiting to be sent to requesters (migration 6; seed 002, ROUTE, INBOX, SYSMSG).
//!
//! Rows map one to one onto the plain data of [`crate::domain::work_assignment`]: the engine loads them, lets the pure
//! module decide, and writes back what changed.

use const_format::concatcp;
use rusqlite::{params, OptionalExtension, Row};

use chrono::{DateTime, Utc};

use super::memo::Routed;
use super::{parsed, ts, ts_col, ts_opt_col, StoreError, Tx};
use crate::domain::encoded_query::EncodedQuery;
use crate::domain::model::{SysId, VIRTUAL_AGENT_SYS_ID};
use crate::domain::work_assignment::{
    Agent, OngoingEntry, Presence, Queue, WorkItem, WorkItemState,
};

/// A per-connection count of the changes to what an AWA routing pass reads (created by
/// `SqliteStore::init`, temporary: it lives and dies with the connection): work items, the
/// Ongoing tab's rows and their agents, agents' presence and capacity, queues and their members,
/// and the `active` and `assigned_to` of interactions with an active work item or an Ongoing
/// entry (a pass reads no other interaction), or an interaction's deletion. Triggers are part of the
/// write that fires them: a rollback takes its counts back. The table's second column,
/// `out_of_step`, counts what could put a work item or an Ongoing entry out of step: the two
/// interaction triggers here and those of [`out_of_step_changes`]. The third, `holding`, counts
/// the writes of work items that hold an agent's slot before or after the write
/// ([`Tx::awa_items_holding_slots`] reads them again only after one).
pub(crate) const ROUTING_CHANGES: &str = "
    CREATE TEMP TABLE awa_routing_changes (
        n INTEGER NOT NULL,
        out_of_step INTEGER NOT NULL DEFAULT 0,
        holding INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO temp.awa_routing_changes (n) VALUES (0);
    CREATE TEMP TRIGGER awa_holding_item_insert AFTER INSERT ON main.awa_work_item
        WHEN NEW.active = 1 AND NEW.state IN ('offered', 'accepted')
        BEGIN UPDATE awa_routing_changes SET holding = holding + 1; END;
    CREATE TEMP TRIGGER awa_holding_item_update AFTER UPDATE ON main.awa_work_item
        WHEN (OLD.active = 1 AND OLD.state IN ('offered', 'accepted'))
            OR (NEW.active = 1 AND NEW.state IN ('offered', 'accepted'))
        BEGIN UPDATE awa_routing_changes SET holding = holding + 1; END;
    CREATE TEMP TRIGGER awa_holding_item_delete AFTER DELETE ON main.awa_work_item
        WHEN OLD.active = 1 AND OLD.state IN ('offered', 'accepted')
        BEGIN UPDATE awa_routing_changes SET holding = holding + 1; END;
    CREATE TEMP TRIGGER awa_routing_item_insert AFTER INSERT ON main.awa_work_item
        BEGIN UPDATE awa_routing_changes SET n = n + 1; END;
    CREATE TEMP TRIGGER awa_routing_item_update AFTER UPDATE ON main.awa_work_item
        BEGIN UPDATE awa_routing_changes SET n = n + 1; END;
    CREATE TEMP TRIGGER awa_routing_item_delete AFTER DELETE ON main.awa_work_item
        BEGIN UPDATE awa_routing_changes SET n = n + 1; END;
    CREATE TEMP TRIGGER awa_routing_ongoing_insert AFTER INSERT ON main.awa_ongoing
        BEGIN UPDATE awa_routing_changes SET n = n + 1; END;
    CREATE TEMP TRIGGER awa_routing_ongoing_agent AFTER UPDATE OF agent ON main.awa_ongoing
        WHEN OLD.agent IS NOT NEW.agent
        BEGIN UPDATE awa_routing_changes SET n = n + 1; END;
    CREATE TEMP TRIGGER awa_routing_ongoing_delete AFTER DELETE ON main.awa_ongoing
        BEGIN UPDATE awa_routing_changes SET n = n + 1; END;
    CREATE TEMP TRIGGER awa_routing_presence_insert AFTER INSERT ON main.awa_agent_presence
        BEGIN UPDATE awa_routing_changes SET n = n + 1; END;
    CREATE TEMP TRIGGER awa_routing_presence_update AFTER UPDATE ON main.awa_agent_presence
        BEGIN UPDATE awa_routing_changes SET n = n + 1; END;
    CREATE TEMP TRIGGER awa_routing_presence_delete AFTER DELETE ON main.awa_agent_presence
        BEGIN UPDATE awa_routing_changes SET n = n + 1; END;
    CREATE TEMP TRIGGER awa_routing_queue_insert AFTER INSERT ON main.awa_queue
        BEGIN UPDATE awa_routing_changes SET n = n + 1; END;
    CREATE TEMP TRIGGER awa_routing_queue_update AFTER UPDATE ON main.awa_queue
        BEGIN UPDATE awa_routing_changes SET n = n + 1; END;
    CREATE TEMP TRIGGER awa_routing_queue_delete AFTER DELETE ON main.awa_queue
        BEGIN UPDATE awa_routing_changes SET n = n + 1; END;
    CREATE TEMP TRIGGER awa_routing_member_insert AFTER INSERT ON main.awa_queue_member
        BEGIN UPDATE awa_routing_changes SET n = n + 1; END;
    CREATE TEMP TRIGGER awa_routing_member_update AFTER UPDATE ON main.awa_queue_member
        BEGIN UPDATE awa_routing_changes SET n = n + 1; END;
    CREATE TEMP TRIGGER awa_routing_member_delete AFTER DELETE ON main.awa_queue_member
        BEGIN UPDATE awa_routing_changes SET n = n + 1; END;
    CREATE TEMP TRIGGER awa_routing_interaction_handler
        AFTER UPDATE OF active, assigned_to ON main.interaction
        WHEN (OLD.active IS NOT NEW.active OR OLD.assigned_to IS NOT NEW.assigned_to)
            AND (EXISTS (SELECT 1 FROM main.awa_work_item w
                         WHERE w.interaction = NEW.sys_id AND w.active = 1)
                 OR EXISTS (SELECT 1 FROM main.awa_ongoing o WHERE o.interaction = NEW.sys_id))
        BEGIN UPDATE awa_routing_changes SET n = n + 1, out_of_step = out_of_step + 1; END;
    CREATE TEMP TRIGGER awa_routing_interaction_delete AFTER DELETE ON main.interaction
        BEGIN UPDATE awa_routing_changes SET n = n + 1, out_of_step = out_of_step + 1; END;
";

/// Whether the work item `w` (a table alias, or `NEW` in a trigger) is active and out of step
/// with its interaction, as an SQL condition: Accepted, and its interaction is gone, closed or
/// not assigned to the item's agent (or the agent is the virtual agent); any other state, and its
/// interaction is gone, closed or no longer unassigned (waiting in the queue). A routing pass
/// completes or cancels such items ([`Tx::awa_items_out_of_step`]).
fn item_out_of_step(w: &str) -> String {
    format!(
        "{w}.active = 1 AND NOT coalesce((SELECT CASE WHEN {w}.state = 'accepted'
             THEN i.active <> 0 AND {w}.agent IS NOT NULL AND i.assigned_to = {w}.agent
                  AND {w}.agent <> '{VIRTUAL_AGENT_SYS_ID}'
             ELSE i.active <> 0 AND i.assigned_to IS NULL END
         FROM main.interaction i WHERE i.sys_id = {w}.interaction), 0)"
    )
}

/// Whether the Ongoing tab entry `o` (an alias, or `NEW`) is out of step: its interaction is
/// gone, closed or not assigned to the entry's agent (or the agent is the virtual agent). A
/// routing pass removes such entries ([`Tx::ongoing_entries_out_of_step`]).
fn ongoing_out_of_step(o: &str) -> String {
    format!(
        "NOT coalesce((SELECT i.active <> 0 AND i.assigned_to = {o}.agent
                 AND {o}.agent <> '{VIRTUAL_AGENT_SYS_ID}'
         FROM main.interaction i WHERE i.sys_id = {o}.interaction), 0)"
    )
}

/// Triggers that count, in `awa_routing_changes.out_of_step`, every change that may leave a work
/// item or an Ongoing entry out of step with its interaction ([`item_out_of_step`],
/// [`ongoing_out_of_step`]): an item or entry written out of step, and (with
/// [`ROUTING_CHANGES`]) a change to the `active` or `assigned_to` of an interaction they refer to,
/// or its deletion. A write that leaves them in step (an offer to an unassigned interaction, a
/// new indicator, an item completed) counts nothing, so a routing pass can skip its catch-up
/// ([`Tx::awa_in_step`]) until something could have put them out of step.
pub(crate) fn out_of_step_changes() -> String {
    let item = item_out_of_step("NEW");
    let entry = ongoing_out_of_step("NEW");
    let bump = "BEGIN UPDATE awa_routing_changes SET out_of_step = out_of_step + 1; END;";
    format!(
        "CREATE TEMP TRIGGER awa_out_of_step_item_insert AFTER INSERT ON main.awa_work_item
             WHEN {item} {bump}
         CREATE TEMP TRIGGER awa_out_of_step_item_update AFTER UPDATE ON main.awa_work_item
             WHEN {item} {bump}
         CREATE TEMP TRIGGER awa_out_of_step_ongoing_insert AFTER INSERT ON main.awa_ongoing
             WHEN {entry} {bump}
         CREATE TEMP TRIGGER awa_out_of_step_ongoing_update AFTER UPDATE ON main.awa_ongoing
             WHEN {entry} {bump}"
    )
}

/// The columns `item_from_row` reads, as a literal for `concat!` (statements on the inbound path
/// are `&'static str`, not built per call).
macro_rules! item_cols {
    () => {
        "sys_id, interaction, queue, state, active, agent, offered_at, offer_expires_at, declined_by, created_at, timed_out_by"
    };
}

const ITEM_COLS: &str = item_cols!();

/// Comma-separated sys_ids (they contain no commas) as a list.
fn id_list(text: &str) -> Vec<String> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn item_from_row(r: &Row<'_>) -> rusqlite::Result<WorkItem> {
    let declined: String = r.get(8)?;
    let timed_out: String = r.get(10)?;
    Ok(WorkItem {
        sys_id: r.get(0)?,
        interaction: r.get(1)?,
        queue: r.get(2)?,
        state: parsed(r, 3, "a work item state", WorkItemState::parse)?,
        active: r.get(4)?,
        agent: r.get(5)?,
        offered_at: ts_opt_col(r, 6)?,
        offer_expires_at: ts_opt_col(r, 7)?,
        declined_by: id_list(&declined),
        timed_out_by: id_list(&timed_out),
        created_at: ts_col(r, 9)?,
    })
}

fn agent_from_row(r: &Row<'_>) -> rusqlite::Result<Agent> {
    Ok(Agent {
        sys_id: r.get(0)?,
        presence: parsed(r, 1, "an AWA presence", Presence::parse)?,
        sms_capacity: r.get(2)?,
    })
}

fn ongoing_from_row(r: &Row<'_>) -> rusqlite::Result<OngoingEntry> {
    Ok(OngoingEntry {
        interaction: r.get(0)?,
        agent: r.get(1)?,
        unread: r.get(2)?,
        last_activity_at: ts_col(r, 3)?,
    })
}

impl Tx<'_> {
    // ----- queues -----------------------------------------------------------------------------

    /// Every SMS queue with its members. The default queue's members are every agent with an SMS
    /// presence row, by user_name; a configured queue's, in the order they were given. A stored
    /// condition that no longer parses leaves its queue out (it takes nothing). Read once, then
    /// remembered until a queue is written or an agent gets a presence row (see
    /// [`Tx::save_awa_agent`]).
    pub fn awa_queues(&self) -> Result<Vec<Queue>, StoreError> {
        self.remembered(|c| &mut c.awa_queues, || self.load_awa_queues())
    }

    fn load_awa_queues(&self) -> Result<Vec<Queue>, StoreError> {
        let mut st = self.0.prepare_cached(
            "SELECT sys_id, name, \"order\", condition, is_default FROM awa_queue ORDER BY \"order\", sys_id",
        )?;
        let rows: Vec<(SysId, String, i32, Option<String>, bool)> = st
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<Result<_, _>>()?;
        let mut queues = Vec::with_capacity(rows.len());
        for (sys_id, name, order, condition, is_default) in rows {
            let condition = match condition {
                None => None,
                Some(text) => match EncodedQuery::parse(&text) {
                    Ok(q) => Some(q),
                    Err(_) => continue,
                },
            };
            let agents = if is_default {
                let mut st = self.0.prepare_cached(
                    // CROSS JOIN keeps the presence rows outside: the agents, not every user.
                    "SELECT p.agent FROM awa_agent_presence p CROSS JOIN sys_user u ON u.sys_id = p.agent
                     ORDER BY u.user_name",
                )?;
                let rows = st.query_map([], |r| r.get(0))?;
                rows.collect::<Result<Vec<SysId>, _>>()?
            } else {
                let mut st = self.0.prepare_cached(
                    "SELECT agent FROM awa_queue_member WHERE queue = ?1 ORDER BY position, agent",
                )?;
                let rows = st.query_map([&sys_id], |r| r.get(0))?;
                rows.collect::<Result<Vec<SysId>, _>>()?
            };
            queues.push(Queue {
                sys_id,
                name,
                order,
                condition,
                agents,
            });
        }
        Ok(queues)
    }

    /// A queue's name.
    pub fn awa_queue_name(&self, sys_id: &str) -> Result<Option<String>, StoreError> {
        self.row(
            "SELECT name FROM awa_queue WHERE sys_id = ?1",
            [sys_id],
            |r| r.get(0),
        )
        .optional()
    }

    /// Creates or replaces (by name) a configured SMS queue and its members, in preference order.
    /// `condition` must already be a valid encoded query.
    pub fn save_awa_queue(
        &self,
        name: &str,
        order: i32,
        condition: Option<&EncodedQuery>,
        members: &[SysId],
    ) -> Result<SysId, StoreError> {
        let existing: Option<SysId> = self
            .row(
                "SELECT sys_id FROM awa_queue WHERE name = ?1",
                [name],
                |r| r.get(0),
            )
            .optional()?;
        let sys_id = match existing {
            Some(id) => id,
            None => self.new_sys_id()?,
        };
        self.1.config().borrow_mut().awa_queues = None;
        self.exec(
            "INSERT INTO awa_queue (sys_id, name, \"order\", condition, is_default)
             VALUES (?1, ?2, ?3, ?4, 0)
             ON CONFLICT (sys_id) DO UPDATE SET \"order\" = excluded.\"order\",
                 condition = excluded.condition",
            params![sys_id, name, order, condition.map(|c| c.to_string())],
        )?;
        self.exec("DELETE FROM awa_queue_member WHERE queue = ?1", [&sys_id])?;
        for (position, agent) in members.iter().enumerate() {
            self.exec(
                "INSERT OR IGNORE INTO awa_queue_member (queue, agent, position) VALUES (?1, ?2, ?3)",
                params![sys_id, agent, position as i64],
            )?;
        }
        Ok(sys_id)
    }

    // ----- presence and capacity --------------------------------------------------------------

    /// Every agent with an SMS presence row, by sys_id (read once, then remembered; a presence
    /// write updates what is remembered, [`Tx::save_awa_agent`]).
    pub fn awa_agents(&self) -> Result<Vec<Agent>, StoreError> {
        self.remembered(
            |c| &mut c.awa_agents,
            || {
                let mut st = self.0.prepare_cached(
                    "SELECT agent, presence, sms_capacity FROM awa_agent_presence ORDER BY agent",
                )?;
                let rows = st.query_map([], agent_from_row)?;
                rows.collect()
            },
        )
    }

    /// An agent's SMS presence row, if any.
    pub fn awa_agent(&self, agent: &str) -> Result<Option<Agent>, StoreError> {
        self.row(
            "SELECT agent, presence, sms_capacity FROM awa_agent_presence WHERE agent = ?1",
            [agent],
            agent_from_row,
        )
        .optional()
    }

    /// Creates or replaces an agent's SMS presence and capacity. Once the row is written, what
    /// the connection remembers of the agents is updated in place, not read again (presence
    /// changes all day long); the queues are forgotten only when the agent is new (the default
    /// queue's members are the agents with a presence row) or the agents are not remembered.
    ///
    /// # Errors
    /// SQLite's: an agent without a `sys_user` row breaks the foreign key. Nothing remembered
    /// changes then.
    pub fn save_awa_agent(&self, agent: &Agent) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO awa_agent_presence (agent, presence, sms_capacity) VALUES (?1, ?2, ?3)
             ON CONFLICT (agent) DO UPDATE SET presence = excluded.presence,
                 sms_capacity = excluded.sms_capacity",
            params![agent.sys_id, agent.presence.as_str(), agent.sms_capacity],
        )?;
        {
            let mut config = self.1.config().borrow_mut();
            let known = config.awa_agents.as_mut().map(|agents| {
                match agents.binary_search_by(|a| a.sys_id.as_str().cmp(agent.sys_id.as_str())) {
                    Ok(k) => {
                        agents[k] = agent.clone();
                        true
                    }
                    Err(k) => {
                        agents.insert(k, agent.clone());
                        false
                    }
                }
            });
            if known != Some(true) {
                config.awa_queues = None;
            }
        }
        Ok(())
    }

    // ----- work items -------------------------------------------------------------------------

    /// Every active work item, oldest first.
    pub fn awa_active_items(&self) -> Result<Vec<WorkItem>, StoreError> {
        let mut st = self.0.prepare_cached(concatcp!(
            "SELECT ",
            ITEM_COLS,
            " FROM awa_work_item WHERE active = 1 ORDER BY created_at, sys_id"
        ))?;
        let rows = st.query_map([], item_from_row)?;
        rows.collect()
    }

    /// The active work items waiting for an agent (neither Offered nor Accepted), oldest first:
    /// with [`Tx::awa_items_holding_slots`], every active item.
    pub fn awa_waiting_items(&self) -> Result<Vec<WorkItem>, StoreError> {
        let mut st = self.0.prepare_cached(concatcp!(
            "SELECT ",
            ITEM_COLS,
            " FROM awa_work_item
             WHERE active = 1 AND state NOT IN ('offered', 'accepted') ORDER BY created_at, sys_id"
        ))?;
        let rows = st.query_map([], item_from_row)?;
        rows.collect()
    }

    /// Whether any active work item waits (neither offered nor accepted): a cheaper question
    /// than [`Tx::awa_waiting_items`] when a long queue waits.
    pub fn awa_any_waiting(&self) -> Result<bool, StoreError> {
        self.row(
            "SELECT EXISTS (SELECT 1 FROM awa_work_item
                            WHERE active = 1 AND state NOT IN ('offered', 'accepted'))",
            [],
            |r| r.get(0),
        )
    }

    /// The active work items that hold an agent's slot (Offered or Accepted), oldest first: the
    /// order of [`Tx::awa_active_items`]. Read from their own index (SQLite's planner, left to
    /// choose, took the index of every active item and read each waiting one to drop it), and
    /// then remembered until one is written (`temp.awa_routing_changes.holding`): a routing
    /// pass runs for every conversation that opens, and reads them each time.
    pub fn awa_items_holding_slots(&self) -> Result<Vec<WorkItem>, StoreError> {
        let writes: i64 = self.row("SELECT holding FROM temp.awa_routing_changes", [], |r| {
            r.get(0)
        })?;
        if let Some((seen, items)) = &*self.1.holding().borrow() {
            if *seen == writes {
                return Ok(items.clone());
            }
        }
        let mut st = self.0.prepare_cached(concatcp!(
            "SELECT ",
            ITEM_COLS,
            " FROM awa_work_item INDEXED BY awa_work_item_holding
             WHERE active = 1 AND state IN ('offered', 'accepted') ORDER BY created_at, sys_id"
        ))?;
        let items = st
            .query_map([], item_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        *self.1.holding().borrow_mut() = Some((writes, items.clone()));
        Ok(items)
    }

    /// The active work items out of step with their interaction, oldest first (the order of
    /// [`Tx::awa_active_items`]): an Accepted item whose interaction is gone, closed or no longer
    /// assigned to the item's agent; any other item whose interaction is gone, closed or no longer
    /// unassigned (waiting in the queue). A routing pass completes or cancels them.
    pub fn awa_items_out_of_step(&self) -> Result<Vec<WorkItem>, StoreError> {
        let mut st = self.0.prepare_built(&format!(
            "SELECT {ITEM_COLS} FROM awa_work_item w WHERE {} ORDER BY w.created_at, w.sys_id",
            item_out_of_step("w")
        ))?;
        let rows = st.query_map([], item_from_row)?;
        rows.collect()
    }

    /// Whether a routing pass at `now` would change nothing: the last pass on this connection
    /// left things as they are (no change to what a pass reads since, counted by
    /// `awa::ROUTING_CHANGES`) and none of the offers it left expires by `now`. `false` when not
    /// known (no pass yet, or a rollback or another connection's commit since).
    pub fn awa_routing_settled(&self, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let Some(routed) = self.1.routed().get() else {
            return Ok(false);
        };
        Ok(routed.next_expiry.is_none_or(|at| now < at)
            && self.routing_changes()? == routed.changes)
    }

    /// A routing pass has just run and written what it changed, leaving `items` (every active
    /// item it read, as written): remembered for [`Tx::awa_routing_settled`].
    pub fn awa_routed(&self, items: &[WorkItem]) -> Result<(), StoreError> {
        let next_expiry = items
            .iter()
            .filter(|i| i.active && i.state == WorkItemState::Offered)
            .filter_map(|i| i.offer_expires_at)
            .min();
        let changes = self.routing_changes()?;
        self.1.routed().set(Some(Routed {
            changes,
            next_expiry,
        }));
        Ok(())
    }

    fn routing_changes(&self) -> Result<i64, StoreError> {
        self.row("SELECT n FROM temp.awa_routing_changes", [], |r| r.get(0))
    }

    /// Whether no work item or Ongoing entry can be out of step with its interaction: nothing
    /// that could put one out of step (counted by the connection's temporary triggers,
    /// `store::awa::out_of_step_changes`) happened on this connection since the last catch-up
    /// ([`Tx::awa_caught_up`]). `false` when not known (no catch-up yet, or a rollback or
    /// another connection's commit since).
    pub fn awa_in_step(&self) -> Result<bool, StoreError> {
        Ok(self.1.caught_up().get() == Some(self.out_of_step_changes()?))
    }

    /// A routing pass has just completed or cancelled every work item and removed every Ongoing
    /// entry out of step ([`Tx::awa_items_out_of_step`], [`Tx::ongoing_entries_out_of_step`]):
    /// remembered for [`Tx::awa_in_step`].
    pub fn awa_caught_up(&self) -> Result<(), StoreError> {
        let changes = self.out_of_step_changes()?;
        self.1.caught_up().set(Some(changes));
        Ok(())
    }

    fn out_of_step_changes(&self) -> Result<i64, StoreError> {
        self.row(
            "SELECT out_of_step FROM temp.awa_routing_changes",
            [],
            |r| r.get(0),
        )
    }

    /// The latest work item of an interaction, whatever its state.
    pub fn awa_item_for(&self, interaction: &str) -> Result<Option<WorkItem>, StoreError> {
        self.row(
            concat!(
                "SELECT ",
                item_cols!(),
                " FROM awa_work_item WHERE interaction = ?1
                     ORDER BY active DESC, created_at DESC, rowid DESC LIMIT 1"
            ),
            [interaction],
            item_from_row,
        )
        .optional()
    }

    /// Inserts or updates a work item.
    pub fn save_awa_item(&self, item: &WorkItem) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO awa_work_item (sys_id, interaction, queue, state, active, agent, offered_at,
                 offer_expires_at, declined_by, created_at, timed_out_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (sys_id) DO UPDATE SET queue = excluded.queue, state = excluded.state,
                 active = excluded.active, agent = excluded.agent, offered_at = excluded.offered_at,
                 offer_expires_at = excluded.offer_expires_at, declined_by = excluded.declined_by,
                 timed_out_by = excluded.timed_out_by",
            params![
                item.sys_id,
                item.interaction,
                item.queue,
                item.state.as_str(),
                item.active,
                item.agent,
                item.offered_at.map(ts),
                item.offer_expires_at.map(ts),
                item.declined_by.join(","),
                ts(item.created_at),
                item.timed_out_by.join(",")
            ],
        )?;
        Ok(())
    }

    // ----- the Ongoing tab --------------------------------------------------------------------

    /// The Ongoing tab entry of an interaction, if it is in an agent's tab.
    pub fn ongoing_entry(&self, interaction: &str) -> Result<Option<OngoingEntry>, StoreError> {
        self.row(
            "SELECT interaction, agent, unread, last_activity_at FROM awa_ongoing
                 WHERE interaction = ?1",
            [interaction],
            ongoing_from_row,
        )
        .optional()
    }

    /// Every Ongoing tab entry (of every agent).
    pub fn ongoing_entries(&self) -> Result<Vec<OngoingEntry>, StoreError> {
        let mut st = self.0.prepare_cached(
            "SELECT interaction, agent, unread, last_activity_at FROM awa_ongoing ORDER BY interaction",
        )?;
        let rows = st.query_map([], ongoing_from_row)?;
        rows.collect()
    }

    /// The Ongoing tab entries of agent `agent` (a sys_user sys_id), in no particular order
    /// ([`Ongoing::for_agent`](crate::domain::work_assignment::Ongoing::for_agent) orders
    /// them): one agent's tab without reading every agent's.
    pub fn ongoing_entries_of(&self, agent: &str) -> Result<Vec<OngoingEntry>, StoreError> {
        let mut st = self.0.prepare_cached(
            "SELECT interaction, agent, unread, last_activity_at FROM awa_ongoing WHERE agent = ?1",
        )?;
        let rows = st.query_map([agent], ongoing_from_row)?;
        rows.collect()
    }

    /// The Ongoing tab entries whose interaction is gone, closed or no longer assigned to the
    /// entry's agent, by interaction (the order of [`Tx::ongoing_entries`]).
    pub fn ongoing_entries_out_of_step(&self) -> Result<Vec<OngoingEntry>, StoreError> {
        let mut st = self.0.prepare_built(&format!(
            "SELECT o.interaction, o.agent, o.unread, o.last_activity_at FROM awa_ongoing o
             WHERE {} ORDER BY o.interaction",
            ongoing_out_of_step("o")
        ))?;
        let rows = st.query_map([], ongoing_from_row)?;
        rows.collect()
    }

    /// Writes an interaction's Ongoing tab entry, or removes it (`None`).
    pub fn save_ongoing(
        &self,
        interaction: &str,
        entry: Option<&OngoingEntry>,
    ) -> Result<(), StoreError> {
        // An entry that stays is updated in place: a new indicator or activity time is not a
        // change to routing (`ROUTING_CHANGES` counts a new, removed or reassigned entry).
        if entry.is_none_or(|e| e.interaction != interaction) {
            self.exec(
                "DELETE FROM awa_ongoing WHERE interaction = ?1",
                [interaction],
            )?;
        }
        if let Some(e) = entry {
            self.exec(
                "INSERT INTO awa_ongoing (interaction, agent, unread, last_activity_at)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (interaction) DO UPDATE SET agent = excluded.agent,
                     unread = excluded.unread, last_activity_at = excluded.last_activity_at",
                params![e.interaction, e.agent, e.unread, ts(e.last_activity_at)],
            )?;
        }
        Ok(())
    }

    // ----- system messages for the requester --------------------------------------------------

    /// Queues a system message's SMS text for the requester of `interaction`.
    pub fn push_system_sms(&self, interaction: &str, body: &str) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO awa_sms_outbox (interaction, body) VALUES (?1, ?2)",
            [interaction, body],
        )?;
        self.1.system_sms_waiting().set(Some(true));
        Ok(())
    }

    /// Whether any system SMS waits in the outbox: remembered by the connection after a look,
    /// a push or a take (forgotten when a write rolls back), so asking again costs no query.
    pub fn system_sms_waiting(&self) -> Result<bool, StoreError> {
        if let Some(known) = self.1.system_sms_waiting().get() {
            return Ok(known);
        }
        let waiting = self.row("SELECT EXISTS (SELECT 1 FROM awa_sms_outbox)", [], |r| {
            r.get(0)
        })?;
        self.1.system_sms_waiting().set(Some(waiting));
        Ok(waiting)
    }

    /// Takes every queued system SMS, in the order queued: (interaction sys_id, body). Taking
    /// removes them, so two concurrent takers never get the same one.
    pub fn take_system_sms(&self) -> Result<Vec<(SysId, String)>, StoreError> {
        let mut st = self
            .0
            .prepare_cached("SELECT interaction, body FROM awa_sms_outbox ORDER BY seq")?;
        let rows: Vec<(SysId, String)> = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        if !rows.is_empty() {
            // Only when there is something to take: an empty outbox stays unwritten.
            self.exec("DELETE FROM awa_sms_outbox", [])?;
        }
        self.1.system_sms_waiting().set(Some(false));
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{SqliteStore, DEFAULT_QUEUE_SYS_ID, MIGRATIONS};
    use super::*;
    use rusqlite::Connection;

    /// The agents and queues the connection remembers stay what SQLite holds through presence
    /// writes: an agent's row updated in place, a new agent (a member of the default queue), a
    /// write rolled back.
    #[test]
    fn remembered_agents_and_queues_follow_presence_writes() {
        let store = SqliteStore::open_in_memory().unwrap();
        store
            .lock()
            .execute_batch(
                "INSERT INTO sys_user (sys_id, user_name, name) VALUES
                     ('c1', 'alice', 'alice'), ('b1', 'bob', 'bob'), ('a1', 'carol', 'carol')",
            )
            .unwrap();
        let agent = |id: &str, presence, sms_capacity| Agent {
            sys_id: id.into(),
            presence,
            sms_capacity,
        };
        let held = |store: &SqliteStore| -> (Vec<Agent>, Vec<SysId>) {
            let conn = store.lock();
            let mut st = conn
                .prepare(
                    "SELECT agent, presence, sms_capacity FROM awa_agent_presence ORDER BY agent",
                )
                .unwrap();
            let agents = st
                .query_map([], agent_from_row)
                .unwrap()
                .map(Result::unwrap)
                .collect();
            let mut st = conn
                .prepare(
                    "SELECT p.agent FROM awa_agent_presence p JOIN sys_user u ON u.sys_id = p.agent
                     ORDER BY u.user_name",
                )
                .unwrap();
            let members = st
                .query_map([], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            (agents, members)
        };
        let remembered = |store: &SqliteStore| {
            store
                .read(|tx| {
                    let queues = tx.awa_queues()?;
                    assert_eq!(queues.len(), 1, "the default queue");
                    Ok::<_, StoreError>((tx.awa_agents()?, queues[0].agents.clone()))
                })
                .unwrap()
        };
        let save = |a: Agent| store.write(|tx| tx.save_awa_agent(&a)).unwrap();

        save(agent("b1", Presence::Available, 3));
        assert_eq!(remembered(&store), held(&store));
        save(agent("c1", Presence::Available, 2));
        assert_eq!(remembered(&store).1, ["c1", "b1"], "alice, then bob");
        assert_eq!(remembered(&store), held(&store));
        save(agent("b1", Presence::Away, 1));
        assert_eq!(remembered(&store), held(&store));
        assert_eq!(remembered(&store).0[0], agent("b1", Presence::Away, 1));
        let failed = store.write(|tx| {
            tx.save_awa_agent(&agent("a1", Presence::Available, 1))?;
            assert_eq!(tx.awa_agents()?.len(), 3, "seen inside the write");
            Err::<(), _>(rusqlite::Error::InvalidQuery)
        });
        assert!(failed.is_err());
        assert_eq!(remembered(&store), held(&store));
        assert_eq!(
            remembered(&store).0.len(),
            2,
            "carol's row went with the write"
        );
        store
            .write(|tx| {
                let before = tx.awa_agents()?;
                let refused = tx.save_awa_agent(&agent("nobody", Presence::Available, 1));
                assert!(refused.is_err(), "no sys_user: the foreign key refuses it");
                assert_eq!(
                    tx.awa_agents()?,
                    before,
                    "a refused write changes nothing remembered"
                );
                Ok::<_, StoreError>(())
            })
            .unwrap();
        assert_eq!(remembered(&store), held(&store));
    }

    /// A database from before migration 6, with the old `sms_agent_queue`, migrates cleanly: the
    /// agents keep their availability with the default capacity, conversations agents work count
    /// against it and show in their Ongoing tab, waiting ones wait in the default queue.
    #[test]
    fn the_old_agent_queue_migrates_to_awa() {
        let conn = Connection::open_in_memory().unwrap();
        for sql in &MIGRATIONS[..5] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 5).unwrap();
        conn.execute_batch(
            "INSERT INTO sys_user (sys_id, user_name, name) VALUES
                 ('a1', 'alice', 'alice'), ('b1', 'bob', 'bob');
             INSERT INTO sms_agent_queue (agent, available) VALUES ('a1', 1), ('b1', 0);
             INSERT INTO interaction (sys_id, number, type, channel, state, active, assigned_to,
                 opened_for_table, opened_for, requester_phone, provider_phone, opened_at) VALUES
               ('i1', 'IMS0000001', 'messaging', 'sms', 'work_in_progress', 1, 'a1', 'sys_user',
                '00000000000000000000000000000001', '+14155552671', '+14155550100', '2026-01-05T09:00:00.000Z'),
               ('i2', 'IMS0000002', 'messaging', 'sms', 'new', 1, NULL, 'sys_user',
                '00000000000000000000000000000001', '+14155552672', '+14155550100', '2026-01-05T09:01:00.000Z'),
               ('i3', 'IMS0000003', 'messaging', 'sms', 'new', 1, '00000000000000000000000000000002',
                'sys_user', '00000000000000000000000000000001', '+14155552673', '+14155550100',
                '2026-01-05T09:02:00.000Z'),
               ('i4', 'IMS0000004', 'messaging', 'sms', 'closed_complete', 0, 'a1', 'sys_user',
                '00000000000000000000000000000001', '+14155552674', '+14155550100', '2026-01-05T09:03:00.000Z');",
        )
        .unwrap();
        let store = SqliteStore::init(conn).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
        store
            .read(|tx| {
                let agents = tx.awa_agents()?;
                assert_eq!(
                    agents,
                    [
                        Agent {
                            sys_id: "a1".into(),
                            presence: Presence::Available,
                            sms_capacity: 3
                        },
                        Agent {
                            sys_id: "b1".into(),
                            presence: Presence::Offline,
                            sms_capacity: 3
                        }
                    ]
                );
                let items = tx.awa_active_items()?;
                let got: Vec<_> = items
                    .iter()
                    .map(|w| {
                        (
                            w.interaction.as_str(),
                            w.state,
                            w.agent.as_deref(),
                            w.queue.as_str(),
                        )
                    })
                    .collect();
                assert_eq!(
                    got,
                    [
                        (
                            "i1",
                            WorkItemState::Accepted,
                            Some("a1"),
                            DEFAULT_QUEUE_SYS_ID
                        ),
                        ("i2", WorkItemState::Pending, None, DEFAULT_QUEUE_SYS_ID),
                    ]
                );
                let tab: Vec<_> = tx
                    .ongoing_entries()?
                    .into_iter()
                    .map(|e| (e.interaction, e.agent, e.unread))
                    .collect();
                assert_eq!(tab, [("i1".to_owned(), "a1".to_owned(), false)]);
                let of = |agent: &str| -> Result<Vec<String>, StoreError> {
                    Ok(tx
                        .ongoing_entries_of(agent)?
                        .into_iter()
                        .map(|e| e.interaction)
                        .collect())
                };
                assert_eq!(of("a1")?, ["i1"], "one agent's tab");
                assert!(of("b1")?.is_empty(), "not another's");
                let queues = tx.awa_queues()?;
                assert_eq!(queues.len(), 1);
                assert_eq!(queues[0].agents, ["a1", "b1"]);
                let old: Option<String> =
                    tx.0.query_row(
                        "SELECT name FROM sqlite_master WHERE name = 'sms_agent_queue'",
                        [],
                        |r| r.get(0),
                    )
                    .optional()?;
                assert_eq!(old, None);
                Ok::<_, StoreError>(())
            })
            .unwrap();
    }

    /// Rejections and timeouts are stored apart, in order, and read back as written (migration 7).
    #[test]
    fn a_work_item_keeps_who_rejected_it_apart_from_who_let_it_time_out() {
        let store = SqliteStore::open_in_memory().unwrap();
        let t0 = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 1, 5, 9, 0, 0).unwrap();
        let mut item = WorkItem::new("w1", "i1", DEFAULT_QUEUE_SYS_ID, t0);
        item.declined_by = vec!["c1".into()];
        item.timed_out_by = vec!["b1".into(), "a1".into()];
        item.state = WorkItemState::TimedOut;
        store
            .write(|tx| {
                tx.0.execute_batch(
                    "INSERT INTO interaction (sys_id, number, type, channel, state, active,
                         opened_for_table, opened_for, requester_phone, provider_phone, opened_at)
                     VALUES ('i1', 'IMS0000001', 'messaging', 'sms', 'new', 1, 'sys_user',
                         '00000000000000000000000000000001', '+14155552671', '+14155550100',
                         '2026-01-05T09:00:00.000Z');",
                )?;
                tx.save_awa_item(&item)
            })
            .unwrap();
        let back = store.read(|tx| tx.awa_item_for("i1")).unwrap().unwrap();
        assert_eq!(back, item);
    }

    /// Two open SMS interactions, `i1` and `i2`, with no work item yet.
    const TWO_INTERACTIONS: &str = "
        INSERT INTO interaction (sys_id, number, type, channel, state, active, opened_for_table,
            opened_for, requester_phone, provider_phone, opened_at)
        VALUES ('i1', 'IMS0000001', 'messaging', 'sms', 'new', 1, 'sys_user',
                '00000000000000000000000000000001', '+14155552671', '+14155550100',
                '2026-01-05T09:00:00.000Z'),
               ('i2', 'IMS0000002', 'messaging', 'sms', 'new', 1, 'sys_user',
                '00000000000000000000000000000001', '+14155552672', '+14155550100',
                '2026-01-05T09:00:00.000Z');";

    /// A routing pass is skipped only while nothing it reads has changed and no offer it left is
    /// due: each table it reads counts, what it does not read does not, and a rolled-back write
    /// forgets where routing was left.
    #[test]
    fn routing_stays_settled_until_something_a_pass_reads_changes() {
        let store = SqliteStore::open_in_memory().unwrap();
        let t0 = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 1, 5, 9, 0, 0).unwrap();
        let agent = "00000000000000000000000000000002";
        let mut item = WorkItem::new("w1", "i1", DEFAULT_QUEUE_SYS_ID, t0);
        item.state = WorkItemState::Offered;
        item.agent = Some(agent.to_owned());
        item.offered_at = Some(t0);
        item.offer_expires_at = Some(t0 + chrono::TimeDelta::seconds(60));
        let exec = |sql: &str| store.write(|tx| tx.0.execute_batch(sql)).unwrap();
        exec(TWO_INTERACTIONS);
        store.write(|tx| tx.save_awa_item(&item)).unwrap();
        let settled = |at| store.read(|tx| tx.awa_routing_settled(at)).unwrap();
        let routed = || {
            store
                .write(|tx| tx.awa_routed(std::slice::from_ref(&item)))
                .unwrap()
        };
        assert!(!settled(t0), "no pass has run");
        routed();
        assert!(settled(t0 + chrono::TimeDelta::seconds(59)));
        assert!(
            !settled(t0 + chrono::TimeDelta::seconds(60)),
            "the offer is due"
        );

        // What a pass does not read: an interaction AWA never saw, an Ongoing indicator.
        exec("UPDATE interaction SET active = 0, assigned_to = NULL WHERE sys_id = 'i2'");
        assert!(
            settled(t0),
            "an interaction with no work item and no Ongoing entry"
        );
        let changes: [(&str, &str); 6] = [
            ("UPDATE interaction SET assigned_to = '00000000000000000000000000000002' WHERE sys_id = 'i1'", "the item's interaction"),
            ("INSERT INTO awa_ongoing VALUES ('i1', '00000000000000000000000000000002', 0, 'x')", "a new Ongoing entry"),
            ("UPDATE awa_ongoing SET agent = '00000000000000000000000000000001'", "an Ongoing entry's agent"),
            ("UPDATE awa_work_item SET declined_by = 'x'", "a work item"),
            ("INSERT INTO awa_agent_presence VALUES ('00000000000000000000000000000001', 'available', 3)", "presence"),
            ("UPDATE awa_queue SET \"order\" = 1", "a queue"),
        ];
        for (sql, what) in changes {
            exec(sql);
            assert!(!settled(t0), "{what} changed: a pass must run");
            routed();
            assert!(settled(t0));
        }
        exec("UPDATE awa_ongoing SET unread = 1, last_activity_at = 'y'");
        assert!(settled(t0), "an Ongoing indicator is not a routing change");

        // A write that remembers a pass and then fails leaves nothing remembered.
        let failed = store.write(|tx| {
            tx.0.execute_batch("UPDATE awa_work_item SET declined_by = 'z'")?;
            tx.awa_routed(std::slice::from_ref(&item))?;
            tx.0.execute_batch("INSERT INTO no_such_table VALUES (1)")
        });
        assert!(failed.is_err());
        // The count went back with the rollback and comes round to the remembered one again,
        // over rows the rolled-back pass never saw.
        exec("UPDATE awa_work_item SET declined_by = 'other'");
        assert!(
            !settled(t0),
            "rolled back: where routing was left is forgotten"
        );
    }

    /// The items holding slots are read again after every write of one that holds a slot, before
    /// or after, and only then: a waiting item written leaves what was read as it was; a
    /// rolled-back write, or another connection's commit, forgets it.
    #[test]
    fn the_items_holding_slots_are_read_again_after_each_write_of_one() {
        let (dir, path) = super::super::tests::fresh_file("awa-holding", "h.sqlite");
        let store = SqliteStore::open(&path).unwrap();
        let t0 = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 1, 5, 9, 0, 0).unwrap();
        let agent = "00000000000000000000000000000002";
        store
            .write(|tx| tx.0.execute_batch(TWO_INTERACTIONS))
            .unwrap();
        let mut offered = WorkItem::new("w1", "i1", DEFAULT_QUEUE_SYS_ID, t0);
        offered.state = WorkItemState::Offered;
        offered.agent = Some(agent.to_owned());
        let waiting = WorkItem::new("w2", "i2", DEFAULT_QUEUE_SYS_ID, t0);
        let holding = || store.read(|tx| tx.awa_items_holding_slots()).unwrap();
        let save = |item: &WorkItem| store.write(|tx| tx.save_awa_item(item)).unwrap();

        assert_eq!(holding(), []);
        save(&offered);
        assert_eq!(holding(), [offered.clone()], "an item offered");
        save(&waiting);
        assert_eq!(holding(), [offered.clone()], "a waiting item holds no slot");
        let mut accepted = offered.clone();
        accepted.state = WorkItemState::Accepted;
        save(&accepted);
        assert_eq!(holding(), [accepted.clone()], "an offer accepted");
        let mut taken = waiting.clone();
        taken.state = WorkItemState::Offered;
        taken.agent = Some(agent.to_owned());
        save(&taken);
        assert_eq!(
            holding(),
            [accepted.clone(), taken.clone()],
            "a waiting item offered"
        );
        save(&waiting);
        assert_eq!(holding(), [accepted.clone()], "an offer back in the queue");

        let failed = store.write(|tx| {
            tx.save_awa_item(&taken)?;
            assert_eq!(
                tx.awa_items_holding_slots()?,
                [accepted.clone(), taken.clone()]
            );
            tx.0.execute_batch("INSERT INTO no_such_table VALUES (1)")
        });
        assert!(failed.is_err());
        assert_eq!(holding(), [accepted.clone()], "the offer was rolled back");

        Connection::open(&path)
            .unwrap()
            .execute(
                "UPDATE awa_work_item SET active = 0 WHERE sys_id = 'w1'",
                [],
            )
            .unwrap();
        assert_eq!(holding(), [], "another connection completed the item");
        drop(store);
        let _ = std::fs::remove_dir_all(dir);
    }

    /// A routing pass may skip its catch-up only while nothing is out of step: every write that
    /// puts a work item or an Ongoing entry out of step with its interaction ends that, writes
    /// that keep them in step do not, and a rolled-back write forgets the last catch-up.
    #[test]
    fn the_catch_up_is_skipped_only_while_nothing_can_be_out_of_step() {
        let store = SqliteStore::open_in_memory().unwrap();
        let t0 = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 1, 5, 9, 0, 0).unwrap();
        // Two agents; the virtual agent never holds an item or an entry in step.
        let (a, b) = (
            "0000000000000000000000000000000a",
            "0000000000000000000000000000000b",
        );
        let exec = |sql: &str| store.write(|tx| tx.0.execute_batch(sql)).unwrap();
        exec(&format!(
            "INSERT INTO sys_user (sys_id, user_name, name) VALUES ('{a}', 'a', 'A'), ('{b}', 'b', 'B');
             INSERT INTO interaction (sys_id, number, type, channel, state, active, assigned_to,
                 opened_for_table, opened_for, opened_at)
             VALUES ('i1', 'IMS0000001', 'messaging', 'sms', 'new', 1, NULL, 'sys_user',
                     '{b}', '2026-01-05T09:00:00.000Z'),
                    ('i2', 'IMS0000002', 'messaging', 'sms', 'work_in_progress', 1, '{a}',
                     'sys_user', '{b}', '2026-01-05T09:00:00.000Z');
             INSERT INTO awa_ongoing VALUES ('i2', '{a}', 0, '2026-01-05T09:00:00.000Z');"
        ));
        let mut offered = WorkItem::new("w1", "i1", DEFAULT_QUEUE_SYS_ID, t0);
        offered.state = WorkItemState::Offered;
        offered.agent = Some(a.to_owned());
        store.write(|tx| tx.save_awa_item(&offered)).unwrap();
        // Whether the store says "in step", after checking that it never says so wrongly.
        let in_step = || {
            store
                .read(|tx| {
                    let in_step = tx.awa_in_step()?;
                    let out =
                        tx.awa_items_out_of_step()?.len() + tx.ongoing_entries_out_of_step()?.len();
                    assert!(!(in_step && out > 0), "in step with {out} out of step");
                    Ok::<_, StoreError>(in_step)
                })
                .unwrap()
        };
        let caught_up = || store.write(|tx| tx.awa_caught_up()).unwrap();
        assert!(!in_step(), "no catch-up yet");
        caught_up();
        assert!(in_step());

        for (sql, what) in [
            (
                "UPDATE awa_work_item SET declined_by = 'x'".to_owned(),
                "a declined agent",
            ),
            (
                "UPDATE awa_ongoing SET unread = 1, last_activity_at = '2026-01-05T09:01:00.000Z'"
                    .to_owned(),
                "an indicator",
            ),
            (
                format!("UPDATE awa_ongoing SET agent = '{a}'"),
                "the same agent",
            ),
            (
                "UPDATE interaction SET state = 'work_in_progress' WHERE sys_id = 'i2'".to_owned(),
                "a state",
            ),
        ] {
            exec(&sql);
            assert!(in_step(), "{what} keeps everything in step");
        }
        let breaks: [(String, &str, String); 8] = [
            (
                format!("UPDATE interaction SET assigned_to = '{VIRTUAL_AGENT_SYS_ID}' WHERE sys_id = 'i2'"),
                "an Ongoing entry's interaction back with the virtual agent",
                format!("UPDATE interaction SET assigned_to = '{a}' WHERE sys_id = 'i2'"),
            ),
            (
                format!("UPDATE interaction SET assigned_to = '{a}' WHERE sys_id = 'i1'"),
                "an offered item's interaction assigned",
                "UPDATE interaction SET assigned_to = NULL WHERE sys_id = 'i1'".to_owned(),
            ),
            (
                "UPDATE interaction SET active = 0 WHERE sys_id = 'i1'".to_owned(),
                "an offered item's interaction closed",
                "UPDATE interaction SET active = 1 WHERE sys_id = 'i1'".to_owned(),
            ),
            (
                "UPDATE awa_work_item SET state = 'accepted' WHERE sys_id = 'w1'".to_owned(),
                "an item accepted with its interaction in the queue",
                "UPDATE awa_work_item SET state = 'offered' WHERE sys_id = 'w1'".to_owned(),
            ),
            (
                format!(
                    "INSERT INTO awa_work_item (sys_id, interaction, queue, state, active,
                         declined_by, created_at, timed_out_by)
                     VALUES ('w2', 'i2', '{DEFAULT_QUEUE_SYS_ID}', 'pending', 1, '',
                             '2026-01-05T09:00:00.000Z', '')"
                ),
                "a waiting item for an assigned interaction",
                "DELETE FROM awa_work_item WHERE sys_id = 'w2'".to_owned(),
            ),
            (
                format!("UPDATE awa_ongoing SET agent = '{b}' WHERE interaction = 'i2'"),
                "an Ongoing entry moved to another agent",
                format!("UPDATE awa_ongoing SET agent = '{a}' WHERE interaction = 'i2'"),
            ),
            (
                format!("UPDATE interaction SET assigned_to = '{b}' WHERE sys_id = 'i2'"),
                "an Ongoing entry's interaction reassigned",
                format!("UPDATE interaction SET assigned_to = '{a}' WHERE sys_id = 'i2'"),
            ),
            (
                format!(
                    "INSERT INTO awa_ongoing VALUES ('i1', '{a}', 0, '2026-01-05T09:00:00.000Z')"
                ),
                "an Ongoing entry for an interaction in the queue",
                "DELETE FROM awa_ongoing WHERE interaction = 'i1'".to_owned(),
            ),
        ];
        for (sql, what, undo) in breaks {
            exec(&sql);
            assert!(!in_step(), "{what}: a catch-up must run");
            exec(&undo);
            caught_up();
            assert!(in_step(), "caught up after {what}");
        }

        // A write that catches up and then fails leaves the catch-up forgotten.
        let failed = store.write(|tx| {
            tx.awa_caught_up()?;
            tx.0.execute_batch("INSERT INTO no_such_table VALUES (1)")
        });
        assert!(failed.is_err());
        assert!(!in_step(), "rolled back: the last catch-up is forgotten");
    }

    /// Whether system SMS wait is known without a query after a look, a push or a take, and
    /// follows a rolled-back push; another connection's push is seen at its next transaction.
    #[test]
    fn whether_system_sms_wait_follows_pushes_takes_and_rollbacks() {
        let (dir, path) = super::super::tests::fresh_file("outbox", "o.sqlite");
        let store = SqliteStore::open(&path).unwrap();
        let other = SqliteStore::open(&path).unwrap();
        let waiting = |s: &SqliteStore| s.read(|tx| tx.system_sms_waiting()).unwrap();
        let insert = "INSERT INTO interaction (sys_id, number, type, channel, state, active,
                 opened_for_table, opened_for, opened_at)
             VALUES ('i1', 'IMS0000001', 'messaging', 'sms', 'new', 1, 'sys_user',
                     '00000000000000000000000000000001', '2026-01-05T09:00:00.000Z')";
        store.write(|tx| tx.0.execute_batch(insert)).unwrap();
        assert!(!store.system_sms_known_none(), "not looked at yet");
        assert!(!waiting(&store));
        assert!(store.system_sms_known_none());
        store
            .write(|tx| tx.push_system_sms("i1", "pushed"))
            .unwrap();
        assert!(!store.system_sms_known_none(), "a push was committed");
        store.write(|tx| tx.take_system_sms()).unwrap();
        assert!(store.system_sms_known_none(), "the outbox was emptied");
        let pushed_then_failed = store.write(|tx| {
            tx.push_system_sms("i1", "hello")?;
            assert!(tx.system_sms_waiting()?);
            tx.0.execute_batch("INSERT INTO no_such_table VALUES (1)")
        });
        assert!(pushed_then_failed.is_err());
        assert!(!store.system_sms_known_none(), "not known after a rollback");
        assert!(!waiting(&store), "the push rolled back");
        other
            .write(|tx| tx.push_system_sms("i1", "from elsewhere"))
            .unwrap();
        assert!(waiting(&store), "another connection pushed");
        let taken = store.write(|tx| tx.take_system_sms()).unwrap();
        assert_eq!(taken, [("i1".to_owned(), "from elsewhere".to_owned())]);
        assert!(!waiting(&store));
        drop((store, other));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
