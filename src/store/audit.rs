//! Reads for audits (the soak's invariants): what the engine's own queries never need. Each
//! read during a run is incremental (the transcript rows changed since the last look, from a log
//! kept on the auditing connection; timers settled since a time, by an index of migration 8), so
//! an audit every few hundred events costs the same at a million messages as at a thousand.

use const_format::concatcp;
use std::sync::{Arc, PoisonError};

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension as _;
use twilio_wire::sid::MessageSid;

use super::memo::{ChangeLog, MessageChanges};
use super::transcript::{message_from, MESSAGE_COLS};
use super::{parsed, ts, ts_col, ts_opt_col, StoreError, Tx};
use crate::domain::messaging_actions::TimerState;
use crate::domain::model::{InteractionNumber, Message};

/// The SQL function the audit's trigger reports each status change to.
const STATUS_MOVED_FN: &str = "convsms_audit_status_moved";

/// A temporary trigger reporting each change of a transcript row's status, while an auditor's
/// log runs: only a store an auditor watches has it (the soak, `Then every soak invariant
/// holds`), as an UPDATE that fires a trigger costs a statement journal.
const STATUS_MOVES_TRIGGER: &str = "CREATE TEMP TRIGGER IF NOT EXISTS convsms_audit_status_moves \
     AFTER UPDATE OF status ON main.sys_cs_message WHEN old.status IS NOT new.status \
     BEGIN SELECT convsms_audit_status_moved(new.rid, old.status, new.status); END";

/// The SQL function the audit's offer triggers report each offer to.
const OFFERED_FN: &str = "convsms_audit_offered";

/// The SQL function the audit's offer triggers report each item an offer passed over to.
const PASSED_OVER_FN: &str = "convsms_audit_passed_over";

/// Temporary triggers reporting each offer of a work item, and each item of the same queue it
/// passed over (older, waiting, not declined by the agent offered, who is an available member
/// of the queue: an offer to anyone else is a transfer by name, which the line does not
/// govern), at the moment the offer is written, while an auditor's log runs.
/// An offer written as an update is routing's (an item waiting, then offered; or offered
/// again in the pass that expired its last offer, written once: offered to offered, with
/// another agent or time); one inserted as offered is a transfer to an agent by name (the last
/// argument of `convsms_audit_offered`).
const OFFER_TRIGGERS: &str = concatcp!(
    "CREATE TEMP TRIGGER IF NOT EXISTS convsms_audit_offers_updated
     AFTER UPDATE OF state ON main.awa_work_item
     WHEN new.state = 'offered' AND new.agent IS NOT NULL
          AND (old.state IS NOT 'offered' OR old.agent IS NOT new.agent
               OR old.offered_at IS NOT new.offered_at)
     BEGIN
        SELECT convsms_audit_offered(new.sys_id, new.offered_at, ",
    OFFER_NUMBER_AND_AGENT,
    ", 1);",
    OFFER_TRIGGER_BODY,
    "CREATE TEMP TRIGGER IF NOT EXISTS convsms_audit_offers_inserted
     AFTER INSERT ON main.awa_work_item
     WHEN new.state = 'offered' AND new.agent IS NOT NULL
     BEGIN
        SELECT convsms_audit_offered(new.sys_id, new.offered_at, ",
    OFFER_NUMBER_AND_AGENT,
    ", 0);",
    OFFER_TRIGGER_BODY
);

/// The interaction number and the agent's user_name of the work item `new`, as SQL arguments.
const OFFER_NUMBER_AND_AGENT: &str =
    "(SELECT number FROM main.interaction WHERE sys_id = new.interaction),
     coalesce((SELECT user_name FROM main.sys_user WHERE sys_id = new.agent), new.agent)";

/// The SQL function the audit's decline triggers report each decline to.
const DECLINED_FN: &str = "convsms_audit_declined";

/// Temporary triggers reporting each agent who declines a conversation, while an auditor's log
/// runs: a rejected offer, with its work item (the item's state from offered to rejected: a
/// timeout is no decline), and an agent it is taken from (its `assigned_to` moving off a live
/// agent: a transfer, leaving it, a Reassign; a close leaves it as it is). Read from the states
/// the engine writes,
/// not from the items' `declined_by`, which is what invariant 14 judges.
const DECLINE_TRIGGERS: &str = concatcp!(
    "CREATE TEMP TRIGGER IF NOT EXISTS convsms_audit_rejected
     AFTER UPDATE OF state ON main.awa_work_item
     WHEN old.state = 'offered' AND new.state = 'rejected' AND old.agent IS NOT NULL
     BEGIN
        SELECT convsms_audit_declined(
            (SELECT number FROM main.interaction WHERE sys_id = new.interaction),
            coalesce((SELECT user_name FROM main.sys_user WHERE sys_id = old.agent), old.agent),
            new.sys_id);
     END;
     CREATE TEMP TRIGGER IF NOT EXISTS convsms_audit_given_up
     AFTER UPDATE OF assigned_to ON main.interaction
     WHEN old.assigned_to IS NOT NULL AND old.assigned_to IS NOT new.assigned_to
          AND old.assigned_to <> '",
    crate::domain::model::VIRTUAL_AGENT_SYS_ID,
    "'
     BEGIN
        SELECT convsms_audit_declined(new.number,
            coalesce((SELECT user_name FROM main.sys_user WHERE sys_id = old.assigned_to),
                     old.assigned_to),
            NULL);
     END;"
);

/// What both offer triggers do besides reporting the offer `new`: the items it passed over.
const OFFER_TRIGGER_BODY: &str = "
        SELECT convsms_audit_passed_over(
            (SELECT number FROM main.interaction WHERE sys_id = new.interaction),
            (SELECT number FROM main.interaction WHERE sys_id = w.interaction),
            w.sys_id, w.created_at,
            coalesce((SELECT user_name FROM main.sys_user WHERE sys_id = new.agent), new.agent),
            new.offered_at)
        FROM main.awa_work_item w
        WHERE w.queue = new.queue AND w.active = 1
          AND w.state NOT IN ('offered', 'accepted', 'cancelled')
          AND (w.created_at < new.created_at
               OR (w.created_at = new.created_at AND w.sys_id < new.sys_id))
          AND instr(',' || w.declined_by || ',', ',' || new.agent || ',') = 0
          AND EXISTS (SELECT 1 FROM main.awa_queue_member m
                      WHERE m.queue = new.queue AND m.agent = new.agent)
          AND EXISTS (SELECT 1 FROM main.awa_agent_presence p
                      WHERE p.agent = new.agent AND p.presence = 'available');
    END;
";

/// The SQL function the audit's opening trigger reports each SMS interaction opened to.
const OPENED_FN: &str = "convsms_audit_opened";

/// A temporary trigger reporting each SMS interaction as it is opened, with the messaging
/// profile it records as that profile is at that moment, while an auditor's log runs.
const OPENED_TRIGGER: &str = "CREATE TEMP TRIGGER IF NOT EXISTS convsms_audit_opened
     AFTER INSERT ON main.interaction WHEN new.channel = 'sms'
     BEGIN
        SELECT convsms_audit_opened(new.number, new.requester_phone, new.opened_for_table,
                                    new.opened_for, p.channel_user_id, p.active, p.user_table,
                                    p.user_document)
        FROM (SELECT 1) LEFT JOIN main.sys_cs_channel_user_profile p
             ON p.sys_id = new.channel_user_profile;
     END;";

/// The SQL function the audit's closing trigger reports each interaction closed to.
const CLOSED_FN: &str = "convsms_audit_closed";

/// A temporary trigger reporting each interaction as it closes, with its close time and the
/// last transcript rowid written before the close (a message of the same instant written after
/// it has a higher one), while an auditor's log runs. Only a close writes `active`.
const CLOSED_TRIGGER: &str = "CREATE TEMP TRIGGER IF NOT EXISTS convsms_audit_closed
     AFTER UPDATE OF active ON main.interaction WHEN old.active = 1 AND new.active = 0
     BEGIN
        SELECT convsms_audit_closed(new.number, new.closed_at,
                                    (SELECT coalesce(max(rowid), 0) FROM main.sys_cs_message));
     END;";

/// An interaction as the audit's trigger saw it close ([`Tx::audit_take_closed`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClosedAudit {
    /// Its number (`IMS` + 7 digits, as stored).
    pub interaction: String,
    /// Its `closed_at` (RFC 3339, as stored).
    pub closed_at: String,
    /// The highest `sys_cs_message` rowid when it closed: a row of it above is written after.
    pub last_rowid: i64,
}

/// An item an offer passed over, as the audit's trigger saw it when the offer was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PassedOver {
    /// The interaction of the item offered (`IMS` + 7 digits).
    pub offered: String,
    /// The interaction of the older item still waiting.
    pub waiting: String,
    /// The waiting item's sys_id.
    pub waiting_item: String,
    /// When the waiting item was created (as stored).
    pub waiting_since: String,
    /// The agent offered the younger item (user_name).
    pub agent: String,
    /// When the offer was made (as stored).
    pub at: String,
}

