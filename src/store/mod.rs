//! The embedded SQLite store: [`SqliteStore`] and the queries the engine runs inside one transaction.
//!
//! - Versioned migrations run at open (`PRAGMA user_version`): 1 is `schema.sql`, 2 is
//!   `migration2.sql` (send retries), 3 is `migration3.sql` (SMS update subscriptions), 4 is `migration4.sql` (topic state, cases,
//!   orders), 5 is `migration5.sql` (messaging actions, timers, workspace notifications), 6 is
//!   `migration6.sql` (Advanced Work Assignment: queues, presence, work items, the Ongoing tab).
//! - File databases use WAL; scenarios use a fresh in-memory database each.
//! - The connection sits behind a std `Mutex` and every call is synchronous: the lock is never held
//!   across an `.await`.
//! - Every engine operation runs in one transaction ([`SqliteStore::write`]), so a refused request
//!   leaves nothing half-written.

use std::path::Path;
use std::sync::Mutex;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use twilio_wire::sid::MessageSid;

use crate::domain::delivery::{DeliveryStatus, Direction};
use crate::domain::model::*;
use crate::domain::phone::{Region, E164};

mod actions;
mod awa;

pub use awa::DEFAULT_QUEUE_SYS_ID;

/// The schema versions, in order; index + 1 is the version number.
const MIGRATIONS: &[&str] = &[
    include_str!("schema.sql"),
    include_str!("migration2.sql"),
    include_str!("migration3.sql"),
    include_str!("migration4.sql"),
    include_str!("migration5.sql"),
    include_str!("migration6.sql"),
];

/// A store failure: a bug or a broken database file, never bad user input.
pub type StoreError = rusqlite::Error;

/// SQLite, behind a mutex.
pub struct SqliteStore {
    conn: Mutex<Connection>,
    /// Rows changed by committed [`SqliteStore::write`]s (SQLite's `total_changes`, counted per
    /// committed transaction).
    committed: std::sync::atomic::AtomicU64,
}

