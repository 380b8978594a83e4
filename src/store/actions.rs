//! Queries for messaging actions, their timers and workspace notifications (migration 5).

use chrono::{DateTime, Duration, Utc};
use const_format::concatcp;
use rusqlite::{params, OptionalExtension};

use super::transcript::STALE;
use super::{bad_value, parse_ts, parsed, ts, ts_col, StoreError, Tx};
use crate::domain::encoded_query::{EncodedQuery, Record};
use crate::domain::messaging_actions::{
    Action, Event, MessagingAction, Records, Timer, TimerState,
};

/// When each kind of work of [`crate::engine::Engine::tick`] next falls due (`None`: none
/// pending), from [`Tx::next_tick_due`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TickDue {
    /// The earliest pending messaging-action timer (`sys_cs_action_timer.due_at`).
    pub timer: Option<DateTime<Utc>>,
    /// The earliest idle close of an active virtual-agent conversation: the idle timeout after
    /// its last message (or its opening).
    pub idle_close: Option<DateTime<Utc>>,
    /// The earliest `offer_expires_at` of an offered `awa_work_item`.
    pub offer_expiry: Option<DateTime<Utc>>,
    /// The earliest `next_attempt_at` of a `retrying` message.
    pub retry: Option<DateTime<Utc>>,
    /// The earliest instant an outbound message on its way has gone unmoved long enough for the
    /// engine to ask the provider for its status (a StatusCallback may have been lost).
    pub reconcile: Option<DateTime<Utc>>,
}

impl TickDue {
    /// The earliest of all five.
    pub fn earliest(&self) -> Option<DateTime<Utc>> {
        [self.reconcile, self.scheduled()]
            .into_iter()
            .flatten()
            .min()
    }

    /// The earliest of what the engine schedules (timers, idle closes, offer expiries, retries),
    /// leaving out the reconciliation of statuses, which acts only when a callback was lost.
    pub fn scheduled(&self) -> Option<DateTime<Utc>> {
        [self.timer, self.idle_close, self.offer_expiry, self.retry]
            .into_iter()
            .flatten()
            .min()
    }
}

/// The offer expiry, retry and reconciliation parts of [`Tx::next_tick_due`]: three scalar
/// subqueries, comma-separated, over `?1` (the instant after which) and `?2` (that instant less
/// the reconciliation wait).
const ROUTING_DUE: &str = concatcp!(
    "(SELECT MIN(offer_expires_at) FROM awa_work_item
       WHERE active = 1 AND state = 'offered' AND offer_expires_at > ?1),
     (SELECT MIN(next_attempt_at) FROM sys_cs_message
       WHERE status = 'retrying' AND next_attempt_at > ?1),
     (SELECT MIN(sys_updated_on) FROM sys_cs_message WHERE ",
    STALE,
    " AND sys_updated_on > ?2)"
);

/// Reads [`ROUTING_DUE`]'s three columns, from `first` on, into `due`.
fn routing_due_parts(
    due: &mut TickDue,
    r: &rusqlite::Row<'_>,
    first: usize,
    reconcile_secs: i64,
) -> rusqlite::Result<()> {
    due.offer_expiry = time_part(first, r.get(first)?, 0)?;
    due.retry = time_part(first + 1, r.get(first + 1)?, 0)?;
    due.reconcile = time_part(first + 2, r.get(first + 2)?, reconcile_secs)?;
    Ok(())
}

/// Column `column` of a `MIN(...)` over stored times, `offset_secs` seconds later.
fn time_part(
    column: usize,
    text: Option<String>,
    offset_secs: i64,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let Some(text) = text else { return Ok(None) };
    let t = parse_ts(&text).ok_or_else(|| bad_value(column, text, "an RFC 3339 time"))?;
    Ok(Some(t + Duration::seconds(offset_secs)))
}

fn action_columns(a: &Action) -> (&'static str, Option<&str>) {
    match a {
        Action::PromptAgent { text } => ("prompt_agent", Some(text)),
        Action::PromptRequester { text } => ("prompt_requester", Some(text)),
        Action::Reassign => ("reassign", None),
        Action::SetState { state } => ("set_state", Some(state)),
    }
}

fn action_from(kind: &str, value: Option<String>) -> Option<Action> {
    Some(match (kind, value) {
        ("prompt_agent", Some(text)) => Action::PromptAgent { text },
        ("prompt_requester", Some(text)) => Action::PromptRequester { text },
        ("reassign", _) => Action::Reassign,
        ("set_state", Some(state)) => Action::SetState { state },
        _ => return None,
    })
}

