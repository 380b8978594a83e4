//! What `convsms serve` keeps beside the engine's tables (migration 10): its key/value state
//! (the virtual clock, the start count, the export mark), the journal of actions taken through
//! its API as catalogue steps, the timeline's wire events, and a generic read of any table for
//! the ServiceNow Table API shape (`GET /api/now/table/{table}`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{ts, ts_col, StoreError, Tx};

/// One action taken through `convsms serve`'s API, as the catalogue step that does the same.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JournalEntry {
    /// Its place in the journal, from 1.
    pub seq: i64,
    /// The virtual time it was taken at.
    pub at: DateTime<Utc>,
    /// Which start of the server took it (1 for the first; see [`Tx::serve_state`]).
    pub generation: i64,
    /// The step sentence, keyword first (`When "+14155552671" texts "Hi" to "+14155550100"`).
    pub step: String,
}

/// One wire event of the timeline (webhook in, send out, status callback).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct WireEvent {
    /// Its place, from 1.
    pub seq: i64,
    /// The virtual time it happened at.
    pub at: DateTime<Utc>,
    /// `webhook_in`, `send_out`, `list_sent` (a look in Twilio's list after a lost answer) or
    /// `status_callback`.
    pub kind: String,
    /// The MessageSid it concerns (`SM`/`MM` + 32 hex), when it has one.
    pub message_sid: Option<String>,
    /// What happened, in words (`from +14155552671 to +14155550100: "Hi"`, `delivered`).
    pub detail: String,
    /// The request as it went on the wire (JSON: method, url, headers, form, answer), when
    /// recorded.
    pub request: Option<String>,
}

/// An agent as the workspace's agent picker shows them.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AgentRow {
    /// Their user_name.
    pub user_name: String,
    /// `available`, `away` or `offline` (offline when never set).
    pub presence: String,
    /// Their SMS capacity, when set.
    pub sms_capacity: Option<i64>,
}

/// An offer in an agent's Workspace Inbox.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct OfferRow {
    /// The interaction offered (`IMS` + 7 digits).
    pub interaction: String,
    /// When it was offered.
    pub offered_at: Option<DateTime<Utc>>,
    /// When the offer times out.
    pub offer_expires_at: Option<DateTime<Utc>>,
}

/// One of the engine's own timeline events: (virtual time, kind, interaction number, detail).
pub type EngineEvent = (DateTime<Utc>, String, String, String);

/// The store's true/false columns (SQLite keeps them as 0/1), which the Table API answers as
/// `"true"`/`"false"`, as an instance does.
const BOOLEAN_COLUMNS: [&str; 6] = [
    "active",
    "enabled",
    "is_default",
    "unread",
    "available",
    "sms_updates",
];

/// A table row as the Table API answers it: every column by name, its value as text (NULL as
/// the empty string, as an instance answers an empty field).
pub type TableRecord = BTreeMap<String, String>;