impl SqliteStore {
    /// Opens (creating if needed) a database file in WAL mode and migrates it.
    ///
    /// # Errors
    /// The file cannot be opened, or a migration fails.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        Self::init(conn)
    }

    /// A fresh private in-memory database (one per scenario).
    ///
    /// # Errors
    /// A migration fails (a bug).
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> Result<Self, StoreError> {
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let version: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i + 1)?;
            tx.commit()?;
        }
        Ok(SqliteStore {
            conn: Mutex::new(conn),
            committed: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// The schema version after migration.
    ///
    /// # Errors
    /// SQLite fails.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.lock()
            .pragma_query_value(None, "user_version", |r| r.get(0))
    }

    /// How many rows committed transactions have inserted, updated or deleted since the store was
    /// opened (migrations excluded). Equal counts mean nothing was written in between: scenarios
    /// use it to check that a refused request left the store as it was, at the same cost whatever
    /// the store holds. A transaction that is rolled back (or a [`SqliteStore::read`]) adds
    /// nothing; a committed one that changes rows adds at least one, even if it puts back the
    /// values that were there.
    pub fn committed_changes(&self) -> u64 {
        self.committed.load(std::sync::atomic::Ordering::SeqCst)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` in one transaction, committed only when `f` returns `Ok`.
    ///
    /// # Errors
    /// Whatever `f` returns, or a store error converted into `E`.
    pub fn write<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut conn = self.lock();
        let before = conn.total_changes();
        let out = {
            let tx = Tx(conn.transaction()?);
            let out = f(&tx)?;
            let Tx(tx) = tx;
            tx.commit()?;
            out
        };
        let changed = conn.total_changes().saturating_sub(before);
        self.committed
            .fetch_add(changed, std::sync::atomic::Ordering::SeqCst);
        Ok(out)
    }

    /// Runs read-only `f` in a transaction (a consistent snapshot).
    ///
    /// # Errors
    /// Whatever `f` returns.
    pub fn read<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut conn = self.lock();
        let tx = Tx(conn.transaction()?);
        f(&tx)
    }
}

/// A send waiting for another attempt.
#[derive(Clone, Debug)]
pub struct RetryRow {
    /// The message's sys_id.
    pub message: SysId,
    /// Its interaction's sys_id.
    pub interaction: SysId,
    /// Text.
    pub body: String,
    /// Media.
    pub media: Vec<Media>,
    /// Attempts made so far.
    pub attempts: i64,
}

/// An open transaction with the engine's queries.
pub struct Tx<'c>(pub(crate) Transaction<'c>);

pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A stored value that does not read back as what the engine wrote: a bad row (a bug, or a database
/// edited by hand). Reported as an error naming the column and the value, never defaulted.
#[derive(Debug, thiserror::Error)]
#[error("bad stored value in column {column}: '{value}' is not {what}")]
pub struct BadValue {
    /// The column's index in the query.
    pub column: usize,
    /// The stored text.
    pub value: String,
    /// What it should have been, for example `an RFC 3339 time`.
    pub what: String,
}

/// Column `idx` as text parsed by `parse`; a value `parse` refuses is a [`BadValue`] error.
pub(crate) fn parsed<T>(
    r: &Row<'_>,
    idx: usize,
    what: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> rusqlite::Result<T> {
    let value: String = r.get(idx)?;
    parse(&value).ok_or_else(|| bad_value(idx, value, what))
}

/// Like [`parsed`], for a nullable column.
pub(crate) fn parsed_opt<T>(
    r: &Row<'_>,
    idx: usize,
    what: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> rusqlite::Result<Option<T>> {
    match r.get::<_, Option<String>>(idx)? {
        None => Ok(None),
        Some(value) => match parse(&value) {
            Some(v) => Ok(Some(v)),
            None => Err(bad_value(idx, value, what)),
        },
    }
}

pub(crate) fn bad_value(column: usize, value: String, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        Box::new(BadValue {
            column,
            value,
            what: what.to_owned(),
        }),
    )
}

/// A stored time (RFC 3339, as [`ts`] writes it).
pub(crate) fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Column `idx` as a stored time.
pub(crate) fn ts_col(r: &Row<'_>, idx: usize) -> rusqlite::Result<DateTime<Utc>> {
    parsed(r, idx, "an RFC 3339 time", parse_ts)
}

/// Column `idx` as a nullable stored time.
pub(crate) fn ts_opt_col(r: &Row<'_>, idx: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    parsed_opt(r, idx, "an RFC 3339 time", parse_ts)
}

/// Column `idx` as a nullable E.164 number.
fn e164_col(r: &Row<'_>, idx: usize) -> rusqlite::Result<Option<E164>> {
    parsed_opt(r, idx, "an E.164 number", |s| E164::parse(s, None).ok())
}

/// Column `idx` as a delivery status.
fn status_col(r: &Row<'_>, idx: usize) -> rusqlite::Result<DeliveryStatus> {
    parsed(r, idx, "a delivery status", |s| s.parse().ok())
}

/// Column `idx` as JSON (the `media` columns).
fn json_col<T: serde::de::DeserializeOwned>(r: &Row<'_>, idx: usize) -> rusqlite::Result<T> {
    parsed(r, idx, "valid JSON", |s| serde_json::from_str(s).ok())
}

impl Tx<'_> {
    fn next(&self, prefix: &str) -> Result<i64, StoreError> {
        self.0.query_row(
            "UPDATE sys_number SET next_value = next_value + 1 WHERE prefix = ?1 RETURNING next_value - 1",
            [prefix],
            |r| r.get(0),
        )
    }

    /// A new sys_id (32 hex digits, counter-based).
    pub fn new_sys_id(&self) -> Result<SysId, StoreError> {
        Ok(format!("{:032x}", self.next("sys_id")?))
    }

    // ----- properties -------------------------------------------------------------------------

    /// A `sys_properties` value.
    pub fn property(&self, name: &str) -> Result<Option<String>, StoreError> {
        self.0
            .query_row(
                "SELECT value FROM sys_properties WHERE name = ?1",
                [name],
                |r| r.get(0),
            )
            .optional()
    }

    /// Sets a `sys_properties` value.
    pub fn set_property(&self, name: &str, value: &str) -> Result<(), StoreError> {
        self.0.execute(
            "INSERT INTO sys_properties (name, value) VALUES (?1, ?2)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            [name, value],
        )?;
        Ok(())
    }

    // ----- people -----------------------------------------------------------------------------

    /// Inserts a requester or agent record and returns it.
    pub fn insert_party(
        &self,
        table: PartyTable,
        name: &str,
        user_name: Option<&str>,
        phone: Option<&E164>,
        country: Option<Region>,
    ) -> Result<Party, StoreError> {
        let sys_id = self.new_sys_id()?;
        let phone_s = phone.map(|p| p.as_str().to_owned());
        let country_s = country.map(|c| c.to_string());
        match table {
            PartyTable::SysUser => self.0.execute(
                "INSERT INTO sys_user (sys_id, user_name, name, mobile_phone, country) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![sys_id, user_name.unwrap_or(name), name, phone_s, country_s],
            )?,
            _ => self.0.execute(
                &format!(
                    "INSERT INTO {} (sys_id, name, mobile_phone, country) VALUES (?1, ?2, ?3, ?4)",
                    table.as_str()
                ),
                params![sys_id, name, phone_s, country_s],
            )?,
        };
        Ok(Party {
            table,
            sys_id,
            name: name.to_owned(),
            phone: phone.cloned(),
            country,
        })
    }

    fn party_from_row(table: PartyTable, r: &Row<'_>) -> rusqlite::Result<Party> {
        Ok(Party {
            table,
            sys_id: r.get(0)?,
            name: r.get(1)?,
            phone: e164_col(r, 2)?,
            country: parsed_opt(r, 3, "a region code", |c| Region::parse(c).ok())?,
        })
    }

    /// A record by table and sys_id.
    pub fn party(&self, table: PartyTable, sys_id: &str) -> Result<Option<Party>, StoreError> {
        self.0
            .query_row(
                &format!(
                    "SELECT sys_id, name, mobile_phone, country FROM {} WHERE sys_id = ?1",
                    table.as_str()
                ),
                [sys_id],
                |r| Self::party_from_row(table, r),
            )
            .optional()
    }

    /// A record by display name (for `sys_user`, also by user_name).
    pub fn party_by_name(
        &self,
        table: PartyTable,
        name: &str,
    ) -> Result<Option<Party>, StoreError> {
        let extra = if table == PartyTable::SysUser {
            " OR user_name = ?1"
        } else {
            ""
        };
        self.0
            .query_row(
                &format!(
                    "SELECT sys_id, name, mobile_phone, country FROM {} WHERE name = ?1{extra}",
                    table.as_str()
                ),
                [name],
                |r| Self::party_from_row(table, r),
            )
            .optional()
    }

    /// The `sys_user` whose mobile phone is `phone` (the first by sys_id if several).
    pub fn user_by_phone(&self, phone: &E164) -> Result<Option<Party>, StoreError> {
        self.0
            .query_row(
                "SELECT sys_id, name, mobile_phone, country FROM sys_user WHERE mobile_phone = ?1 ORDER BY sys_id LIMIT 1",
                [phone.as_str()],
                |r| Self::party_from_row(PartyTable::SysUser, r),
            )
            .optional()
    }

    /// Sets a record's mobile phone.
    pub fn set_party_phone(&self, party: &Party, phone: &E164) -> Result<(), StoreError> {
        self.0.execute(
            &format!(
                "UPDATE {} SET mobile_phone = ?1 WHERE sys_id = ?2",
                party.table.as_str()
            ),
            params![phone.as_str(), party.sys_id],
        )?;
        Ok(())
    }

    /// Grants a role to a sys_user.
    pub fn grant_role(&self, user: &str, role: &str) -> Result<(), StoreError> {
        self.0.execute(
            "INSERT OR IGNORE INTO sys_user_has_role (user, role) VALUES (?1, ?2)",
            [user, role],
        )?;
        Ok(())
    }

    /// Whether a sys_user has a role.
    pub fn has_role(&self, user: &str, role: &str) -> Result<bool, StoreError> {
        self.0
            .query_row(
                "SELECT 1 FROM sys_user_has_role WHERE user = ?1 AND role = ?2",
                [user, role],
                |_| Ok(()),
            )
            .optional()
            .map(|o| o.is_some())
    }

    /// A sys_user's user_name.
    pub fn user_name(&self, sys_id: &str) -> Result<Option<String>, StoreError> {
        self.0
            .query_row(
                "SELECT user_name FROM sys_user WHERE sys_id = ?1",
                [sys_id],
                |r| r.get(0),
            )
            .optional()
    }

    // Agents' SMS presence and capacity, queues and work items: `awa.rs` (migration 6).

    // ----- the virtual agent's records --------------------------------------------------------

    /// Stores (or clears) the virtual agent's topic state of an interaction: `node` for display,
    /// `state` as JSON.
    pub fn set_va_state(
        &self,
        interaction: &str,
        topic: Option<&str>,
        node: Option<&str>,
        state: Option<&str>,
    ) -> Result<(), StoreError> {
        self.0.execute(
            "UPDATE interaction SET va_topic = ?1, va_node = ?2, va_state = ?3 WHERE sys_id = ?4",
            params![topic, node, state, interaction],
        )?;
        Ok(())
    }

    /// Creates a customer service case for a requester.
    pub fn insert_case(
        &self,
        number: &str,
        short_description: &str,
        state: &str,
        contact: &Party,
    ) -> Result<(), StoreError> {
        let sys_id = self.new_sys_id()?;
        self.0.execute(
            "INSERT INTO sn_customerservice_case (sys_id, number, short_description, state, contact_table, contact)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![sys_id, number, short_description, state, contact.table.as_str(), contact.sys_id],
        )?;
        Ok(())
    }

    /// A requester's cases that are not resolved or closed, by number: (number, short description).
    pub fn open_cases(&self, contact: &Party) -> Result<Vec<(String, String)>, StoreError> {
        let mut st = self.0.prepare(
            "SELECT number, short_description FROM sn_customerservice_case
             WHERE contact_table = ?1 AND contact = ?2 AND state NOT IN ('resolved', 'closed')
             ORDER BY number",
        )?;
        let rows = st.query_map(params![contact.table.as_str(), contact.sys_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        rows.collect()
    }

    /// Creates an order record (for the order_status topic's card).
    pub fn insert_order(
        &self,
        number: &str,
        state: &str,
        carrier: &str,
        expected_delivery: &str,
    ) -> Result<(), StoreError> {
        let sys_id = self.new_sys_id()?;
        self.0.execute(
            "INSERT INTO x_convsms_order (sys_id, number, state, carrier, expected_delivery) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![sys_id, number, state, carrier, expected_delivery],
        )?;
        Ok(())
    }

    /// The values of `fields` of the record `number` of `table`, in field order, for a card.
    /// `None` when the table is not one cards may read, a field is not a column, or there is no
    /// such record.
    pub fn card_values(
        &self,
        table: &str,
        number: &str,
        fields: &[String],
    ) -> Result<Option<Vec<String>>, StoreError> {
        const CARD_TABLES: &[&str] = &["sn_customerservice_case", "x_convsms_order"];
        if !CARD_TABLES.contains(&table) {
            return Ok(None);
        }
        let columns: Vec<String> = self
            .0
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        if fields.iter().any(|f| !columns.contains(f)) {
            return Ok(None);
        }
        let list = fields
            .iter()
            .map(|f| format!("COALESCE(CAST(\"{f}\" AS TEXT), '')"))
            .collect::<Vec<_>>()
            .join(", ");
        self.0
            .query_row(
                &format!("SELECT {list} FROM {table} WHERE number = ?1"),
                [number],
                |r| (0..fields.len()).map(|i| r.get::<_, String>(i)).collect(),
            )
            .optional()
    }

    // ----- SMS update subscriptions -----------------------------------------------------------

    /// A user's SMS update setting; `None` when never set (which means off).
    pub fn subscription(&self, user: &str) -> Result<Option<bool>, StoreError> {
        self.0
            .query_row(
                "SELECT enabled FROM sys_cs_sms_subscription WHERE user = ?1",
                [user],
                |r| r.get(0),
            )
            .optional()
    }

    /// Sets a user's SMS update setting.
    pub fn set_subscription(
        &self,
        user: &str,
        enabled: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.0.execute(
            "INSERT INTO sys_cs_sms_subscription (user, enabled, sys_updated_on) VALUES (?1, ?2, ?3)
             ON CONFLICT (user) DO UPDATE SET enabled = excluded.enabled, sys_updated_on = excluded.sys_updated_on",
            params![user, enabled, ts(now)],
        )?;
        Ok(())
    }

    /// How many subscription rows exist (scenarios check that guests create none).
    pub fn subscription_count(&self) -> Result<i64, StoreError> {
        self.0
            .query_row("SELECT COUNT(*) FROM sys_cs_sms_subscription", [], |r| {
                r.get(0)
            })
    }

    // ----- profiles ---------------------------------------------------------------------------

    fn profile_from_row(r: &Row<'_>) -> rusqlite::Result<ChannelUserProfile> {
        let table: Option<String> = r.get(2)?;
        let doc: Option<String> = r.get(3)?;
        Ok(ChannelUserProfile {
            sys_id: r.get(0)?,
            phone: parsed(r, 1, "an E.164 number", |s| E164::parse(s, None).ok())?,
            user: table.and_then(|t| PartyTable::from_table(&t)).zip(doc),
            active: r.get(4)?,
        })
    }

    /// The active messaging profile of a phone.
    pub fn active_profile(&self, phone: &E164) -> Result<Option<ChannelUserProfile>, StoreError> {
        self.0
            .query_row(
                "SELECT sys_id, channel_user_id, user_table, user_document, active
                 FROM sys_cs_channel_user_profile WHERE channel_user_id = ?1 AND active = 1",
                [phone.as_str()],
                Self::profile_from_row,
            )
            .optional()
    }

    /// Every profile of a phone, oldest first.
    pub fn profiles(&self, phone: &E164) -> Result<Vec<ChannelUserProfile>, StoreError> {
        let mut st = self.0.prepare(
            "SELECT sys_id, channel_user_id, user_table, user_document, active
             FROM sys_cs_channel_user_profile WHERE channel_user_id = ?1 ORDER BY sys_id",
        )?;
        let rows = st.query_map([phone.as_str()], Self::profile_from_row)?;
        rows.collect()
    }

    /// Creates an active profile (the caller has deactivated any previous one).
    pub fn insert_profile(
        &self,
        phone: &E164,
        user: Option<&Party>,
        now: DateTime<Utc>,
    ) -> Result<SysId, StoreError> {
        let sys_id = self.new_sys_id()?;
        self.0.execute(
            "INSERT INTO sys_cs_channel_user_profile
                 (sys_id, channel_user_id, user_table, user_document, active, sys_created_on)
             VALUES (?1, ?2, ?3, ?4, 1, ?5)",
            params![
                sys_id,
                phone.as_str(),
                user.map(|u| u.table.as_str()),
                user.map(|u| u.sys_id.as_str()),
                ts(now)
            ],
        )?;
        Ok(sys_id)
    }

    /// Deactivates a profile.
    pub fn deactivate_profile(&self, sys_id: &str) -> Result<(), StoreError> {
        self.0.execute(
            "UPDATE sys_cs_channel_user_profile SET active = 0 WHERE sys_id = ?1",
            [sys_id],
        )?;
        Ok(())
    }

    /// Links a profile to a record (re-linking, PROFILE-4).
    pub fn relink_profile(&self, sys_id: &str, user: &Party) -> Result<(), StoreError> {
        self.0.execute(
            "UPDATE sys_cs_channel_user_profile SET user_table = ?1, user_document = ?2 WHERE sys_id = ?3",
            params![user.table.as_str(), user.sys_id, sys_id],
        )?;
        Ok(())
    }

    // ----- providers --------------------------------------------------------------------------

    /// The provider application a number belongs to, with its integration.
    pub fn provider_number_owner(
        &self,
        number: &E164,
    ) -> Result<Option<(String, String)>, StoreError> {
        self.0
            .query_row(
                "SELECT a.name, a.integration FROM sys_cs_provider_number n
                 JOIN sys_cs_provider_application a ON a.sys_id = n.provider_application
                 WHERE n.number = ?1",
                [number.as_str()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
    }

    /// Adds a number to a provider application, creating the application if needed.
    pub fn insert_provider_number(
        &self,
        application: &str,
        integration: &str,
        number: &E164,
    ) -> Result<(), StoreError> {
        let app: Option<String> = self
            .0
            .query_row(
                "SELECT sys_id FROM sys_cs_provider_application WHERE name = ?1",
                [application],
                |r| r.get(0),
            )
            .optional()?;
        let app = match app {
            Some(a) => a,
            None => {
                let id = self.new_sys_id()?;
                self.0.execute(
                    "INSERT INTO sys_cs_provider_application (sys_id, name, integration) VALUES (?1, ?2, ?3)",
                    [&id, application, integration],
                )?;
                id
            }
        };
        self.0.execute(
            "INSERT INTO sys_cs_provider_number (number, provider_application) VALUES (?1, ?2)",
            [number.as_str(), &app],
        )?;
        Ok(())
    }

    /// The provider numbers of an integration, sorted.
    pub fn provider_numbers(&self, integration: &str) -> Result<Vec<E164>, StoreError> {
        let mut st = self.0.prepare(
            "SELECT n.number FROM sys_cs_provider_number n
             JOIN sys_cs_provider_application a ON a.sys_id = n.provider_application
             WHERE a.integration = ?1 ORDER BY n.number",
        )?;
        let rows = st.query_map([integration], |r| r.get::<_, String>(0))?;
        Ok(rows
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .filter_map(|s| E164::parse(&s, None).ok())
            .collect())
    }

    // ----- interactions -----------------------------------------------------------------------

    fn interaction_from_row(r: &Row<'_>) -> rusqlite::Result<Interaction> {
        let assigned: Option<String> = r.get(5)?;
        Ok(Interaction {
            sys_id: r.get(0)?,
            number: parsed(r, 1, "an interaction number (IMS + 7 digits)", |s| {
                InteractionNumber::parse(s).ok()
            })?,
            kind: parsed(r, 2, "an interaction type", InteractionType::parse)?,
            state: parsed(r, 3, "an interaction state", InteractionState::parse)?,
            active: r.get(4)?,
            handler: match assigned {
                None => Handler::Queue,
                Some(a) if a == VIRTUAL_AGENT_SYS_ID => Handler::VirtualAgent,
                Some(a) => Handler::Agent(a),
            },
            opened_for: (
                parsed(r, 6, "a requester table", PartyTable::from_table)?,
                r.get(7)?,
            ),
            profile: r.get(8)?,
            requester_phone: e164_col(r, 9)?,
            provider_phone: e164_col(r, 10)?,
            va_node: r.get(11)?,
            opened_at: ts_col(r, 12)?,
            va_state: r.get(13)?,
        })
    }

    const INTERACTION_COLS: &'static str = "sys_id, number, type, state, active, assigned_to, opened_for_table, opened_for, channel_user_profile, requester_phone, provider_phone, va_node, opened_at, va_state";

    /// The active SMS interaction of a (requester phone, provider number) pair.
    pub fn active_sms_interaction(
        &self,
        requester: &E164,
        provider: &E164,
    ) -> Result<Option<Interaction>, StoreError> {
        self.0
            .query_row(
                &format!(
                    "SELECT {} FROM interaction WHERE requester_phone = ?1 AND provider_phone = ?2 AND active = 1 AND channel = 'sms'",
                    Self::INTERACTION_COLS
                ),
                [requester.as_str(), provider.as_str()],
                Self::interaction_from_row,
            )
            .optional()
    }

    /// An interaction by number.
    pub fn interaction(
        &self,
        number: &InteractionNumber,
    ) -> Result<Option<Interaction>, StoreError> {
        self.0
            .query_row(
                &format!(
                    "SELECT {} FROM interaction WHERE number = ?1",
                    Self::INTERACTION_COLS
                ),
                [number.as_str()],
                Self::interaction_from_row,
            )
            .optional()
    }

    /// Every interaction, by number.
    pub fn interactions(&self) -> Result<Vec<Interaction>, StoreError> {
        let mut st = self.0.prepare(&format!(
            "SELECT {} FROM interaction ORDER BY number",
            Self::INTERACTION_COLS
        ))?;
        let rows = st.query_map([], Self::interaction_from_row)?;
        rows.collect()
    }

    /// Opens a new interaction and returns it.
    #[allow(clippy::too_many_arguments)]
    pub fn insert_interaction(
        &self,
        kind: InteractionType,
        handler: &Handler,
        opened_for: &Party,
        profile: Option<&str>,
        requester_phone: Option<&E164>,
        provider_phone: Option<&E164>,
        va_node: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Interaction, StoreError> {
        let sys_id = self.new_sys_id()?;
        let number = InteractionNumber::from_counter(self.next("IMS")?);
        let (assigned, state) = match handler {
            Handler::VirtualAgent => (Some(VIRTUAL_AGENT_SYS_ID.to_owned()), InteractionState::New),
            Handler::Agent(a) => (Some(a.clone()), InteractionState::WorkInProgress),
            Handler::Queue => (None, InteractionState::New),
        };
        self.0.execute(
            "INSERT INTO interaction (sys_id, number, type, channel, state, active, assigned_to,
                 opened_for_table, opened_for, channel_user_profile, requester_phone, provider_phone,
                 va_topic, va_node, opened_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                sys_id,
                number.as_str(),
                kind.as_str(),
                (kind == InteractionType::Messaging).then_some("sms"),
                state.as_str(),
                assigned,
                opened_for.table.as_str(),
                opened_for.sys_id,
                profile,
                requester_phone.map(E164::as_str),
                provider_phone.map(E164::as_str),
                va_node.map(|_| "greeting"),
                va_node,
                ts(now)
            ],
        )?;
        Ok(self
            .interaction(&number)?
            .expect("the interaction was just inserted"))
    }

    /// Closes an interaction with a closed state, and cancels its pending messaging-action timers.
    pub fn close_interaction(
        &self,
        sys_id: &str,
        state: InteractionState,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.0.execute(
            "UPDATE interaction SET active = 0, state = ?1, closed_at = ?2 WHERE sys_id = ?3",
            params![state.as_str(), ts(now), sys_id],
        )?;
        // A closed interaction's messaging-action timers will never fire.
        self.0.execute(
            "UPDATE sys_cs_action_timer SET state = 'cancelled' WHERE interaction = ?1 AND state = 'pending'",
            [sys_id],
        )?;
        Ok(())
    }

    /// Assigns an interaction to a live agent (state work_in_progress) or the VA.
    pub fn assign(&self, sys_id: &str, handler: &Handler) -> Result<(), StoreError> {
        let (assigned, state) = match handler {
            Handler::VirtualAgent => (Some(VIRTUAL_AGENT_SYS_ID), InteractionState::New),
            Handler::Agent(a) => (Some(a.as_str()), InteractionState::WorkInProgress),
            Handler::Queue => (None, InteractionState::New),
        };
        self.0.execute(
            "UPDATE interaction SET assigned_to = ?1, state = ?2 WHERE sys_id = ?3",
            params![assigned, state.as_str(), sys_id],
        )?;
        Ok(())
    }

    /// Moves the virtual agent to another node (or none).
    pub fn set_va_node(&self, sys_id: &str, node: Option<&str>) -> Result<(), StoreError> {
        self.0.execute(
            "UPDATE interaction SET va_node = ?1 WHERE sys_id = ?2",
            params![node, sys_id],
        )?;
        Ok(())
    }

    /// Re-links an interaction to another requester record.
    pub fn relink_interaction(&self, sys_id: &str, to: &Party) -> Result<(), StoreError> {
        self.0.execute(
            "UPDATE interaction SET opened_for_table = ?1, opened_for = ?2 WHERE sys_id = ?3",
            params![to.table.as_str(), to.sys_id, sys_id],
        )?;
        Ok(())
    }

    /// Adds an agent to an interaction's live group profile; `false` if already there.
    pub fn join_live_group(
        &self,
        interaction: &str,
        agent: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let n = self.0.execute(
            "INSERT OR IGNORE INTO live_group_profile (interaction, agent, joined_at) VALUES (?1, ?2, ?3)",
            params![interaction, agent, ts(now)],
        )?;
        Ok(n == 1)
    }

    /// The user_names in an interaction's live group profile, in joining order.
    pub fn live_group(&self, interaction: &str) -> Result<Vec<String>, StoreError> {
        let mut st = self.0.prepare(
            "SELECT u.user_name FROM live_group_profile l JOIN sys_user u ON u.sys_id = l.agent
             WHERE l.interaction = ?1 ORDER BY l.joined_at, u.user_name",
        )?;
        let rows = st.query_map([interaction], |r| r.get(0))?;
        rows.collect()
    }

    // ----- attachments ------------------------------------------------------------------------

    /// Stores a file and returns its sys_id.
    pub fn insert_attachment(
        &self,
        file_name: &str,
        content_type: &str,
        data: &[u8],
    ) -> Result<SysId, StoreError> {
        let sys_id = self.new_sys_id()?;
        self.0.execute(
            "INSERT INTO sys_attachment (sys_id, file_name, content_type, data) VALUES (?1, ?2, ?3, ?4)",
            params![sys_id, file_name, content_type, data],
        )?;
        Ok(sys_id)
    }

    /// A stored file: (content type, bytes).
    pub fn attachment(&self, sys_id: &str) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        self.0
            .query_row(
                "SELECT content_type, data FROM sys_attachment WHERE sys_id = ?1",
                [sys_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
    }

    // ----- transcript -------------------------------------------------------------------------

    /// Whether a message with this provider SID is already stored (webhook idempotency).
    pub fn has_provider_sid(&self, sid: &MessageSid) -> Result<bool, StoreError> {
        self.0
            .query_row(
                "SELECT 1 FROM sys_cs_message WHERE provider_sid = ?1",
                [sid.as_str()],
                |_| Ok(()),
            )
            .optional()
            .map(|o| o.is_some())
    }

    /// Appends a message to an interaction's transcript and returns its sys_id.
    #[allow(clippy::too_many_arguments)]
    pub fn insert_message(
        &self,
        interaction: &str,
        direction: Direction,
        author_kind: AuthorKind,
        author: Option<&str>,
        body: &str,
        media: &[Media],
        provider_sid: Option<&MessageSid>,
        status: DeliveryStatus,
        now: DateTime<Utc>,
    ) -> Result<SysId, StoreError> {
        let sys_id = self.new_sys_id()?;
        let seq: i64 = self.0.query_row(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM sys_cs_message WHERE interaction = ?1",
            [interaction],
            |r| r.get(0),
        )?;
        self.0.execute(
            "INSERT INTO sys_cs_message (sys_id, interaction, seq, direction, author_kind, author, body,
                 media, provider_sid, status, sys_created_on, sys_updated_on)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
            params![
                sys_id,
                interaction,
                seq,
                direction.as_str(),
                author_kind.as_str(),
                author,
                body,
                serde_json::to_string(media).expect("media serializes"),
                provider_sid.map(MessageSid::as_str),
                status.as_str(),
                ts(now)
            ],
        )?;
        Ok(sys_id)
    }

    /// Records the provider's answer to a send: its SID and status, or the failure.
    pub fn record_send(
        &self,
        message: &str,
        sid: Option<&MessageSid>,
        status: DeliveryStatus,
        error: Option<(i64, &str)>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.0.execute(
            "UPDATE sys_cs_message SET provider_sid = ?1, status = ?2, error_code = ?3, error_message = ?4,
                 sys_updated_on = ?5 WHERE sys_id = ?6",
            params![
                sid.map(MessageSid::as_str),
                status.as_str(),
                error.map(|e| e.0),
                error.map(|e| e.1),
                ts(now),
                message
            ],
        )?;
        Ok(())
    }

    /// Puts a send the provider could not take back in line for `at`, counting the attempt.
    pub fn schedule_retry(
        &self,
        message: &str,
        error: (i64, &str),
        at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.0.execute(
            "UPDATE sys_cs_message SET status = 'retrying', attempts = attempts + 1, next_attempt_at = ?1,
                 error_code = ?2, error_message = ?3, sys_updated_on = ?4 WHERE sys_id = ?5",
            params![ts(at), error.0, error.1, ts(now), message],
        )?;
        Ok(())
    }

    /// Counts a send attempt that got an answer (accepted or refused for good).
    pub fn count_attempt(&self, message: &str) -> Result<i64, StoreError> {
        self.0.query_row(
            "UPDATE sys_cs_message SET attempts = attempts + 1, next_attempt_at = NULL WHERE sys_id = ?1
             RETURNING attempts",
            [message],
            |r| r.get(0),
        )
    }

    /// Sends due for another attempt at `now`: (message sys_id, interaction sys_id, body, media,
    /// attempts so far), oldest due first.
    pub fn due_retries(&self, now: DateTime<Utc>) -> Result<Vec<RetryRow>, StoreError> {
        let mut st = self.0.prepare(
            "SELECT m.sys_id, m.interaction, m.body, m.media, m.attempts FROM sys_cs_message m
             WHERE m.status = 'retrying' AND m.next_attempt_at <= ?1
             ORDER BY m.next_attempt_at, m.sys_id",
        )?;
        let rows = st.query_map([ts(now)], |r| {
            Ok(RetryRow {
                message: r.get(0)?,
                interaction: r.get(1)?,
                body: r.get(2)?,
                media: json_col(r, 3)?,
                attempts: r.get(4)?,
            })
        })?;
        rows.collect()
    }

    /// Outbound messages still on their way (queued, sending, sent, accepted) whose status has not
    /// changed since `before`: candidates for asking the provider (a callback may have been lost).
    pub fn stale_in_flight(&self, before: DateTime<Utc>) -> Result<Vec<MessageSid>, StoreError> {
        let mut st = self.0.prepare(
            "SELECT provider_sid FROM sys_cs_message
             WHERE direction = 'outbound' AND provider_sid IS NOT NULL
               AND status IN ('accepted', 'queued', 'sending', 'sent') AND sys_updated_on <= ?1
             ORDER BY sys_updated_on, sys_id",
        )?;
        let rows = st.query_map([ts(before)], |r| {
            parsed(r, 0, "a MessageSid", |s| MessageSid::parse(s).ok())
        })?;
        rows.collect()
    }

    /// The interaction sys_id → its row.
    pub fn interaction_by_sys_id(&self, sys_id: &str) -> Result<Option<Interaction>, StoreError> {
        self.0
            .query_row(
                &format!(
                    "SELECT {} FROM interaction WHERE sys_id = ?1",
                    Self::INTERACTION_COLS
                ),
                [sys_id],
                Self::interaction_from_row,
            )
            .optional()
    }

    /// Records that the provider was asked about a message just now (its status did not move).
    pub fn touch_message(
        &self,
        provider_sid: &MessageSid,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.0.execute(
            "UPDATE sys_cs_message SET sys_updated_on = ?1 WHERE provider_sid = ?2",
            params![ts(now), provider_sid.as_str()],
        )?;
        Ok(())
    }

    /// The sys_id and status of the message with this provider SID.
    pub fn message_by_sid(
        &self,
        sid: &MessageSid,
    ) -> Result<Option<(SysId, DeliveryStatus)>, StoreError> {
        self.0
            .query_row(
                "SELECT sys_id, status FROM sys_cs_message WHERE provider_sid = ?1",
                [sid.as_str()],
                |r| Ok((r.get(0)?, status_col(r, 1)?)),
            )
            .optional()
    }

    /// Sets a message's delivery status (and the provider's error, when it failed).
    pub fn set_message_status(
        &self,
        message: &str,
        status: DeliveryStatus,
        error: Option<(i64, &str)>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.0.execute(
            "UPDATE sys_cs_message SET status = ?1,
                 error_code = COALESCE(?2, error_code), error_message = COALESCE(?3, error_message),
                 sys_updated_on = ?4 WHERE sys_id = ?5",
            params![
                status.as_str(),
                error.map(|e| e.0),
                error.map(|e| e.1),
                ts(now),
                message
            ],
        )?;
        Ok(())
    }

    /// An interaction's transcript, in order.
    pub fn transcript(&self, interaction: &str) -> Result<Vec<Message>, StoreError> {
        let mut st = self.0.prepare(
            "SELECT m.seq, m.direction, m.author_kind, u.user_name, m.body, m.media, m.provider_sid,
                    m.status, m.error_code, m.error_message, m.sys_created_on, m.sys_updated_on,
                    m.attempts
             FROM sys_cs_message m LEFT JOIN sys_user u ON u.sys_id = m.author
             WHERE m.interaction = ?1 ORDER BY m.seq",
        )?;
        let rows = st.query_map([interaction], |r| {
            Ok(Message {
                seq: r.get(0)?,
                direction: parsed(r, 1, "a message direction", |s| s.parse().ok())?,
                author_kind: parsed(r, 2, "an author kind", AuthorKind::parse)?,
                author: r.get(3)?,
                body: r.get(4)?,
                media: json_col(r, 5)?,
                provider_sid: parsed_opt(r, 6, "a MessageSid", |s| MessageSid::parse(s).ok())?,
                status: status_col(r, 7)?,
                error_code: r.get(8)?,
                error_message: r.get(9)?,
                created_at: ts_col(r, 10)?,
                updated_at: ts_col(r, 11)?,
                attempts: r.get(12)?,
            })
        })?;
        rows.collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_a_file_database_once_in_wal_mode() {
        let dir = std::env::temp_dir().join(format!("convsms-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.sqlite");
        let _ = std::fs::remove_file(&path);
        {
            let s = SqliteStore::open(&path).unwrap();
            assert_eq!(s.schema_version().unwrap(), MIGRATIONS.len() as i64);
            s.write(|tx| tx.set_property("x", "1")).unwrap();
        }
        let s = SqliteStore::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), MIGRATIONS.len() as i64);
        let mode: String = s
            .lock()
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(s.read(|tx| tx.property("x")).unwrap().as_deref(), Some("1"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failed_write_leaves_nothing() {
        let s = SqliteStore::open_in_memory().unwrap();
        let r: Result<(), StoreError> = s.write(|tx| {
            tx.set_property("half", "written")?;
            Err(rusqlite::Error::QueryReturnedNoRows)
        });
        assert!(r.is_err());
        assert_eq!(s.read(|tx| tx.property("half")).unwrap(), None);
    }

    #[test]
    fn committed_changes_count_committed_rows_only() {
        let s = SqliteStore::open_in_memory().unwrap();
        let start = s.committed_changes();
        let _ = s.read(|tx| tx.property("x"));
        let r: Result<(), StoreError> = s.write(|tx| {
            tx.set_property("half", "written")?;
            Err(rusqlite::Error::QueryReturnedNoRows)
        });
        assert!(r.is_err());
        assert_eq!(
            s.committed_changes(),
            start,
            "a read or a rolled-back write counts"
        );
        s.write(|tx| tx.set_property("x", "1")).unwrap();
        let after_one = s.committed_changes();
        assert!(after_one > start, "a committed write does not count");
        s.write(|tx| tx.set_property("x", "1")).unwrap();
        assert!(
            s.committed_changes() > after_one,
            "writing the same value again is a write"
        );
    }

    #[test]
    fn one_active_sms_interaction_per_pair() {
        let s = SqliteStore::open_in_memory().unwrap();
        let now = Utc::now();
        let p = E164::parse("+14155552671", None).unwrap();
        let q = E164::parse("+14155550100", None).unwrap();
        let r: Result<(), StoreError> = s.write(|tx| {
            let guest = tx.party(PartyTable::SysUser, GUEST_SYS_ID)?.unwrap();
            let i = tx.insert_interaction(
                InteractionType::Messaging,
                &Handler::Queue,
                &guest,
                None,
                Some(&p),
                Some(&q),
                None,
                now,
            )?;
            assert_eq!(i.number.as_str(), "IMS0001001");
            tx.insert_interaction(
                // the same pair again
                InteractionType::Messaging,
                &Handler::Queue,
                &guest,
                None,
                Some(&p),
                Some(&q),
                None,
                now,
            )?;
            Ok(())
        });
        assert!(
            r.is_err(),
            "a second active interaction for one pair must be refused"
        );
    }
}