/// An offer of a work item, as the audit's trigger saw it written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MadeOffer {
    /// Its place among the offers and declines of one take ([`OfferLog`]), from 0.
    pub seq: usize,
    /// The work item's sys_id.
    pub item: String,
    /// Its `offered_at` (as stored).
    pub at: String,
    /// The interaction of the item (`IMS` + 7 digits).
    pub interaction: String,
    /// The agent offered it (user_name).
    pub agent: String,
    /// Routing's offer (an item waiting, then offered), not a transfer to the agent by name.
    pub routed: bool,
}

/// An agent declining a conversation, as the audit's triggers saw it written: rejecting an
/// offer of its work item, or the conversation taken from them (a transfer, leaving it, a
/// Reassign).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decline {
    /// Its place among the offers and declines of one take ([`OfferLog`]), from 0.
    pub seq: usize,
    /// The interaction (`IMS` + 7 digits).
    pub interaction: String,
    /// The agent (user_name).
    pub agent: String,
    /// The work item whose offer they rejected (its sys_id); `None` when the conversation was
    /// taken from them.
    pub rejected: Option<String>,
}

/// What the audit's offer and decline triggers saw since the last take.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OfferLog {
    /// Each offer, in the order written.
    pub made: Vec<MadeOffer>,
    /// Each decline, in the order written (their `seq` and the offers' say which came first).
    pub declines: Vec<Decline>,
    /// Each item an offer passed over, in the order written.
    pub passed_over: Vec<PassedOver>,
}

impl OfferLog {
    /// The next `seq` of an offer or a decline.
    fn next_seq(&self) -> usize {
        self.made.len() + self.declines.len()
    }
}

/// A transcript row with its interaction, as audits read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRow {
    /// The row's SQLite rowid, its `rid` (the number its sys_id spells, migration 15): a stable
    /// key, in the order the rows were written.
    pub rowid: i64,
    /// Its interaction's number (`IMS` + 7 digits).
    pub interaction: InteractionNumber,
    /// When its interaction closed, as of the read (`None`: still open).
    pub closed_at: Option<DateTime<Utc>>,
    /// Its interaction's requester and provider numbers (E.164, as stored; `None` for an
    /// interaction on no phone).
    pub pair: (Option<String>, Option<String>),
    /// When a `retrying` send is to be made again (UTC; `None` for any other status).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When the attempt whose answer was lost started, while a `retrying` send waits for the
    /// provider's list to say whether it created the message, or on a `failed` one whose fate
    /// stayed unknown (migration 20; `None` otherwise).
    pub unconfirmed_since: Option<DateTime<Utc>>,
    /// The message (author as user_name for agents).
    pub message: Message,
}

/// The columns [`audit_row`] reads before [`MESSAGE_COLS`], from `sys_cs_message m` and
/// `interaction i`.
const AUDIT_COLS: &str =
    "m.rowid, i.number, i.closed_at, i.requester_phone, i.provider_phone, m.next_attempt_at,
     m.unconfirmed_since";
const AUDIT_FROM: &str = "sys_cs_message m JOIN interaction i ON i.sys_id = m.interaction
    LEFT JOIN sys_user u ON u.sys_id = m.author";
/// [`Tx::audit_awaiting_look`]'s statement.
const AWAITING_LOOK: &str = concatcp!(
    "SELECT ",
    AUDIT_COLS,
    ", ",
    MESSAGE_COLS,
    " FROM sys_cs_message m INDEXED BY sys_cs_message_unconfirmed
        JOIN interaction i ON i.sys_id = m.interaction
        LEFT JOIN sys_user u ON u.sys_id = m.author
     WHERE m.unconfirmed_since IS NOT NULL
        AND (m.status = 'retrying' OR m.status = 'failed') ORDER BY m.rowid"
);
/// The audit's rows, each with its interaction's number and close time and its author's name.
const AUDIT_SELECT: &str = concatcp!(
    "SELECT ",
    AUDIT_COLS,
    ", ",
    MESSAGE_COLS,
    " FROM ",
    AUDIT_FROM
);

fn audit_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditRow> {
    Ok(AuditRow {
        rowid: r.get(0)?,
        interaction: parsed(r, 1, "an interaction number", |s| {
            InteractionNumber::parse(s).ok()
        })?,
        closed_at: ts_opt_col(r, 2)?,
        pair: (r.get(3)?, r.get(4)?),
        next_attempt_at: ts_opt_col(r, 5)?,
        unconfirmed_since: ts_opt_col(r, 6)?,
        message: message_from(r, 7)?,
    })
}

/// One messaging-action timer row, as an audit reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimerAudit {
    /// The row's sys_id (32 hex).
    pub sys_id: String,
    /// Its interaction's number (`IMS` + 7 digits).
    pub interaction: InteractionNumber,
    /// The messaging action's name.
    pub action: String,
    /// When it is (was) due.
    pub due_at: DateTime<Utc>,
    /// Pending, fired or cancelled.
    pub state: TimerState,
    /// When it left pending (fired or cancelled); `None` while pending.
    pub settled_at: Option<DateTime<Utc>>,
    /// When it started (`None` for a timer older than migration 18).
    pub started_at: Option<DateTime<Utc>>,
    /// Its action's duration when it started, in seconds (`None`: older than migration 18, or
    /// an action the store does not hold).
    pub duration_secs: Option<i64>,
    /// When its interaction closed (`None`: still open): a close settles its timers then.
    pub closed_at: Option<DateTime<Utc>>,
    /// For a timer cancelled before its due time: whether its interaction has a message of the
    /// side its event waits for, written at that very instant (an agent's message for
    /// `requester_without_agent_response`, an inbound one for
    /// `agent_without_requester_response`); `None` for any other timer.
    pub answered_when_cancelled: Option<bool>,
}

/// The columns [`timer_audit`] reads, from `sys_cs_action_timer t JOIN interaction i`.
const TIMER_AUDIT_COLS: &str = "t.sys_id, i.number, t.action, t.due_at, t.state, t.settled_at,
    t.sys_created_on, t.duration_secs, i.closed_at,
    CASE WHEN t.state = 'cancelled' AND t.settled_at < t.due_at THEN EXISTS (
        SELECT 1 FROM sys_cs_message m
        WHERE m.interaction = t.interaction AND m.sys_created_on = t.settled_at
          AND CASE t.event WHEN 'requester_without_agent_response' THEN m.author_kind = 'agent'
                           ELSE m.direction = 'inbound' END) END";

fn timer_audit(r: &rusqlite::Row<'_>) -> rusqlite::Result<TimerAudit> {
    Ok(TimerAudit {
        sys_id: r.get(0)?,
        interaction: parsed(r, 1, "an interaction number", |s| {
            InteractionNumber::parse(s).ok()
        })?,
        action: r.get(2)?,
        due_at: ts_col(r, 3)?,
        state: parsed(r, 4, "a timer state", TimerState::parse)?,
        settled_at: ts_opt_col(r, 5)?,
        started_at: ts_opt_col(r, 6)?,
        duration_secs: r.get(7)?,
        closed_at: ts_opt_col(r, 8)?,
        answered_when_cancelled: r.get(9)?,
    })
}

/// An active SMS interaction as invariant 12 reads it: whom it is assigned to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActiveAudit {
    /// Its number (`IMS` + 7 digits).
    pub interaction: InteractionNumber,
    /// The sys_id it is assigned to (the virtual agent's, a live agent's), `None` while waiting.
    pub assigned_to: Option<String>,
    /// The assignee's user_name (their sys_id when they have no sys_user row).
    pub assignee: Option<String>,
    /// Whether the assignee is a current member of its live group profile (joined, not left).
    pub assignee_in_group: bool,
    /// Whether it has an active work item (`awa_work_item`): waiting in a queue, offered or
    /// accepted.
    pub has_work_item: bool,
    /// Whether it records both numbers of its pair (requester, provider): an SMS interaction
    /// without one escapes the unique index of active pairs.
    pub has_pair: bool,
}