impl Tx<'_> {
    /// Every messaging action, by name (read once, then remembered until a messaging action is
    /// written).
    ///
    /// # Errors
    /// A stored row does not read back as a messaging action ([`super::BadValue`]).
    pub fn messaging_actions(&self) -> Result<Vec<MessagingAction>, StoreError> {
        self.remembered(
            |c| &mut c.messaging_actions,
            || self.load_messaging_actions(),
        )
    }

    fn load_messaging_actions(&self) -> Result<Vec<MessagingAction>, StoreError> {
        let mut st = self.0.prepare_cached(
            "SELECT name, event, duration_secs, active, filter, action, action_value
             FROM sys_cs_messaging_action ORDER BY name",
        )?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, bool>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })?;
        let mut out = vec![];
        for row in rows {
            let (name, event, duration_secs, active, filter, kind, value) = row?;
            // A saved action was checked before it was written: one that does not read back is
            // a bad row, reported rather than skipped (a skipped action would silently not fire).
            let event = Event::parse(&event)
                .ok_or_else(|| bad_value(1, event, "a messaging-action event"))?;
            let action = action_from(&kind, value.clone()).ok_or_else(|| {
                bad_value(
                    5,
                    format!("{kind} {value:?}"),
                    "a messaging action and its value",
                )
            })?;
            let filter = match filter {
                None => None,
                Some(f) => Some(
                    EncodedQuery::parse(&f)
                        .map_err(|_| bad_value(4, f, "a valid encoded query"))?,
                ),
            };
            out.push(MessagingAction {
                name,
                event,
                duration_secs,
                active,
                filter,
                action,
            });
        }
        Ok(out)
    }

    /// Creates or replaces a messaging action (validate it first).
    pub fn save_messaging_action(&self, a: &MessagingAction) -> Result<(), StoreError> {
        let (kind, value) = action_columns(&a.action);
        self.1.config().borrow_mut().messaging_actions = None;
        self.exec(
            "INSERT INTO sys_cs_messaging_action (name, event, duration_secs, active, filter, action, action_value)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (name) DO UPDATE SET event = excluded.event, duration_secs = excluded.duration_secs,
                 active = excluded.active, filter = excluded.filter, action = excluded.action,
                 action_value = excluded.action_value",
            params![
                a.name,
                a.event.as_str(),
                a.duration_secs,
                a.active,
                a.filter.as_ref().map(|f| f.to_string()),
                kind,
                value
            ],
        )?;
        Ok(())
    }

    /// Turns every messaging action on or off.
    pub fn set_all_actions_active(&self, active: bool) -> Result<(), StoreError> {
        self.1.config().borrow_mut().messaging_actions = None;
        self.exec("UPDATE sys_cs_messaging_action SET active = ?1", [active])?;
        Ok(())
    }

    fn timer_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Timer> {
        Ok(Timer {
            interaction: r.get(0)?,
            action: r.get(1)?,
            event: parsed(r, 2, "a messaging-action event", Event::parse)?,
            due_at: ts_col(r, 3)?,
            state: parsed(r, 4, "a timer state", TimerState::parse)?,
        })
    }

    /// The pending timers of an interaction.
    pub fn pending_timers(&self, interaction: &str) -> Result<Vec<Timer>, StoreError> {
        let mut st = self.0.prepare_cached(
            "SELECT interaction, action, event, due_at, state FROM sys_cs_action_timer
             WHERE interaction = ?1 AND state = 'pending' ORDER BY due_at, action",
        )?;
        let rows = st.query_map([interaction], Self::timer_from_row)?;
        rows.collect()
    }

    /// Every timer of every interaction, by due time (scenarios and the tick read them).
    pub fn timers(&self, state: Option<TimerState>) -> Result<Vec<Timer>, StoreError> {
        let mut st = self.0.prepare_cached(
            "SELECT interaction, action, event, due_at, state FROM sys_cs_action_timer
             WHERE ?1 IS NULL OR state = ?1 ORDER BY due_at, interaction, action",
        )?;
        let rows = st.query_map([state.map(TimerState::as_str)], Self::timer_from_row)?;
        rows.collect()
    }

    /// The pending timers due at or before `now`, by due time (the tick reads them; served by
    /// the partial index on pending timers, however many timers ever settled).
    pub fn due_timers(&self, now: DateTime<Utc>) -> Result<Vec<Timer>, StoreError> {
        let mut st = self.0.prepare_cached(
            "SELECT interaction, action, event, due_at, state FROM sys_cs_action_timer
             WHERE state = 'pending' AND due_at <= ?1 ORDER BY due_at, interaction, action",
        )?;
        let rows = st.query_map([ts(now)], Self::timer_from_row)?;
        rows.collect()
    }

    /// When each kind of work of [`crate::engine::Engine::tick`] next falls due, strictly after
    /// `after` (see [`TickDue`]). Something due at or before `after` that the tick at `after` left
    /// as it was (an idle conversation a messaging action keeps open, a status the provider could
    /// not tell) is not counted again.
    ///
    /// Each part is the first entry after a seek of an index: pending timers by due time,
    /// offered work items by expiry (`awa_work_item_offered`), active interactions by handler and
    /// the time they went quiet (`interaction_quiet_since`, migration 16), retries and silent
    /// sends. An idle timeout too long to subtract from `after` counts as none.
    pub fn next_tick_due(
        &self,
        after: DateTime<Utc>,
        idle_secs: Option<i64>,
        reconcile_secs: i64,
    ) -> Result<TickDue, StoreError> {
        let idle_secs = idle_secs.filter(|&s| {
            Duration::try_seconds(s).is_some_and(|d| after.checked_sub_signed(d).is_some())
        });
        let idle_after = idle_secs.map(|s| ts(after - Duration::seconds(s)));
        const SQL: &str = concatcp!(
            "SELECT
               (SELECT MIN(due_at) FROM sys_cs_action_timer WHERE state = 'pending' AND due_at > ?1),
               (SELECT MIN(COALESCE(last_message_at, opened_at)) FROM interaction
                 WHERE ?3 IS NOT NULL AND active = 1 AND assigned_to = ?4
                   AND COALESCE(last_message_at, opened_at) > ?3),
               ",
            ROUTING_DUE
        );
        let mut due = TickDue::default();
        let [timer, idle_close] = self.row(
            SQL,
            params![
                ts(after),
                ts(after - Duration::seconds(reconcile_secs)),
                idle_after,
                crate::domain::model::VIRTUAL_AGENT_SYS_ID
            ],
            |r| {
                routing_due_parts(&mut due, r, 2, reconcile_secs)?;
                Ok([r.get(0)?, r.get(1)?])
            },
        )?;
        due.timer = time_part(0, timer, 0)?;
        due.idle_close = time_part(1, idle_close, idle_secs.unwrap_or(0))?;
        Ok(due)
    }

    /// [`Tx::next_tick_due`]'s offer expiry, retry and reconciliation, each strictly after
    /// `after`, into `due` (its timer and idle close are left as they were): what a routing pass,
    /// a retry or a reconciliation can change.
    pub fn refresh_tick_due(
        &self,
        due: &mut TickDue,
        after: DateTime<Utc>,
        reconcile_secs: i64,
    ) -> Result<(), StoreError> {
        self.row(
            concatcp!("SELECT ", ROUTING_DUE),
            params![ts(after), ts(after - Duration::seconds(reconcile_secs))],
            |r| routing_due_parts(due, r, 0, reconcile_secs),
        )
    }

    /// Adds a pending timer, started at `now` (the instant of the write that starts it): the row
    /// also keeps its start (`sys_created_on`) and its action's duration as configured now
    /// (`duration_secs`, read by the insert from `sys_cs_messaging_action`, not derived from
    /// `t.due_at`), which the soak's invariant 8 checks `due_at` against (migration 18).
    pub fn insert_timer(&self, t: &Timer, now: DateTime<Utc>) -> Result<(), StoreError> {
        let sys_id = self.new_sys_id()?;
        self.exec(
            "INSERT INTO sys_cs_action_timer
                 (sys_id, interaction, action, event, due_at, state, sys_created_on, duration_secs)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,
                 (SELECT duration_secs FROM sys_cs_messaging_action WHERE name = ?3))",
            params![
                sys_id,
                t.interaction,
                t.action,
                t.event.as_str(),
                ts(t.due_at),
                t.state.as_str(),
                ts(now)
            ],
        )?;
        Ok(())
    }

    /// Sets the state of an interaction's pending timers of `action` and `event`, settled at `now`
    /// (`settled_at`).
    pub fn set_timer_state(
        &self,
        interaction: &str,
        action: &str,
        event: Event,
        state: TimerState,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.exec(
            "UPDATE sys_cs_action_timer SET state = ?1, settled_at = ?5
             WHERE interaction = ?2 AND action = ?3 AND event = ?4 AND state = 'pending'",
            params![state.as_str(), interaction, action, event.as_str(), ts(now)],
        )?;
        Ok(())
    }

    /// Adds a workspace notification for an agent.
    pub fn notify_agent(
        &self,
        agent: &str,
        interaction: Option<&str>,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let sys_id = self.new_sys_id()?;
        self.exec(
            "INSERT INTO workspace_notification (sys_id, agent, interaction, text, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![sys_id, agent, interaction, text, ts(now)],
        )?;
        Ok(())
    }

    /// An agent's workspace notifications, oldest first: (interaction number, text).
    pub fn notifications(&self, agent: &str) -> Result<Vec<(Option<String>, String)>, StoreError> {
        let mut st = self.0.prepare_cached(
            "SELECT i.number, n.text FROM workspace_notification n
             LEFT JOIN interaction i ON i.sys_id = n.interaction
             WHERE n.agent = ?1 ORDER BY n.created_at, n.sys_id",
        )?;
        let rows = st.query_map([agent], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect()
    }

    /// An interaction's fields as messaging-action filters and queue conditions read them
    /// (ACTION-4, ROUTE-1), those of `wanted` only: `number`, `type`, `channel`, `state`,
    /// `active` (`1`/`0`), `opened_for_table`, `requester_phone`, `provider_phone`, `va_topic`,
    /// and `assigned_to` as the agent's user_name ([`InteractionFields::NAMES`]). A field whose
    /// column is empty is left out; an unknown interaction gives an empty record, and so does an
    /// empty `wanted`, without a query.
    pub fn interaction_fields(
        &self,
        interaction: &str,
        wanted: InteractionFields,
    ) -> Result<Record, StoreError> {
        if wanted.is_empty() {
            return Ok(Record::new());
        }
        // The columns of `InteractionFields::NAMES`, in order but for the last: `assigned_to`.
        macro_rules! cols {
            () => {
                "SELECT CAST(i.number AS TEXT), CAST(i.type AS TEXT), CAST(i.channel AS TEXT),
                    CAST(i.state AS TEXT), CAST(i.active AS TEXT),
                    CAST(i.opened_for_table AS TEXT), CAST(i.requester_phone AS TEXT),
                    CAST(i.provider_phone AS TEXT), CAST(i.va_topic AS TEXT), "
            };
        }
        // The join with sys_user only when `assigned_to` is read.
        let sql = if wanted.contains(InteractionFields::ASSIGNED_TO) {
            concat!(
                cols!(),
                "u.user_name FROM interaction i LEFT JOIN sys_user u ON u.sys_id = i.assigned_to
                 WHERE i.sys_id = ?1"
            )
        } else {
            concat!(cols!(), "NULL FROM interaction i WHERE i.sys_id = ?1")
        };
        let record = self
            .row(sql, [interaction], |r| {
                let mut record = Record::new();
                for (c, name) in InteractionFields::NAMES.into_iter().enumerate() {
                    if wanted.0 & (1 << c) == 0 {
                        continue;
                    }
                    if let Some(v) = r.get::<_, Option<String>>(c)? {
                        record.insert(name.to_owned(), v);
                    }
                }
                Ok(record)
            })
            .optional()?;
        Ok(record.unwrap_or_default())
    }

    /// The fields ([`Tx::interaction_fields`]) of each of these interactions.
    pub fn interactions_fields<'a>(
        &self,
        interactions: impl IntoIterator<Item = &'a str>,
        wanted: InteractionFields,
    ) -> Result<Records, StoreError> {
        interactions
            .into_iter()
            .map(|i| Ok((i.to_owned(), self.interaction_fields(i, wanted)?)))
            .collect()
    }

    /// Sets an interaction's state without closing it (on_hold, work_in_progress, ...).
    pub fn set_interaction_state(&self, interaction: &str, state: &str) -> Result<(), StoreError> {
        self.exec(
            "UPDATE interaction SET state = ?1 WHERE sys_id = ?2",
            params![state, interaction],
        )?;
        Ok(())
    }

    /// Active interactions the virtual agent handles whose last message (the one with the highest
    /// seq: the last written) was created at or before `before`, or with no message and opened
    /// at or before it, by number: a range of the index `interaction_quiet_since` (migration 16:
    /// the insert of a message keeps `interaction.last_message_at`), however many interactions
    /// the virtual agent is in.
    pub fn idle_va_interactions(&self, before: DateTime<Utc>) -> Result<Vec<String>, StoreError> {
        let mut st = self.0.prepare_cached(
            "SELECT sys_id FROM interaction
             WHERE active = 1 AND assigned_to = ?1
               AND COALESCE(last_message_at, opened_at) <= ?2
             ORDER BY number",
        )?;
        let rows = st.query_map(
            params![crate::domain::model::VIRTUAL_AGENT_SYS_ID, ts(before)],
            |r| r.get(0),
        )?;
        rows.collect()
    }
}