impl Tx<'_> {
    /// A value of the server's state (`clock`, `generation`, `mark`), if set.
    ///
    /// # Errors
    /// SQLite fails.
    pub fn serve_state(&self, name: &str) -> Result<Option<String>, StoreError> {
        use rusqlite::OptionalExtension as _;
        self.0
            .prepare_cached("SELECT value FROM x_convsms_serve_state WHERE name = ?1")?
            .query_row([name], |r| r.get(0))
            .optional()
    }

    /// Sets a value of the server's state.
    ///
    /// # Errors
    /// SQLite fails.
    pub fn set_serve_state(&self, name: &str, value: &str) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO x_convsms_serve_state (name, value) VALUES (?1, ?2)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (name, value),
        )?;
        Ok(())
    }

    /// Appends an action to the journal; returns its seq.
    ///
    /// # Errors
    /// SQLite fails.
    pub fn journal_append(
        &self,
        at: DateTime<Utc>,
        generation: i64,
        step: &str,
    ) -> Result<i64, StoreError> {
        self.exec(
            "INSERT INTO x_convsms_serve_journal (at, generation, step) VALUES (?1, ?2, ?3)",
            (ts(at), generation, step),
        )?;
        Ok(self.0.last_insert_rowid())
    }

    /// The journal's entries after `seq` (0: all), oldest first.
    ///
    /// # Errors
    /// SQLite fails, or a stored time does not read back.
    pub fn journal_after(&self, seq: i64) -> Result<Vec<JournalEntry>, StoreError> {
        let mut stmt = self.0.prepare_cached(
            "SELECT seq, at, generation, step FROM x_convsms_serve_journal
             WHERE seq > ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map([seq], |r| {
            Ok(JournalEntry {
                seq: r.get(0)?,
                at: ts_col(r, 1)?,
                generation: r.get(2)?,
                step: r.get(3)?,
            })
        })?;
        rows.collect()
    }

    /// The journal's last seq (0 when empty).
    ///
    /// # Errors
    /// SQLite fails.
    pub fn journal_last(&self) -> Result<i64, StoreError> {
        self.row(
            "SELECT COALESCE(MAX(seq), 0) FROM x_convsms_serve_journal",
            [],
            |r| r.get(0),
        )
    }

    /// Appends a wire event to the timeline; returns its seq.
    ///
    /// # Errors
    /// SQLite fails.
    pub fn event_append(
        &self,
        at: DateTime<Utc>,
        kind: &str,
        message_sid: Option<&str>,
        detail: &str,
        request: Option<&str>,
    ) -> Result<i64, StoreError> {
        self.exec(
            "INSERT INTO x_convsms_serve_event (at, kind, message_sid, detail, request)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            (ts(at), kind, message_sid, detail, request),
        )?;
        Ok(self.0.last_insert_rowid())
    }

    /// Up to `limit` wire events after `seq`, oldest first.
    ///
    /// # Errors
    /// SQLite fails, or a stored time does not read back.
    pub fn events_after(&self, seq: i64, limit: i64) -> Result<Vec<WireEvent>, StoreError> {
        // No bound `LIMIT`: SQLite (3.47 on) plans with its value, so each call would prepare
        // the statement again; the rows come in `seq` order straight from the table, so
        // stopping after `limit` of them reads no more.
        let mut stmt = self.0.prepare_cached(
            "SELECT seq, at, kind, message_sid, detail, request FROM x_convsms_serve_event
             WHERE seq > ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map([seq], |r| {
            Ok(WireEvent {
                seq: r.get(0)?,
                at: ts_col(r, 1)?,
                kind: r.get(2)?,
                message_sid: r.get(3)?,
                detail: r.get(4)?,
                request: r.get(5)?,
            })
        })?;
        // A negative `limit` is none, as SQLite reads `LIMIT -1`.
        rows.take(usize::try_from(limit).unwrap_or(usize::MAX))
            .collect()
    }

    /// The `limit` latest wire events, oldest first.
    ///
    /// # Errors
    /// SQLite fails, or a stored time does not read back.
    pub fn events_latest(&self, limit: i64) -> Result<Vec<WireEvent>, StoreError> {
        let last = self.row(
            "SELECT COALESCE(MAX(seq), 0) FROM x_convsms_serve_event",
            [],
            |r| r.get::<_, i64>(0),
        )?;
        self.events_after((last - limit).max(0), limit)
    }

    /// The `limit` latest journal entries, oldest first.
    ///
    /// # Errors
    /// SQLite fails, or a stored time does not read back.
    pub fn journal_latest(&self, limit: i64) -> Result<Vec<JournalEntry>, StoreError> {
        let last = self.journal_last()?;
        let mut out = self.journal_after((last - limit).max(0))?;
        out.truncate(limit.max(0) as usize);
        Ok(out)
    }

    /// The tables the Table API serves: every table of the store but SQLite's own and
    /// convsms's bookkeeping (`x_convsms_serve_*`), sorted.
    ///
    /// # Errors
    /// SQLite fails.
    pub fn table_names(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.0.prepare_cached(
            "SELECT name FROM sqlite_master WHERE type = 'table'
             AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'x_convsms_serve_%' ORDER BY name",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        rows.collect()
    }

    /// Every row of `table` (one of [`Tx::table_names`]; any other name answers `Ok(None)`),
    /// in insertion order, each column as text (true/false columns as `\"true\"`/`\"false\"`).
    ///
    /// # Errors
    /// SQLite fails.
    pub fn table_records(&self, table: &str) -> Result<Option<Vec<TableRecord>>, StoreError> {
        let names = self.table_names()?;
        let Some(table) = names.iter().find(|n| *n == table) else {
            return Ok(None);
        };
        // The name is one SQLite listed, so quoting it is enough.
        let mut stmt = self
            .0
            .prepare(&format!("SELECT * FROM \"{table}\" ORDER BY rowid"))?;
        let columns: Vec<String> = stmt.column_names().iter().map(|c| c.to_string()).collect();
        let rows = stmt.query_map([], |r| {
            let mut record = TableRecord::new();
            for (i, c) in columns.iter().enumerate() {
                let value = match r.get_ref(i)? {
                    rusqlite::types::ValueRef::Null => String::new(),
                    rusqlite::types::ValueRef::Integer(n)
                        if BOOLEAN_COLUMNS.contains(&c.as_str()) =>
                    {
                        (n != 0).to_string()
                    }
                    rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                    rusqlite::types::ValueRef::Real(x) => x.to_string(),
                    rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                        String::from_utf8_lossy(t).into_owned()
                    }
                };
                record.insert(c.clone(), value);
            }
            Ok(record)
        })?;
        rows.collect::<Result<Vec<_>, _>>().map(Some)
    }

    /// The engine's own events of the timeline, the `limit` latest, oldest first: messaging-action
    /// timers that fired (`timer_fired`, at their settle time), work items offered to an agent
    /// (`work_item_offered`, at the offer) and system messages (`system_message`, at their
    /// creation). Each is (virtual time, kind, interaction number, detail).
    ///
    /// # Errors
    /// SQLite fails, or a stored time does not read back.
    pub fn engine_events(&self, limit: i64) -> Result<Vec<EngineEvent>, StoreError> {
        // The bound `LIMIT` makes SQLite (3.47 on) prepare this again on each call, but lets its
        // sorter keep only the `limit` latest rows of the union instead of sorting them all: the
        // better trade for a page that polls a growing history.
        let mut stmt = self.0.prepare_cached(
            "SELECT at, kind, number, detail FROM (
                SELECT t.settled_at AS at, 'timer_fired' AS kind, i.number AS number,
                       t.action AS detail, t.rowid AS ord
                FROM sys_cs_action_timer t JOIN interaction i ON i.sys_id = t.interaction
                WHERE t.state = 'fired' AND t.settled_at IS NOT NULL
                UNION ALL
                SELECT w.offered_at, 'work_item_offered', i.number,
                       'offered to ' || COALESCE(u.user_name, '?'), w.rowid
                FROM awa_work_item w JOIN interaction i ON i.sys_id = w.interaction
                LEFT JOIN sys_user u ON u.sys_id = w.agent
                WHERE w.offered_at IS NOT NULL
                UNION ALL
                SELECT m.sys_created_on, 'system_message', i.number, m.body, m.seq
                FROM sys_cs_message m JOIN interaction i ON i.sys_id = m.interaction
                WHERE m.author_kind = 'system'
             ) ORDER BY at DESC, kind, number, ord DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], |r| {
            Ok((ts_col(r, 0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
        let mut out = rows.collect::<Result<Vec<_>, _>>()?;
        out.reverse();
        Ok(out)
    }

    /// Every user with the agent_workspace_user role, by user_name, with their SMS presence and
    /// capacity.
    ///
    /// # Errors
    /// SQLite fails.
    pub fn agents(&self) -> Result<Vec<AgentRow>, StoreError> {
        let mut stmt = self.0.prepare_cached(
            "SELECT u.user_name, COALESCE(p.presence, 'offline'), p.sms_capacity
             FROM sys_user u JOIN sys_user_has_role r ON r.user = u.sys_id
             LEFT JOIN awa_agent_presence p ON p.agent = u.sys_id
             WHERE r.role = 'agent_workspace_user' ORDER BY u.user_name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(AgentRow {
                user_name: r.get(0)?,
                presence: r.get(1)?,
                sms_capacity: r.get(2)?,
            })
        })?;
        rows.collect()
    }

    /// Every agent's workspace notifications (messaging actions' Prompt agent, ACTION-5), as
    /// `(user_name, interaction number, text)`, by user_name, then oldest first; the number is
    /// `None` when the interaction is gone.
    ///
    /// # Errors
    /// SQLite fails.
    pub fn workspace_notifications(
        &self,
    ) -> Result<Vec<(String, Option<String>, String)>, StoreError> {
        let mut stmt = self.0.prepare_cached(
            "SELECT u.user_name, i.number, n.text
             FROM workspace_notification n JOIN sys_user u ON u.sys_id = n.agent
             LEFT JOIN interaction i ON i.sys_id = n.interaction
             ORDER BY u.user_name, n.created_at, n.sys_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect()
    }

    /// Every stored SMS update setting (seed 003, NOTIF), as `(the sys_user's user_name,
    /// enabled)`, by user_name.
    ///
    /// # Errors
    /// SQLite fails.
    pub fn subscriptions(&self) -> Result<Vec<(String, bool)>, StoreError> {
        let mut stmt = self.0.prepare_cached(
            "SELECT u.user_name, s.enabled
             FROM sys_cs_sms_subscription s JOIN sys_user u ON u.sys_id = s.user
             ORDER BY u.user_name",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect()
    }

    /// The offers in an agent's Workspace Inbox (work items `offered` to them), oldest first,
    /// with when each times out.
    ///
    /// # Errors
    /// SQLite fails, or a stored time does not read back.
    pub fn offers_to(&self, user_name: &str) -> Result<Vec<OfferRow>, StoreError> {
        let mut stmt = self.0.prepare_cached(
            "SELECT i.number, w.offered_at, w.offer_expires_at
             FROM awa_work_item w JOIN interaction i ON i.sys_id = w.interaction
             JOIN sys_user u ON u.sys_id = w.agent
             WHERE w.active = 1 AND w.state = 'offered' AND u.user_name = ?1
             ORDER BY w.offered_at, i.number",
        )?;
        let rows = stmt.query_map([user_name], |r| {
            Ok(OfferRow {
                interaction: r.get(0)?,
                offered_at: super::ts_opt_col(r, 1)?,
                offer_expires_at: super::ts_opt_col(r, 2)?,
            })
        })?;
        rows.collect()
    }

    /// The largest SID counter among the MessageSids the store holds (the hex digits after `SM`
    /// or `MM`, read as a number), 0 when there are none: a restarted simulator counts on from
    /// above it so that no new SID repeats a stored one.
    ///
    /// # Errors
    /// SQLite fails.
    pub fn max_message_sid_counter(&self) -> Result<u64, StoreError> {
        let max: Option<String> = self.row(
            "SELECT MAX(substr(provider_sid, 3)) FROM sys_cs_message
             WHERE provider_sid IS NOT NULL AND length(provider_sid) = 34",
            [],
            |r| r.get(0),
        )?;
        Ok(max
            .and_then(|hex| u128::from_str_radix(&hex, 16).ok())
            .map_or(0, |n| u64::try_from(n).unwrap_or(u64::MAX)))
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use crate::store::SqliteStore;

    #[test]
    fn state_journal_and_events_read_back_in_order() {
        let store = SqliteStore::open_in_memory().unwrap();
        let at = chrono::Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
        store
            .write(|tx| {
                assert_eq!(tx.serve_state("clock")?, None);
                tx.set_serve_state("clock", "a")?;
                tx.set_serve_state("clock", "b")?;
                assert_eq!(tx.journal_append(at, 1, "When one")?, 1);
                assert_eq!(tx.journal_append(at, 2, "When two")?, 2);
                tx.event_append(at, "webhook_in", Some("SM1"), "x", None)?;
                Ok::<_, rusqlite::Error>(())
            })
            .unwrap();
        store
            .read(|tx| {
                assert_eq!(tx.serve_state("clock")?.as_deref(), Some("b"));
                let after1: Vec<String> =
                    tx.journal_after(1)?.into_iter().map(|e| e.step).collect();
                assert_eq!(after1, ["When two"]);
                assert_eq!(tx.journal_last()?, 2);
                assert_eq!(tx.events_after(0, 10)?[0].kind, "webhook_in");
                Ok::<_, rusqlite::Error>(())
            })
            .unwrap();
    }

    #[test]
    fn the_table_api_reads_engine_tables_and_nothing_else() {
        let store = SqliteStore::open_in_memory().unwrap();
        store
            .read(|tx| {
                let names = tx.table_names()?;
                assert!(names.iter().any(|n| n == "interaction"), "{names:?}");
                assert!(!names.iter().any(|n| n.starts_with("x_convsms_serve")));
                assert_eq!(tx.table_records("interaction")?, Some(vec![]));
                assert_eq!(tx.table_records("sqlite_master")?, None);
                assert_eq!(tx.table_records("interaction; DROP TABLE x")?, None);
                assert_eq!(tx.max_message_sid_counter()?, 0);
                assert_eq!(tx.engine_events(10)?, vec![]);
                assert_eq!(tx.agents()?, vec![]);
                assert_eq!(tx.offers_to("alice")?, vec![]);
                Ok::<_, rusqlite::Error>(())
            })
            .unwrap();
    }
}