/// An SMS interaction as the audit's trigger saw it when it was opened (inserted), with the
/// messaging profile it records as that profile was then: what invariant 11 judges. Values as
/// stored; a NULL is empty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpenedAudit {
    /// Its number (`IMS` + 7 digits).
    pub interaction: String,
    /// The requester's number (E.164).
    pub requester_phone: String,
    /// Whom it is opened for: the table and the record's sys_id.
    pub opened_for: (String, String),
    /// The number of the profile it records (`channel_user_id`); empty when no such profile.
    pub profile_phone: String,
    /// Whether that profile was the number's active one.
    pub profile_active: bool,
    /// Whom the profile linked: table and sys_id, both empty for nobody.
    pub profile_user: (String, String),
}

/// Registers the SQL function `name`, of `args` arguments, through which an audit trigger
/// reports to `log`: `report` reads a call's arguments into the log, under its lock. The
/// function holds the log weakly: once the log is stopped, a trigger left behind reports to
/// no one.
fn log_function(
    conn: &rusqlite::Connection,
    name: &'static str,
    args: std::ffi::c_int,
    log: &MessageChanges,
    report: impl Fn(&rusqlite::functions::Context<'_>, &mut ChangeLog) -> rusqlite::Result<()>
        + Send
        + 'static,
) -> rusqlite::Result<()> {
    let log = Arc::downgrade(log);
    conn.create_scalar_function(
        name,
        args,
        rusqlite::functions::FunctionFlags::SQLITE_UTF8,
        move |ctx| {
            if let Some(log) = log.upgrade() {
                report(ctx, &mut log.lock().unwrap_or_else(PoisonError::into_inner))?;
            }
            Ok(rusqlite::types::Null)
        },
    )
}

/// Argument `i` of a call from an audit trigger as text: anything else (a NULL, a number) is
/// logged as empty, so that the log never fails the engine's write it reports on.
fn logged_text(ctx: &rusqlite::functions::Context<'_>, i: usize) -> String {
    match ctx.get_raw(i) {
        rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
        _ => String::new(),
    }
}

impl Tx<'_> {
    /// The owner of customer service case `number` (`CS…`: its requester's table and sys_id)
    /// and whether it is open (not resolved or closed), or `None` when no case has that number:
    /// for the soak's check that the virtual agent shows a requester only their own cases.
    ///
    /// # Errors
    /// SQLite fails, or a row names an owner table that is not a requester's (a bug).
    pub fn audit_case(
        &self,
        number: &str,
    ) -> Result<Option<(crate::domain::model::PartyTable, String, bool)>, StoreError> {
        self.0
            .prepare_cached(
                "SELECT contact_table, contact, state NOT IN ('resolved', 'closed')
                 FROM sn_customerservice_case WHERE number = ?1",
            )?
            .query_row([number], |r| {
                Ok((
                    parsed(
                        r,
                        0,
                        "a requester table",
                        crate::domain::model::PartyTable::from_table,
                    )?,
                    r.get::<_, String>(1)?,
                    r.get::<_, bool>(2)?,
                ))
            })
            .optional()
    }

    /// Every active SMS interaction with its assignee, by number. It reads the active rows
    /// alone (an index of active interactions, migration 16), not every interaction: sorted
    /// here, as an `ORDER BY number` made SQLite walk the whole table in the number's index
    /// (52 ms a check at a million messages, 232,677 interactions, 10 active).
    ///
    /// # Errors
    /// SQLite fails, or a row holds no interaction number (a bug).
    pub fn audit_active_sms(&self) -> Result<Vec<ActiveAudit>, StoreError> {
        let mut st = self.0.prepare_cached(
            "SELECT i.number, i.assigned_to, coalesce(u.user_name, i.assigned_to),
                    EXISTS (SELECT 1 FROM live_group_profile g
                            WHERE g.interaction = i.sys_id AND g.agent = i.assigned_to
                              AND g.left_at IS NULL),
                    EXISTS (SELECT 1 FROM awa_work_item w
                            WHERE w.interaction = i.sys_id AND w.active = 1),
                    i.requester_phone IS NOT NULL AND i.provider_phone IS NOT NULL
             FROM interaction i LEFT JOIN sys_user u ON u.sys_id = i.assigned_to
             WHERE i.active = 1 AND i.channel = 'sms'",
        )?;
        let rows = st.query_map([], |r| {
            Ok(ActiveAudit {
                interaction: parsed(r, 0, "an interaction number", |s| {
                    InteractionNumber::parse(s).ok()
                })?,
                assigned_to: r.get(1)?,
                assignee: r.get(2)?,
                assignee_in_group: r.get(3)?,
                has_work_item: r.get(4)?,
                has_pair: r.get(5)?,
            })
        })?;
        let mut active: Vec<ActiveAudit> = rows.collect::<Result<_, _>>()?;
        active.sort_unstable_by(|a, b| a.interaction.cmp(&b.interaction));
        Ok(active)
    }

    /// Every SMS interaction opened since the last take, as the audit's trigger saw it then
    /// (see [`Tx::audit_follow_moves`]), in the order written; empties that part of the log.
    /// Empty when no log runs.
    ///
    /// # Errors
    /// None today; a `Result` like the other reads of the log.
    pub fn audit_take_opened(&self) -> Result<Vec<OpenedAudit>, StoreError> {
        let slot = self.1.message_changes().borrow();
        Ok(slot.as_ref().map_or_else(Vec::new, |log| {
            std::mem::take(&mut log.lock().unwrap_or_else(PoisonError::into_inner).opened)
        }))
    }

    /// Every messaging-action timer, by interaction number, action and sys_id.
    pub fn audit_timers(&self) -> Result<Vec<TimerAudit>, StoreError> {
        let mut st = self.0.prepare_cached(concatcp!(
            "SELECT ",
            TIMER_AUDIT_COLS,
            " FROM sys_cs_action_timer t JOIN interaction i ON i.sys_id = t.interaction
             ORDER BY i.number, t.action, t.sys_id"
        ))?;
        let rows = st.query_map([], timer_audit)?;
        rows.collect()
    }

    /// Every closed interaction's number and `closed_at`, by number.
    pub fn closed_interactions(
        &self,
    ) -> Result<Vec<(InteractionNumber, DateTime<Utc>)>, StoreError> {
        let mut st = self.0.prepare_cached(
            "SELECT number, closed_at FROM interaction WHERE closed_at IS NOT NULL ORDER BY number",
        )?;
        let rows = st.query_map([], |r| {
            Ok((
                parsed(r, 0, "an interaction number", |s| {
                    InteractionNumber::parse(s).ok()
                })?,
                ts_col(r, 1)?,
            ))
        })?;
        rows.collect()
    }

    /// Starts this connection's log of changed transcript rows, or empties it when it runs
    /// already, and returns every transcript row, by rowid: what an auditor reads at its first
    /// look. From then on [`Tx::audit_take_message_changes`] returns what changed, until
    /// [`Tx::audit_stop_message_changes`].
    ///
    /// The log is the connection's update hook (`sqlite3_update_hook`, one call per row an
    /// INSERT or UPDATE of `sys_cs_message` writes, triggers' included): a rowid in memory,
    /// nothing written to SQLite, no index kept by the engine's own writes (it replaced one on
    /// `sys_updated_on`, migration 14), and nothing at all on a connection that never started
    /// it. The hook also sees writes that are rolled back later: their rows are read as they
    /// are then (or not at all, for an insert undone). Another connection's writes are not in
    /// it: when one commits, the log says it has a gap (the next take is `None`).
    ///
    /// # Errors
    /// SQLite fails (a bug).
    pub fn audit_log_message_changes(&self) -> Result<Vec<AuditRow>, StoreError> {
        {
            let mut slot = self.1.message_changes().borrow_mut();
            match &*slot {
                Some(log) => {
                    *log.lock().unwrap_or_else(PoisonError::into_inner) = ChangeLog::default();
                }
                None => {
                    let log: MessageChanges = Arc::default();
                    log_function(self.0, STATUS_MOVED_FN, 3, &log, |ctx, log| {
                        let moved = (ctx.get(0)?, ctx.get(1)?, ctx.get(2)?);
                        log.status_moves.push(moved);
                        Ok(())
                    })?;
                    log_function(self.0, OFFERED_FN, 5, &log, |ctx, log| {
                        let made = MadeOffer {
                            seq: log.offers.next_seq(),
                            item: logged_text(ctx, 0),
                            at: logged_text(ctx, 1),
                            interaction: logged_text(ctx, 2),
                            agent: logged_text(ctx, 3),
                            routed: matches!(
                                ctx.get_raw(4),
                                rusqlite::types::ValueRef::Integer(n) if n != 0
                            ),
                        };
                        log.offers.made.push(made);
                        Ok(())
                    })?;
                    log_function(self.0, DECLINED_FN, 3, &log, |ctx, log| {
                        let item = logged_text(ctx, 2);
                        let declined = Decline {
                            seq: log.offers.next_seq(),
                            interaction: logged_text(ctx, 0),
                            agent: logged_text(ctx, 1),
                            rejected: (!item.is_empty()).then_some(item),
                        };
                        log.offers.declines.push(declined);
                        Ok(())
                    })?;
                    log_function(self.0, PASSED_OVER_FN, 6, &log, |ctx, log| {
                        let text = |i| logged_text(ctx, i);
                        log.offers.passed_over.push(PassedOver {
                            offered: text(0),
                            waiting: text(1),
                            waiting_item: text(2),
                            waiting_since: text(3),
                            agent: text(4),
                            at: text(5),
                        });
                        Ok(())
                    })?;
                    log_function(self.0, OPENED_FN, 8, &log, |ctx, log| {
                        let text = |i| logged_text(ctx, i);
                        log.opened.push(OpenedAudit {
                            interaction: text(0),
                            requester_phone: text(1),
                            opened_for: (text(2), text(3)),
                            profile_phone: text(4),
                            profile_active: matches!(
                                ctx.get_raw(5),
                                rusqlite::types::ValueRef::Integer(n) if n != 0
                            ),
                            profile_user: (text(6), text(7)),
                        });
                        Ok(())
                    })?;
                    log_function(self.0, CLOSED_FN, 3, &log, |ctx, log| {
                        log.closed.push(ClosedAudit {
                            interaction: logged_text(ctx, 0),
                            closed_at: logged_text(ctx, 1),
                            last_rowid: ctx.get(2).unwrap_or(0),
                        });
                        Ok(())
                    })?;
                    let seen = Arc::clone(&log);
                    self.0.update_hook(Some(
                        move |_: rusqlite::hooks::Action, db: &str, table: &str, rowid: i64| {
                            if table == "sys_cs_message" && db == "main" {
                                seen.lock()
                                    .unwrap_or_else(PoisonError::into_inner)
                                    .rowids
                                    .push(rowid);
                            }
                        },
                    ))?;
                    *slot = Some(log);
                }
            }
        }
        let mut st = self
            .0
            .prepare_cached(concatcp!(AUDIT_SELECT, " ORDER BY m.rowid"))?;
        let rows = st.query_map([], audit_row)?;
        rows.collect()
    }

    /// Has the log ([`Tx::audit_log_message_changes`], started before) follow each change of a
    /// transcript row's status, for [`Tx::audit_take_status_moves`], each offer of a work item
    /// with the items it passed over, for [`Tx::audit_take_offers`], each SMS interaction
    /// opened, for [`Tx::audit_take_opened`], and each interaction closed, for
    /// [`Tx::audit_take_closed`]: temporary triggers,
    /// which, being schema, must be made inside [`super::SqliteStore::write`] (a read's
    /// savepoint rolls them back). Following already does nothing.
    ///
    /// # Errors
    /// SQLite fails (a bug).
    pub fn audit_follow_moves(&self) -> Result<(), StoreError> {
        self.0.execute_batch(STATUS_MOVES_TRIGGER)?;
        self.0.execute_batch(OFFER_TRIGGERS)?;
        self.0.execute_batch(DECLINE_TRIGGERS)?;
        self.0.execute_batch(OPENED_TRIGGER)?;
        self.0.execute_batch(CLOSED_TRIGGER)
    }

    /// Every interaction closed since the last take, as the audit's trigger saw it (see
    /// [`Tx::audit_follow_moves`]), in the order written; empties that part of the log. Empty
    /// when no log runs.
    ///
    /// # Errors
    /// None today; a `Result` like the other reads of the log.
    pub fn audit_take_closed(&self) -> Result<Vec<ClosedAudit>, StoreError> {
        let slot = self.1.message_changes().borrow();
        Ok(slot.as_ref().map_or_else(Vec::new, |log| {
            std::mem::take(&mut log.lock().unwrap_or_else(PoisonError::into_inner).closed)
        }))
    }

    /// Every offer of a work item since the last take, and every item an offer passed over
    /// (see [`Tx::audit_follow_moves`]), in the order written; empties that part of the log. Empty when
    /// no log runs. The routing state an auditor reads at its looks shows only the last pass;
    /// this sees each offer as it is written.
    ///
    /// # Errors
    /// None today; a `Result` like the other reads of the log.
    pub fn audit_take_offers(&self) -> Result<OfferLog, StoreError> {
        let slot = self.1.message_changes().borrow();
        Ok(slot.as_ref().map_or_else(OfferLog::default, |log| {
            std::mem::take(&mut log.lock().unwrap_or_else(PoisonError::into_inner).offers)
        }))
    }

    /// Every change of a transcript row's delivery status since the last take, in the order
    /// written: (rowid, from, to), each status as stored (`sent`, `delivered`, ...); empties
    /// that part of the log. Empty when no log runs. A status an auditor only reads at its looks
    /// could go forward and back between two of them unseen; this sees each step.
    ///
    /// # Errors
    /// None today; a `Result` like the other reads of the log.
    pub fn audit_take_status_moves(&self) -> Result<Vec<(i64, String, String)>, StoreError> {
        let slot = self.1.message_changes().borrow();
        Ok(slot.as_ref().map_or_else(Vec::new, |log| {
            std::mem::take(
                &mut log
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .status_moves,
            )
        }))
    }

    /// The transcript rows inserted or updated since the last look (the log
    /// [`Tx::audit_log_message_changes`] started, then each take), by rowid, each once; empties
    /// the log. `None`: no log runs on this connection, or it has a gap (another connection
    /// committed since the last look): start it again, which reads every row.
    ///
    /// # Errors
    /// SQLite fails (a bug).
    pub fn audit_take_message_changes(&self) -> Result<Option<Vec<AuditRow>>, StoreError> {
        let mut rowids = {
            let slot = self.1.message_changes().borrow();
            let Some(log) = &*slot else {
                return Ok(None);
            };
            let mut log = log.lock().unwrap_or_else(PoisonError::into_inner);
            if log.gap {
                return Ok(None);
            }
            std::mem::take(&mut log.rowids)
        };
        // Sorted here, in place, so that the read copies nothing; it skips the repeats itself.
        rowids.sort_unstable();
        self.audit_messages_with_rowids(&rowids).map(Some)
    }

    /// The transcript rows with these rowids, each once, in rowid order, whatever the order and
    /// repeats asked (the change log's rowids come in the order written); a rowid no row has (an
    /// insert rolled back) is left out.
    ///
    /// Rowids close together (a check's new rows and the recent sends whose status moved) are
    /// read as one range, one statement for each run instead of one for each row; a row inside
    /// a run that was not asked for is skipped after its rowid is read.
    ///
    /// # Errors
    /// SQLite fails (a bug).
    pub fn audit_messages_with_rowids(&self, rowids: &[i64]) -> Result<Vec<AuditRow>, StoreError> {
        /// The widest gap between two asked rowids that one range still spans.
        const MAX_GAP: i64 = 16;
        let rowids: std::borrow::Cow<'_, [i64]> = if rowids.is_sorted() {
            rowids.into()
        } else {
            let mut sorted = rowids.to_vec();
            sorted.sort_unstable();
            sorted.into()
        };
        let mut st = self.0.prepare_cached(concatcp!(
            AUDIT_SELECT,
            " WHERE m.rowid BETWEEN ?1 AND ?2 ORDER BY m.rowid"
        ))?;
        let mut rows = Vec::with_capacity(rowids.len());
        for run in rowids.chunk_by(|a, b| b - a <= MAX_GAP) {
            let (Some(&first), Some(&last)) = (run.first(), run.last()) else {
                continue;
            };
            let mut found = st.query([first, last])?;
            while let Some(r) = found.next()? {
                if run.binary_search(&r.get::<_, i64>(0)?).is_ok() {
                    rows.push(audit_row(r)?);
                }
            }
        }
        Ok(rows)
    }

    /// Stops this connection's log of changed transcript rows (removes the update hook and
    /// what it held, and the status trigger: in [`super::SqliteStore::write`], as a read's
    /// savepoint would roll the drop back, leaving a trigger that reports to no one): for an
    /// audit that looks once, so that later writes keep no log nobody takes. Stopping a log that
    /// does not run does nothing.
    ///
    /// # Errors
    /// SQLite refuses to remove the hook (a connection the store does not own: a bug).
    pub fn audit_stop_message_changes(&self) -> Result<(), StoreError> {
        if self.1.message_changes().borrow_mut().take().is_some() {
            self.0
                .update_hook(None::<fn(rusqlite::hooks::Action, &str, &str, i64)>)?;
            self.0.execute_batch(
                "DROP TRIGGER IF EXISTS temp.convsms_audit_status_moves;
                 DROP TRIGGER IF EXISTS temp.convsms_audit_offers_updated;
                 DROP TRIGGER IF EXISTS temp.convsms_audit_offers_inserted;
                 DROP TRIGGER IF EXISTS temp.convsms_audit_opened;
                 DROP TRIGGER IF EXISTS temp.convsms_audit_closed;",
            )?;
        }
        Ok(())
    }

    /// The transcript rows carrying `sid` as their provider SID (at most one: the column is
    /// unique).
    pub fn audit_messages_with_sid(&self, sid: &MessageSid) -> Result<Vec<AuditRow>, StoreError> {
        let mut st = self.0.prepare_cached(concatcp!(
            AUDIT_SELECT,
            " WHERE m.provider_sid = ?1 ORDER BY m.rowid"
        ))?;
        let rows = st.query_map([sid.as_str()], audit_row)?;
        rows.collect()
    }

    /// The sends whose lost answer is unconfirmed (`unconfirmed_since`, migration 20): waiting
    /// for a look in the provider's list before their retry (`retrying`), or given up after a
    /// day of looks that could not say (`failed`, their fate unknown); in rowid order. Each may
    /// account for one message the provider created that no row holds. Read through their own
    /// index (migration 21), named: for `ORDER BY rowid` SQLite would rather scan every message
    /// (3.7 ms a check at 20,000 messages, where the index takes microseconds).
    pub fn audit_awaiting_look(&self) -> Result<Vec<AuditRow>, StoreError> {
        let mut st = self.0.prepare_cached(AWAITING_LOOK)?;
        let rows = st.query_map([], audit_row)?;
        rows.collect()
    }

    /// Calls `f` on every transcript row, by interaction number and seq, one at a time (memory
    /// stays flat however long the transcripts are).
    pub fn audit_each_message(&self, mut f: impl FnMut(&AuditRow)) -> Result<(), StoreError> {
        let mut st = self
            .0
            .prepare_cached(concatcp!(AUDIT_SELECT, " ORDER BY i.number, m.seq"))?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            f(&audit_row(r)?);
        }
        Ok(())
    }

    /// Pairs (requester phone, provider number) with more than one active SMS interaction, and
    /// those interactions' numbers.
    pub fn audit_active_sms_pairs_shared(
        &self,
    ) -> Result<Vec<(String, String, Vec<InteractionNumber>)>, StoreError> {
        let mut st = self.0.prepare_cached(
            "SELECT requester_phone, provider_phone, group_concat(number, ',') FROM interaction
             WHERE active = 1 AND channel = 'sms' AND type = 'messaging'
             GROUP BY requester_phone, provider_phone HAVING count(*) > 1
             ORDER BY requester_phone, provider_phone",
        )?;
        let rows = st.query_map([], |r| {
            let numbers: String = r.get(2)?;
            Ok((
                r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                numbers
                    .split(',')
                    .filter_map(|n| InteractionNumber::parse(n).ok())
                    .collect(),
            ))
        })?;
        rows.collect()
    }

    /// Timers settled at or after `since`, and pending timers due at or before `due_by`.
    pub fn audit_timers_since(
        &self,
        since: DateTime<Utc>,
        due_by: DateTime<Utc>,
    ) -> Result<Vec<TimerAudit>, StoreError> {
        let mut st = self.0.prepare_cached(concatcp!(
            "SELECT ",
            TIMER_AUDIT_COLS,
            " FROM sys_cs_action_timer t JOIN interaction i ON i.sys_id = t.interaction
             WHERE t.settled_at >= ?1
             UNION ALL
             SELECT ",
            TIMER_AUDIT_COLS,
            " FROM sys_cs_action_timer t JOIN interaction i ON i.sys_id = t.interaction
             WHERE t.state = 'pending' AND t.due_at <= ?2"
        ))?;
        let rows = st.query_map([ts(since), ts(due_by)], timer_audit)?;
        rows.collect()
    }

    /// The sys_id and number of the interaction of every active work item, by sys_id.
    pub fn audit_active_item_interactions(
        &self,
    ) -> Result<Vec<(String, InteractionNumber)>, StoreError> {
        let mut st = self.0.prepare_cached(
            "SELECT DISTINCT i.sys_id, i.number FROM awa_work_item w
             JOIN interaction i ON i.sys_id = w.interaction WHERE w.active = 1 ORDER BY i.sys_id",
        )?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get(0)?,
                parsed(r, 1, "an interaction number", |s| {
                    InteractionNumber::parse(s).ok()
                })?,
            ))
        })?;
        rows.collect()
    }

    /// The closed interactions whose work item is still active, by number: a routing pass
    /// catches items up with their interactions, so right after one there are none (a closed
    /// conversation's item would hold its agent's slot, or wait, for nothing).
    pub fn audit_closed_with_active_items(&self) -> Result<Vec<InteractionNumber>, StoreError> {
        let mut st = self.0.prepare_cached(
            "SELECT DISTINCT i.number FROM awa_work_item w
             JOIN interaction i ON i.sys_id = w.interaction
             WHERE w.active = 1 AND i.active = 0 ORDER BY i.number",
        )?;
        let rows = st.query_map([], |r| {
            parsed(r, 0, "an interaction number", |s| {
                InteractionNumber::parse(s).ok()
            })
        })?;
        rows.collect()
    }

    /// How many SMS interactions are active.
    pub fn audit_active_sms_count(&self) -> Result<usize, StoreError> {
        self.0.query_row(
            "SELECT count(*) FROM interaction WHERE active = 1 AND channel = 'sms'",
            [],
            |r| r.get::<_, i64>(0).map(|n| n as usize),
        )
    }

    /// The highest rowid of `sys_cs_message` (0 when it is empty): a transcript row written
    /// since a look raises it (rowids only grow: the table is never deleted from). One seek.
    ///
    /// # Errors
    /// SQLite fails.
    pub fn audit_last_message_rowid(&self) -> Result<i64, StoreError> {
        self.0.query_row(
            "SELECT coalesce(max(rowid), 0) FROM sys_cs_message",
            [],
            |r| r.get(0),
        )
    }

    /// When interaction `n`'s last message before position `seq` and strictly before `at` was
    /// written: the silence an idle close at `at` (its notice at `seq`) ended. `None` when
    /// there is none. One seek of the (interaction, seq) index, read backwards.
    ///
    /// # Errors
    /// SQLite fails, or the time stored is not RFC 3339 (a bug).
    pub fn audit_last_message_before(
        &self,
        n: &InteractionNumber,
        seq: i64,
        at: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let mut st = self.0.prepare_cached(
            "SELECT m.sys_created_on FROM sys_cs_message m
               JOIN interaction i ON i.sys_id = m.interaction
              WHERE i.number = ?1 AND m.seq < ?2 AND m.sys_created_on < ?3
              ORDER BY m.seq DESC LIMIT 1",
        )?;
        st.query_row(rusqlite::params![n.as_str(), seq, ts(at)], |r| ts_col(r, 0))
            .optional()
    }

    /// How many interactions there are.
    pub fn audit_interaction_count(&self) -> Result<u64, StoreError> {
        self.0
            .query_row("SELECT count(*) FROM interaction", [], |r| {
                r.get::<_, i64>(0).map(|n| n as u64)
            })
    }

    /// For the soak's time-to-first-response figure: interaction `n`'s first requester message
    /// and first live-agent message (their `sys_created_on`), when the transcript holds exactly
    /// one live-agent message; `None` otherwise (no such interaction, no agent message yet, or
    /// more than one). Reads the interaction's messages in its (interaction, seq) index, without
    /// loading them.
    pub fn audit_first_response(
        &self,
        n: &InteractionNumber,
    ) -> Result<Option<FirstResponse>, StoreError> {
        let mut st = self.0.prepare_cached(
            "SELECT
                 (SELECT m.sys_created_on FROM sys_cs_message m
                   WHERE m.interaction = i.sys_id AND m.author_kind = 'requester'
                   ORDER BY m.seq LIMIT 1),
                 (SELECT m.sys_created_on FROM sys_cs_message m
                   WHERE m.interaction = i.sys_id AND m.author_kind = 'agent'
                   ORDER BY m.seq LIMIT 1),
                 (SELECT count(*) FROM (SELECT 1 FROM sys_cs_message m
                   WHERE m.interaction = i.sys_id AND m.author_kind = 'agent' LIMIT 2))
             FROM interaction i WHERE i.number = ?1",
        )?;
        let found = st
            .query_row([n.as_str()], |r| {
                Ok((ts_opt_col(r, 0)?, ts_opt_col(r, 1)?, r.get::<_, i64>(2)?))
            })
            .optional()?;
        Ok(match found {
            Some((requester, Some(agent), 1)) => Some(FirstResponse { requester, agent }),
            _ => None,
        })
    }
}