/// Which of an interaction's fields a reader of [`Tx::interaction_fields`] needs: a set of
/// [`InteractionFields::NAMES`]. Filters name the fields they read ([`EncodedQuery::fields`]),
/// and a record that holds only those gives every filter the answer the whole record gives (a
/// field the record leaves out reads as empty, as an empty column does).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InteractionFields(u16);

impl InteractionFields {
    /// The fields, in the order of their bits (`1 << index`).
    pub const NAMES: [&'static str; 10] = crate::domain::model::INTERACTION_FIELDS;

    /// Every field.
    pub const ALL: Self = Self((1 << Self::NAMES.len()) - 1);

    /// `assigned_to`, the last of [`InteractionFields::NAMES`] and the one field read through
    /// a join (with sys_user).
    pub const ASSIGNED_TO: Self = Self(1 << (Self::NAMES.len() - 1));

    /// The fields these names name; a name that is none of [`InteractionFields::NAMES`] (a
    /// field the interaction does not have, such as `priority`) adds nothing, since it reads
    /// as empty either way.
    pub fn named<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        Self(names.into_iter().fold(0, |bits, name| {
            bits | Self::NAMES
                .iter()
                .position(|n| *n == name)
                .map_or(0, |i| 1 << i)
        }))
    }

    /// The fields the filters of these queries read.
    pub fn read_by<'a>(queries: impl IntoIterator<Item = &'a EncodedQuery>) -> Self {
        Self::named(queries.into_iter().flat_map(EncodedQuery::fields))
    }

    /// No field.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether every field of `other` is in this set.
    pub fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeDelta, TimeZone, Utc};

    use super::super::SqliteStore;
    use crate::domain::delivery::{DeliveryStatus, Direction};
    use crate::domain::model::{AuthorKind, VIRTUAL_AGENT_SYS_ID};

    /// A timer's row keeps when it started and its action's duration then, as the store read
    /// it (not as the caller computed the due time); an action the store does not hold gives
    /// no duration.
    #[test]
    fn a_timer_records_its_start_and_its_actions_duration() {
        use crate::domain::messaging_actions::{Event, Timer, TimerState};
        let store = SqliteStore::open_in_memory().unwrap();
        let t0 = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
        let timers = store
            .write(|tx| {
                tx.0.execute_batch(
                    "INSERT INTO interaction (sys_id, number, type, channel, state, active,
                         opened_for_table, opened_for, opened_at)
                     VALUES ('i1', 'IMS0000001', 'messaging', 'sms', 'work_in_progress', 1,
                             'sys_user', '00000000000000000000000000000001', '2026-01-05T09:00:00.000Z');",
                )?;
                for (action, due) in [("Remind agent", 1740), ("Not configured", 60)] {
                    let timer = Timer {
                        interaction: "i1".into(),
                        action: action.into(),
                        event: Event::RequesterWithoutAgentResponse,
                        due_at: t0 + TimeDelta::seconds(due),
                        state: TimerState::Pending,
                    };
                    tx.insert_timer(&timer, t0)?;
                }
                tx.audit_timers()
            })
            .unwrap();
        let got: Vec<_> = timers
            .iter()
            .map(|t| (t.action.as_str(), t.started_at, t.duration_secs))
            .collect();
        assert_eq!(
            got,
            [
                ("Not configured", Some(t0), None),
                ("Remind agent", Some(t0), Some(1800)),
            ]
        );
    }

    /// An interaction is idle from its last message (or its opening, with none), and only the
    /// virtual agent's active ones count.
    #[test]
    fn idle_virtual_agent_conversations_are_those_quiet_since_their_last_message() {
        let store = SqliteStore::open_in_memory().unwrap();
        let t0 = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
        let min = TimeDelta::minutes;
        store
            .write(|tx| {
                tx.0.execute_batch(&format!(
                    "INSERT INTO interaction (sys_id, number, type, channel, state, active,
                         assigned_to, opened_for_table, opened_for, opened_at)
                     VALUES ('talked', 'IMS0000001', 'messaging', 'sms', 'new', 1, '{VIRTUAL_AGENT_SYS_ID}',
                             'sys_user', '00000000000000000000000000000001', '2026-01-05T09:00:00.000Z'),
                            ('silent', 'IMS0000002', 'messaging', 'sms', 'new', 1, '{VIRTUAL_AGENT_SYS_ID}',
                             'sys_user', '00000000000000000000000000000001', '2026-01-05T09:00:00.000Z'),
                            ('queued', 'IMS0000003', 'messaging', 'sms', 'new', 1, NULL,
                             'sys_user', '00000000000000000000000000000001', '2026-01-05T09:00:00.000Z');"
                ))?;
                for (at, body) in [(t0 + min(30), "hi"), (t0 + min(60), "still there?")] {
                    tx.insert_message(
                        "talked",
                        Direction::Inbound,
                        AuthorKind::Requester,
                        None,
                        body,
                        &[],
                        None,
                        DeliveryStatus::Received,
                        at,
                    )?;
                }
                Ok::<_, super::StoreError>(())
            })
            .unwrap();
        let idle = |before| store.read(|tx| tx.idle_va_interactions(before)).unwrap();
        assert!(idle(t0 - min(1)).is_empty());
        assert_eq!(idle(t0), ["silent"]);
        assert_eq!(
            idle(t0 + min(59)),
            ["silent"],
            "its last message, not its first, counts"
        );
        assert_eq!(idle(t0 + min(60)), ["talked", "silent"]);
    }

    /// A record holds the fields asked for, and each filter reads the same on the record of
    /// the fields it names as on the whole record (what lets the engine load only those).
    #[test]
    fn interaction_fields_hold_what_is_asked_and_filters_read_them_alike() {
        use super::InteractionFields;
        use crate::domain::encoded_query::EncodedQuery;

        let store = SqliteStore::open_in_memory().unwrap();
        store
            .write(|tx| {
                tx.0.execute_batch(
                    "INSERT INTO sys_user (sys_id, user_name, name)
                     VALUES ('a1', 'beth.anglin', 'Beth Anglin');
                     INSERT INTO interaction (sys_id, number, type, channel, state, active,
                         assigned_to, opened_for_table, opened_for, opened_at, requester_phone)
                     VALUES ('i1', 'IMS0000001', 'messaging', 'sms', 'work_in_progress', 1, 'a1',
                             'sys_user', 'a1', '2026-01-05T09:00:00.000Z', '+14155552671');",
                )
            })
            .unwrap();
        let read = |wanted| {
            store
                .read(|tx| tx.interaction_fields("i1", wanted))
                .unwrap()
        };
        let all = read(InteractionFields::ALL);
        assert_eq!(
            all.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>(),
            [
                "active=1",
                "assigned_to=beth.anglin",
                "channel=sms",
                "number=IMS0000001",
                "opened_for_table=sys_user",
                "requester_phone=+14155552671",
                "state=work_in_progress",
                "type=messaging",
            ],
            "every field with a value, and none without"
        );
        let state = read(InteractionFields::named(["state", "priority"]));
        assert_eq!(state.len(), 1, "{state:?}");
        assert_eq!(state["state"], "work_in_progress");
        assert!(read(InteractionFields::default()).is_empty());
        assert!(store
            .read(|tx| tx.interaction_fields("nope", InteractionFields::ALL))
            .unwrap()
            .is_empty());
        for q in [
            "state=work_in_progress",
            "assigned_to=beth.anglin^channel=sms",
            "assigned_to!=abel.tuter",
            "priorityISEMPTY",
            "va_topicISNOTEMPTY^ORstate=new",
            "state=new^NQactive=1^requester_phoneSTARTSWITH+1",
            "provider_phoneISEMPTY^type=messaging",
        ] {
            let q = EncodedQuery::parse(q).unwrap();
            let part = read(InteractionFields::read_by([&q]));
            assert!(part.len() < all.len(), "{q}: {part:?}");
            assert_eq!(q.eval(&part), q.eval(&all), "{q} on {part:?}");
        }
    }
}
