//! Reads for audits (the soak's invariants): what the engine's own queries never need. Each
//! read is incremental (what changed since a time, what is in flight) and served by an index of
//! migration 8, so an audit every few hundred events costs the same at a million messages as at a
//! thousand.

use chrono::{DateTime, Utc};
use twilio_wire::sid::MessageSid;

use super::transcript::{message_from, MESSAGE_COLS};
use super::{parsed, ts, ts_col, ts_opt_col, StoreError, Tx};
use crate::domain::messaging_actions::TimerState;
use crate::domain::model::{InteractionNumber, Message};

/// A transcript row with its interaction, as audits read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRow {
    /// The row's SQLite rowid: a stable key, in insertion order.
    pub rowid: i64,
    /// Its interaction's number (`IMS` + 7 digits).
    pub interaction: InteractionNumber,
    /// When its interaction closed, as of the read (`None`: still open).
    pub closed_at: Option<DateTime<Utc>>,
    /// The message (author as user_name for agents).
    pub message: Message,
}

/// An outbound status that is not final, as an SQL condition on `status`: spelled as the partial
/// index `sys_cs_message_in_flight` spells it (migration 12), so that SQLite uses the index.
pub(crate) const IN_FLIGHT: &str =
    "(status = 'pending' OR status = 'retrying' OR status = 'accepted'
           OR status = 'scheduled' OR status = 'queued' OR status = 'sending'
           OR status = 'sent')";

/// The columns [`audit_row`] reads before [`MESSAGE_COLS`], from `sys_cs_message m` and
/// `interaction i`.
const AUDIT_COLS: &str = "m.rowid, i.number, i.closed_at";
const AUDIT_FROM: &str = "sys_cs_message m JOIN interaction i ON i.sys_id = m.interaction
    LEFT JOIN sys_user u ON u.sys_id = m.author";

fn audit_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditRow> {
    Ok(AuditRow {
        rowid: r.get(0)?,
        interaction: parsed(r, 1, "an interaction number", |s| {
            InteractionNumber::parse(s).ok()
        })?,
        closed_at: ts_opt_col(r, 2)?,
        message: message_from(r, 3)?,
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
}

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
    })
}

impl Tx<'_> {
    /// Every messaging-action timer, by interaction number, action and sys_id.
    pub fn audit_timers(&self) -> Result<Vec<TimerAudit>, StoreError> {
        let mut st = self.0.prepare_cached(
            "SELECT t.sys_id, i.number, t.action, t.due_at, t.state, t.settled_at
             FROM sys_cs_action_timer t JOIN interaction i ON i.sys_id = t.interaction
             ORDER BY i.number, t.action, t.sys_id",
        )?;
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

    /// Transcript rows written or changed at or after `since` (`sys_updated_on`), by rowid.
    pub fn audit_messages_changed_since(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<AuditRow>, StoreError> {
        let mut st = self.0.prepare_cached(&format!(
            "SELECT {AUDIT_COLS}, {MESSAGE_COLS} FROM {AUDIT_FROM} WHERE m.sys_updated_on >= ?1
             ORDER BY m.sys_updated_on, m.rowid"
        ))?;
        let rows = st.query_map([ts(since)], audit_row)?;
        rows.collect()
    }

    /// The transcript rows carrying `sid` as their provider SID (at most one: the column is
    /// unique).
    pub fn audit_messages_with_sid(&self, sid: &MessageSid) -> Result<Vec<AuditRow>, StoreError> {
        let mut st = self.0.prepare_cached(&format!(
            "SELECT {AUDIT_COLS}, {MESSAGE_COLS} FROM {AUDIT_FROM} WHERE m.provider_sid = ?1 ORDER BY m.rowid"
        ))?;
        let rows = st.query_map([sid.as_str()], audit_row)?;
        rows.collect()
    }

    /// Outbound rows not in a final status (pending, retrying, accepted, scheduled, queued,
    /// sending, sent), by rowid.
    pub fn audit_messages_in_flight(&self) -> Result<Vec<AuditRow>, StoreError> {
        let mut st = self.0.prepare_cached(&format!(
            "SELECT {AUDIT_COLS}, {MESSAGE_COLS} FROM {AUDIT_FROM} WHERE direction = 'outbound'
               AND {IN_FLIGHT} ORDER BY m.rowid"
        ))?;
        let rows = st.query_map([], audit_row)?;
        rows.collect()
    }

    /// Calls `f` on every transcript row, by interaction number and seq, one at a time (memory
    /// stays flat however long the transcripts are).
    pub fn audit_each_message(&self, mut f: impl FnMut(&AuditRow)) -> Result<(), StoreError> {
        let mut st = self.0.prepare_cached(&format!(
            "SELECT {AUDIT_COLS}, {MESSAGE_COLS} FROM {AUDIT_FROM} ORDER BY i.number, m.seq"
        ))?;
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
        let mut st = self.0.prepare_cached(
            "SELECT t.sys_id, i.number, t.action, t.due_at, t.state, t.settled_at
             FROM sys_cs_action_timer t JOIN interaction i ON i.sys_id = t.interaction
             WHERE t.settled_at >= ?1
             UNION ALL
             SELECT t.sys_id, i.number, t.action, t.due_at, t.state, t.settled_at
             FROM sys_cs_action_timer t JOIN interaction i ON i.sys_id = t.interaction
             WHERE t.state = 'pending' AND t.due_at <= ?2",
        )?;
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

    /// How many SMS interactions are active.
    pub fn audit_active_sms_count(&self) -> Result<usize, StoreError> {
        self.0.query_row(
            "SELECT count(*) FROM interaction WHERE active = 1 AND channel = 'sms'",
            [],
            |r| r.get(0),
        )
    }

    /// How many interactions there are.
    pub fn audit_interaction_count(&self) -> Result<u64, StoreError> {
        self.0
            .query_row("SELECT count(*) FROM interaction", [], |r| r.get(0))
    }
}

#[cfg(test)]
mod tests {
    use super::IN_FLIGHT;
    use crate::domain::delivery::ALL_STATUSES;

    /// The in-flight index and query list exactly the statuses that are not final.
    #[test]
    fn the_in_flight_list_is_the_non_final_outbound_statuses() {
        let in_flight: Vec<&str> = ALL_STATUSES
            .iter()
            .filter(|s| s.rank().is_some() && !s.is_final())
            .map(|s| s.as_str())
            .collect();
        let spelled: Vec<String> = in_flight
            .iter()
            .map(|s| format!("status = '{s}'"))
            .collect();
        let condition = IN_FLIGHT.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(condition, format!("({})", spelled.join(" OR ")));
        assert!(include_str!("migration12.sql").contains(IN_FLIGHT));
    }
}