/// An interaction's first live-agent message and the requester message it answers
/// ([`Tx::audit_first_response`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FirstResponse {
    /// When the requester's first message was created; `None` when the transcript has none
    /// (an agent-initiated conversation).
    pub requester: Option<DateTime<Utc>>,
    /// When the only live-agent message was created.
    pub agent: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    /// A fresh in-memory store with one open SMS interaction, sys_id `talked` (IMS0000001).
    fn store_with_an_interaction() -> crate::store::SqliteStore {
        with_an_interaction(crate::store::SqliteStore::open_in_memory().unwrap())
    }

    /// A requester's text `body` in interaction `talked`, at 2026-01-05 09:00 UTC; its sys_id.
    fn say(store: &crate::store::SqliteStore, body: &str) -> String {
        use chrono::{TimeZone, Utc};

        use crate::domain::delivery::{DeliveryStatus, Direction};
        use crate::domain::model::AuthorKind;

        store
            .write(|tx| {
                tx.insert_message(
                    "talked",
                    Direction::Inbound,
                    AuthorKind::Requester,
                    None,
                    body,
                    &[],
                    None,
                    DeliveryStatus::Received,
                    Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap(),
                )
            })
            .unwrap()
    }

    /// The bodies of `rows`, in order.
    fn bodies(rows: Vec<super::AuditRow>) -> Vec<String> {
        rows.into_iter().map(|r| r.message.body).collect()
    }

    /// `store` with interaction IMS0000001 (sys_id `talked`).
    fn with_an_interaction(store: crate::store::SqliteStore) -> crate::store::SqliteStore {
        store
            .write(|tx| {
                tx.0.execute_batch(
                    "INSERT INTO interaction (sys_id, number, type, channel, state, active,
                         assigned_to, opened_for_table, opened_for, opened_at)
                     VALUES ('talked', 'IMS0000001', 'messaging', 'sms', 'work_in_progress', 1,
                             NULL, 'sys_user', '00000000000000000000000000000001',
                             '2026-01-05T09:00:00.000Z')",
                )
            })
            .unwrap();
        store
    }

    /// The offer log: each offer written, and each older waiting item of the queue the agent
    /// offered had not declined, as the offer is written (an update or an insert as offered);
    /// an agent outside the queue passes over nothing; a take empties it.
    #[test]
    fn the_offer_log_sees_each_offer_and_the_items_it_passed_over() {
        use super::{OfferLog, PassedOver};
        let store = crate::store::SqliteStore::open_in_memory().unwrap();
        let q = "000000000000000000000000000000a1";
        store
            .write(|tx| {
                tx.0.execute_batch(&format!(
                    "INSERT INTO sys_user (sys_id, user_name, name) VALUES
                         ('u_alice', 'alice', 'Alice'), ('u_bob', 'bob', 'Bob');
                     INSERT INTO awa_queue_member (queue, agent, position) VALUES ('{q}', 'u_alice', 1);
                     INSERT INTO awa_agent_presence (agent, presence, sms_capacity)
                     VALUES ('u_alice', 'available', 3), ('u_bob', 'available', 3);
                     INSERT INTO interaction (sys_id, number, type, channel, state, active,
                         opened_for_table, opened_for, opened_at)
                     VALUES ('i1', 'IMS0000001', 'messaging', 'sms', 'new', 1, 'sys_user', 'u_bob', '2026-01-05T09:00:00.000Z'),
                            ('i2', 'IMS0000002', 'messaging', 'sms', 'new', 1, 'sys_user', 'u_bob', '2026-01-05T09:01:00.000Z'),
                            ('i3', 'IMS0000003', 'messaging', 'sms', 'new', 1, 'sys_user', 'u_bob', '2026-01-05T09:02:00.000Z');
                     INSERT INTO awa_work_item (sys_id, interaction, queue, state, active, created_at)
                     VALUES ('w1', 'i1', '{q}', 'pending', 1, '2026-01-05T09:00:00.000Z'),
                            ('w2', 'i2', '{q}', 'pending', 1, '2026-01-05T09:01:00.000Z');"
                ))
            })
            .unwrap();
        store.read(|tx| tx.audit_log_message_changes()).unwrap();
        store.write(|tx| tx.audit_follow_moves()).unwrap();
        let offer = |sql: &str| {
            store.write(|tx| tx.0.execute_batch(sql)).unwrap();
            store.read(|tx| tx.audit_take_offers()).unwrap()
        };
        let at = "2026-01-05T09:05:00.000Z";
        let log = offer(&format!(
            "UPDATE awa_work_item SET state = 'offered', agent = 'u_alice', offered_at = '{at}'
             WHERE sys_id = 'w2'"
        ));
        let made = |seq: usize, item: &str, number: &str, agent: &str, routed| super::MadeOffer {
            seq,
            item: item.into(),
            at: at.into(),
            interaction: number.into(),
            agent: agent.into(),
            routed,
        };
        assert_eq!(log.made, [made(0, "w2", "IMS0000002", "alice", true)]);
        assert_eq!(
            log.passed_over,
            [PassedOver {
                offered: "IMS0000002".into(),
                waiting: "IMS0000001".into(),
                waiting_item: "w1".into(),
                waiting_since: "2026-01-05T09:00:00.000Z".into(),
                agent: "alice".into(),
                at: at.into(),
            }]
        );
        // Declined by the agent: not passed over; an item inserted as offered is seen too.
        let log = offer(&format!(
            "UPDATE awa_work_item SET declined_by = 'u_x,u_alice' WHERE sys_id = 'w1';
             INSERT INTO awa_work_item (sys_id, interaction, queue, state, active, agent, offered_at, created_at)
             VALUES ('w3', 'i3', '{q}', 'offered', 1, 'u_alice', '{at}', '2026-01-05T09:02:00.000Z');"
        ));
        assert_eq!(log.made, [made(0, "w3", "IMS0000003", "alice", false)]);
        assert_eq!(log.passed_over, []);
        // An agent outside the queue (a transfer by name) passes over nothing.
        let log = offer(&format!(
            "UPDATE awa_work_item SET declined_by = '' WHERE sys_id = 'w1';
             UPDATE awa_work_item SET state = 'pending', agent = NULL WHERE sys_id = 'w3';
             UPDATE awa_work_item SET state = 'offered', agent = 'u_bob', offered_at = '{at}'
             WHERE sys_id = 'w3';"
        ));
        assert_eq!(log.made, [made(0, "w3", "IMS0000003", "bob", true)]);
        assert_eq!(log.passed_over, []);
        // Expired and offered again in one pass, written once (offered to offered): an offer;
        // the same offer written again (another column changed) is none.
        let later = "2026-01-05T09:06:00.000Z";
        let log = offer(&format!(
            "UPDATE awa_work_item SET state = 'offered', agent = 'u_alice', offered_at = '{later}'
             WHERE sys_id = 'w3';
             UPDATE awa_work_item SET state = 'offered', timed_out_by = 'u_bob' WHERE sys_id = 'w3';"
        ));
        let again = super::MadeOffer {
            at: later.into(),
            ..made(0, "w3", "IMS0000003", "alice", true)
        };
        assert_eq!(log.made, [again]);
        assert_eq!(
            store.read(|tx| tx.audit_take_offers()).unwrap(),
            OfferLog::default(),
            "taken once"
        );
    }

    /// The decline log: a rejected offer and a conversation taken from its live agent are seen
    /// in their order among the offers; a timeout, the virtual agent handing over and an
    /// assignment to an agent are not declines.
    #[test]
    fn the_offer_log_sees_each_decline_in_order_with_the_offers() {
        use super::Decline;
        let store = crate::store::SqliteStore::open_in_memory().unwrap();
        let q = "000000000000000000000000000000a1";
        let va = crate::domain::model::VIRTUAL_AGENT_SYS_ID;
        store
            .write(|tx| {
                tx.0.execute_batch(&format!(
                    "INSERT INTO sys_user (sys_id, user_name, name) VALUES
                         ('u_alice', 'alice', 'Alice'), ('u_bob', 'bob', 'Bob');
                     INSERT INTO interaction (sys_id, number, type, channel, state, active,
                         assigned_to, opened_for_table, opened_for, opened_at)
                     VALUES ('i1', 'IMS0000001', 'messaging', 'sms', 'new', 1, '{va}', 'sys_user', 'u_bob', '2026-01-05T09:00:00.000Z');
                     INSERT INTO awa_work_item (sys_id, interaction, queue, state, active, created_at)
                     VALUES ('w1', 'i1', '{q}', 'pending', 1, '2026-01-05T09:00:00.000Z');"
                ))
            })
            .unwrap();
        store.read(|tx| tx.audit_log_message_changes()).unwrap();
        store.write(|tx| tx.audit_follow_moves()).unwrap();
        let at = "2026-01-05T09:05:00.000Z";
        store
            .write(|tx| {
                tx.0.execute_batch(&format!(
                    "UPDATE interaction SET assigned_to = NULL WHERE sys_id = 'i1';
                     UPDATE awa_work_item SET state = 'offered', agent = 'u_alice', offered_at = '{at}';
                     UPDATE awa_work_item SET state = 'timed_out', agent = NULL;
                     UPDATE awa_work_item SET state = 'offered', agent = 'u_alice', offered_at = '{at}';
                     UPDATE awa_work_item SET state = 'rejected', agent = NULL;
                     UPDATE awa_work_item SET state = 'offered', agent = 'u_bob', offered_at = '{at}';
                     UPDATE awa_work_item SET state = 'accepted';
                     UPDATE interaction SET assigned_to = 'u_bob' WHERE sys_id = 'i1';
                     UPDATE interaction SET assigned_to = NULL WHERE sys_id = 'i1';"
                ))
            })
            .unwrap();
        let log = store.read(|tx| tx.audit_take_offers()).unwrap();
        let offers: Vec<(usize, &str)> =
            log.made.iter().map(|o| (o.seq, o.agent.as_str())).collect();
        assert_eq!(offers, [(0, "alice"), (1, "alice"), (3, "bob")]);
        let decline = |seq: usize, agent: &str, rejected: Option<&str>| Decline {
            seq,
            interaction: "IMS0000001".into(),
            agent: agent.into(),
            rejected: rejected.map(Into::into),
        };
        assert_eq!(
            log.declines,
            [decline(2, "alice", Some("w1")), decline(4, "bob", None)]
        );
    }

    /// The log of changed rows: its start reads every row; then each take returns the rows
    /// inserted or updated since the last, once each, in rowid order; the rows of a write rolled
    /// back are read as they are; a connection that never started it has none.
    #[test]
    fn the_change_log_returns_each_changed_row_once_since_the_last_look() {
        use crate::store::{SqliteStore, StoreError};

        let store = store_with_an_interaction();
        let take = |store: &SqliteStore| {
            let rows = store.read(|tx| tx.audit_take_message_changes()).unwrap();
            bodies(rows.expect("the log runs"))
        };
        assert_eq!(
            store.read(|tx| tx.audit_take_message_changes()).unwrap(),
            None,
            "no log started on this connection"
        );
        let one = say(&store, "one");
        say(&store, "two");
        let all = store.read(|tx| tx.audit_log_message_changes()).unwrap();
        assert_eq!(bodies(all), ["one", "two"]);
        assert!(take(&store).is_empty(), "nothing changed since the start");
        say(&store, "three");
        store
            .write(|tx| {
                tx.0.execute(
                    "UPDATE sys_cs_message SET body = 'one again' WHERE sys_id = ?1",
                    [&one],
                )
            })
            .unwrap();
        assert_eq!(take(&store), ["one again", "three"]);
        assert!(take(&store).is_empty(), "taken once");
        let refused: Result<(), StoreError> = store.write(|tx| {
            tx.0.execute("UPDATE sys_cs_message SET body = 'lost'", [])?;
            Err(rusqlite::Error::QueryReturnedNoRows)
        });
        assert!(refused.is_err());
        assert_eq!(
            take(&store),
            ["one again", "two", "three"],
            "the rows of a write rolled back are read as they are"
        );
        let four = say(&store, "four");
        store
            .write(|tx| {
                tx.0.execute(
                    "UPDATE sys_cs_message SET body = 'four again' WHERE sys_id = ?1",
                    [&four],
                )
            })
            .unwrap();
        assert_eq!(
            take(&store),
            ["four again"],
            "a row inserted then updated is read once"
        );
        let all = store.read(|tx| tx.audit_log_message_changes()).unwrap();
        assert_eq!(bodies(all), ["one again", "two", "three", "four again"]);
        store.read(|tx| tx.audit_stop_message_changes()).unwrap();
        say(&store, "five");
        assert_eq!(
            store.read(|tx| tx.audit_take_message_changes()).unwrap(),
            None,
            "a stopped log is gone"
        );
    }

    /// While the log runs, each change of a row's status is reported, in order, the steps
    /// between two looks included; other changes are not, and a stopped log reports none.
    #[test]
    fn each_status_change_is_reported_while_the_log_runs() {
        let store = store_with_an_interaction();
        let sent = say(&store, "hi");
        let set = |status: &str| {
            store
                .write(|tx| {
                    tx.0.execute(
                        "UPDATE sys_cs_message SET status = ?1 WHERE sys_id = ?2",
                        [status, sent.as_str()],
                    )
                })
                .unwrap();
        };
        let moves = || store.read(|tx| tx.audit_take_status_moves()).unwrap();
        set("queued");
        assert!(moves().is_empty(), "no log runs yet");
        store.read(|tx| tx.audit_log_message_changes()).unwrap();
        store.write(|tx| tx.audit_follow_moves()).unwrap();
        set("sent");
        set("sent");
        set("delivered");
        set("sent");
        let rowid: i64 = i64::from_str_radix(&sent, 16).unwrap();
        let m = |a: &str, b: &str| (rowid, a.to_owned(), b.to_owned());
        assert_eq!(
            moves(),
            [
                m("queued", "sent"),
                m("sent", "delivered"),
                m("delivered", "sent")
            ]
        );
        assert!(moves().is_empty(), "taken once");
        store
            .write(|tx| {
                tx.0.execute(
                    "UPDATE sys_cs_message SET body = 'other' WHERE sys_id = ?1",
                    [sent.as_str()],
                )
            })
            .unwrap();
        assert!(moves().is_empty(), "only the status is followed");
        store.write(|tx| tx.audit_stop_message_changes()).unwrap();
        set("delivered");
        assert!(moves().is_empty(), "a stopped log reports nothing");
        let triggers: i64 = store
            .read(|tx| {
                tx.0.query_row(
                    "SELECT count(*) FROM sqlite_temp_master WHERE name = 'convsms_audit_status_moves'",
                    [],
                    |r| r.get(0),
                )
            })
            .unwrap();
        assert_eq!(triggers, 0, "the trigger is gone with the log");
    }

    /// The active SMS interactions, with whether their assignee is in the live group, come from
    /// the active rows alone: with 300 closed interactions and two active ones, the read takes
    /// a few steps of SQLite's machine for each active one, not a walk of every interaction.
    #[test]
    fn the_active_interactions_are_read_without_the_closed_ones() {
        let store = crate::store::SqliteStore::open_in_memory().unwrap();
        store
            .write(|tx| {
                let mut sql = String::from(
                    "INSERT INTO sys_user (sys_id, user_name, name) VALUES ('u_alice', 'alice', 'Alice');
                     INSERT INTO interaction (sys_id, number, type, channel, state, active,
                         assigned_to, opened_for_table, opened_for, opened_at) VALUES ",
                );
                for k in 1..=302 {
                    let active = u8::from(k == 7 || k == 200);
                    sql.push_str(&format!(
                        "{}('i{k}', 'IMS{k:07}', 'messaging', 'sms', 'work_in_progress', {active},
                           'u_alice', 'sys_user', 'u_alice', '2026-01-05T09:00:00.000Z')",
                        if k == 1 { "" } else { "," }
                    ));
                }
                sql.push_str(
                    ";\nINSERT INTO live_group_profile (interaction, agent, joined_at)
                     VALUES ('i200', 'u_alice', '2026-01-05T09:00:00.000Z');",
                );
                tx.0.execute_batch(&sql)
            })
            .unwrap();
        let active = store.read(|tx| tx.audit_active_sms()).unwrap();
        let seen: Vec<(String, Option<String>, bool)> = active
            .into_iter()
            .map(|a| (a.interaction.to_string(), a.assignee, a.assignee_in_group))
            .collect();
        assert_eq!(
            seen,
            [
                ("IMS0000007".to_owned(), Some("alice".to_owned()), false),
                ("IMS0000200".to_owned(), Some("alice".to_owned()), true),
            ]
        );
        let conn = store.lock();
        let steps = crate::store::tests::counters_of(
            &conn,
            "live_group_profile",
            rusqlite::ffi::SQLITE_STMTSTATUS_VM_STEP,
        );
        assert!(
            !steps.is_empty() && steps.iter().all(|&n| n < 200),
            "steps of the read: {steps:?}"
        );
    }

    /// The opening log: each SMS interaction as it is inserted, with its profile as it then
    /// was (a later change to the profile does not change what was logged); none before the
    /// log starts or after it stops.
    #[test]
    fn the_opening_log_sees_each_sms_interaction_with_its_profile_then() {
        let store = crate::store::SqliteStore::open_in_memory().unwrap();
        let open = |k: u32, profile: &str| {
            store
                .write(|tx| {
                    tx.0.execute_batch(&format!(
                        "INSERT INTO interaction (sys_id, number, type, channel, state, active,
                             opened_for_table, opened_for, channel_user_profile,
                             requester_phone, opened_at)
                         VALUES ('i{k}', 'IMS{k:07}', 'messaging', 'sms', 'new', 1, 'csm_consumer',
                                 'c_bea', {profile}, '+14155552671', '2026-01-05T09:00:00.000Z')"
                    ))
                })
                .unwrap();
        };
        store
            .write(|tx| {
                tx.0.execute_batch(
                    "INSERT INTO sys_cs_channel_user_profile (sys_id, channel_user_id, user_table,
                         user_document, active, sys_created_on)
                     VALUES ('p1', '+14155552671', 'csm_consumer', 'c_bea', 1,
                             '2026-01-05T09:00:00.000Z')",
                )
            })
            .unwrap();
        open(1, "'p1'");
        store.read(|tx| tx.audit_log_message_changes()).unwrap();
        store.write(|tx| tx.audit_follow_moves()).unwrap();
        open(2, "'p1'");
        open(3, "NULL");
        store
            .write(|tx| {
                tx.0.execute_batch(
                    "UPDATE sys_cs_channel_user_profile SET active = 0 WHERE sys_id = 'p1'",
                )
            })
            .unwrap();
        let opened = store.read(|tx| tx.audit_take_opened()).unwrap();
        let bea = ("csm_consumer".to_owned(), "c_bea".to_owned());
        assert_eq!(
            opened,
            [
                super::OpenedAudit {
                    interaction: "IMS0000002".to_owned(),
                    requester_phone: "+14155552671".to_owned(),
                    opened_for: bea.clone(),
                    profile_phone: "+14155552671".to_owned(),
                    profile_active: true,
                    profile_user: bea.clone(),
                },
                super::OpenedAudit {
                    interaction: "IMS0000003".to_owned(),
                    requester_phone: "+14155552671".to_owned(),
                    opened_for: bea,
                    ..super::OpenedAudit::default()
                },
            ]
        );
        assert!(store.read(|tx| tx.audit_take_opened()).unwrap().is_empty());
        // The closing log: each close with its time and the last transcript rowid before it.
        let at: chrono::DateTime<chrono::Utc> = "2026-01-05T10:00:00Z".parse().unwrap();
        store
            .write(|tx| {
                tx.close_interaction(
                    "i2",
                    crate::domain::model::InteractionState::ClosedComplete,
                    at,
                )
            })
            .unwrap();
        let closed = store.read(|tx| tx.audit_take_closed()).unwrap();
        assert_eq!(
            closed,
            [super::ClosedAudit {
                interaction: "IMS0000002".to_owned(),
                closed_at: "2026-01-05T10:00:00.000Z".to_owned(),
                last_rowid: 0,
            }]
        );
        assert!(store.read(|tx| tx.audit_take_closed()).unwrap().is_empty());
        store.write(|tx| tx.audit_stop_message_changes()).unwrap();
        open(4, "'p1'");
        assert!(store.read(|tx| tx.audit_take_opened()).unwrap().is_empty());
    }

    /// Rows asked by rowid come back in rowid order, exactly those asked, each once, however
    /// they were asked: neighbours inside a range read as one are left out, rowids far apart
    /// are each found, and a rowid no row has is skipped; no sorter, no full scan.
    #[test]
    fn rows_by_rowid_are_exactly_those_asked_near_or_far() {
        let store = store_with_an_interaction();
        let rowids: Vec<i64> = (0..40)
            .map(|k| {
                let sys_id = say(&store, &format!("m{k}"));
                i64::from_str_radix(&sys_id, 16).unwrap()
            })
            .collect();
        let ask = |wanted: &[i64]| {
            bodies(
                store
                    .read(|tx| tx.audit_messages_with_rowids(wanted))
                    .unwrap(),
            )
        };
        assert!(ask(&[]).is_empty());
        let last = *rowids.last().unwrap();
        let wanted = [
            rowids[1],
            rowids[3],
            rowids[4],
            rowids[30],
            last,
            last + 1_000,
        ];
        assert_eq!(ask(&wanted), ["m1", "m3", "m4", "m30", "m39"]);
        assert_eq!(ask(&rowids[5..8]), ["m5", "m6", "m7"]);
        let unordered = [rowids[7], rowids[2], rowids[7], rowids[25]];
        assert_eq!(
            ask(&unordered),
            ["m2", "m7", "m25"],
            "in rowid order, each once"
        );
        let conn = store.lock();
        let sorted = crate::store::tests::statements_that_sorted(&conn);
        assert!(
            sorted.is_empty(),
            "the ranges are read in rowid order: {sorted:#?}"
        );
        let scanned = crate::store::tests::statements_that_scanned(&conn, "sys_cs_message");
        assert!(
            scanned.is_empty(),
            "each range is read by rowid: {scanned:#?}"
        );
    }

    /// Another connection's commit is not in the log: the next take says so (`None`), and
    /// starting the log again reads every row, that commit's included.
    #[test]
    fn another_connections_commit_leaves_a_gap_the_next_take_reports() {
        use crate::store::SqliteStore;

        let (dir, path) = crate::store::tests::fresh_file("audit-gap", "g.sqlite");
        let store = with_an_interaction(SqliteStore::open(&path).unwrap());
        say(&store, "one");
        let all = store.read(|tx| tx.audit_log_message_changes()).unwrap();
        assert_eq!(bodies(all), ["one"]);
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute("UPDATE sys_cs_message SET body = 'one elsewhere'", [])
            .unwrap();
        assert_eq!(
            store.read(|tx| tx.audit_take_message_changes()).unwrap(),
            None,
            "the log could not see that commit"
        );
        let all = store.read(|tx| tx.audit_log_message_changes()).unwrap();
        assert_eq!(bodies(all), ["one elsewhere"]);
        let taken = store.read(|tx| tx.audit_take_message_changes()).unwrap();
        assert_eq!(taken.map(bodies), Some(vec![]), "the log runs again");
        drop(store);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The first response is counted once: when the transcript has exactly one live-agent
    /// message, from the first requester message (system and virtual-agent messages aside).
    #[test]
    fn the_first_response_is_the_only_agent_message_after_the_first_requester_message() {
        use chrono::{TimeDelta, TimeZone, Utc};

        use crate::domain::delivery::{DeliveryStatus, Direction};
        use crate::domain::model::{AuthorKind, InteractionNumber};
        use crate::store::SqliteStore;

        let store = store_with_an_interaction();
        let t0 = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
        let min = TimeDelta::minutes;
        let n = InteractionNumber::parse("IMS0000001").unwrap();
        let first = |store: &SqliteStore, n: &InteractionNumber| {
            store.read(|tx| tx.audit_first_response(n)).unwrap()
        };
        let say = |kind, direction, at| {
            store
                .write(|tx| {
                    tx.insert_message(
                        "talked",
                        direction,
                        kind,
                        None,
                        "x",
                        &[],
                        None,
                        DeliveryStatus::Received,
                        at,
                    )
                    .map(|_| ())
                })
                .unwrap();
        };
        assert_eq!(first(&store, &n), None, "no message yet");
        say(AuthorKind::System, Direction::Outbound, t0);
        say(AuthorKind::Requester, Direction::Inbound, t0 + min(5));
        say(AuthorKind::VirtualAgent, Direction::Outbound, t0 + min(6));
        say(AuthorKind::Requester, Direction::Inbound, t0 + min(7));
        assert_eq!(first(&store, &n), None, "no agent message yet");
        say(AuthorKind::Agent, Direction::Outbound, t0 + min(30));
        assert_eq!(
            first(&store, &n),
            Some(super::FirstResponse {
                requester: Some(t0 + min(5)),
                agent: t0 + min(30)
            })
        );
        say(AuthorKind::Agent, Direction::Outbound, t0 + min(31));
        assert_eq!(
            first(&store, &n),
            None,
            "a second agent message is not a first response"
        );
        let unknown = InteractionNumber::parse("IMS0000002").unwrap();
        assert_eq!(first(&store, &unknown), None);
    }
}
