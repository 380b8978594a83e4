//! Reads for audits (the soak's invariants): what the engine's own queries never need.

use chrono::{DateTime, Utc};

use super::{parsed, ts_col, ts_opt_col, StoreError, Tx};
use crate::domain::messaging_actions::TimerState;
use crate::domain::model::InteractionNumber;

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

impl Tx<'_> {
    /// Every messaging-action timer, by interaction number, action and sys_id.
    pub fn audit_timers(&self) -> Result<Vec<TimerAudit>, StoreError> {
        let mut st = self.0.prepare_cached(
            "SELECT t.sys_id, i.number, t.action, t.due_at, t.state, t.settled_at
             FROM sys_cs_action_timer t JOIN interaction i ON i.sys_id = t.interaction
             ORDER BY i.number, t.action, t.sys_id",
        )?;
        let rows = st.query_map([], |r| {
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
        })?;
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
}
