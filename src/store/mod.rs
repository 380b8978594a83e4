//! The embedded SQLite store: [`SqliteStore`] and the queries the engine runs inside one transaction.
//!
//! - Versioned migrations run at open (`PRAGMA user_version`): 1 is `schema.sql`, 2 is
//!   `migration2.sql` (send retries), 3 is `migration3.sql` (SMS update subscriptions), 4 is `migration4.sql` (topic state, cases,
//!   orders), 5 is `migration5.sql` (messaging actions, timers, workspace notifications), 6 is
//!   `migration6.sql` (Advanced Work Assignment: queues, presence, work items, the Ongoing tab), 7
//!   is `migration7.sql` (work items remember timed-out offers apart from rejections), 8 is
//!   `migration8.sql` (timers remember when they settled, for audits; indexes for audits and the
//!   tick), 9 is `migration9.sql` (indexes for the inbound path's look-ups), 10 is `migration10.sql`
//!   (`convsms serve`'s state, journal and timeline events), 11 is `migration11.sql` (an index
//!   on `sys_user.name` for look-ups by name), 12 is `migration12.sql` (the partial indexes of
//!   `sys_cs_message` without IN lists, which SQLite evaluates through a temporary b-tree), 13
//!   is `migration13.sql` (indexes in the order of their queries, so no look-up sorts), 14 is
//!   `migration14.sql` (the audit-only indexes of `sys_cs_message` dropped), 15
//!   (`sys_cs_message` keyed by its sys_id's number, `rid`: no sys_id index), 16
//!   (`interaction.last_message_at`, kept by a trigger on each message's insert, and the indexes
//!   the clock's queries seek: when an interaction went quiet, when an offer lapses), 17
//!   (`live_group_profile.left_at`: who left the group, by a transfer, leaving or a Reassign), 18
//!   (when each messaging-action timer started, and its duration then), 19 (an index of each
//!   requester's cases), 20 (`sys_cs_message.unconfirmed_since`: a send whose lost answer the
//!   provider's list has not yet confirmed or denied), 21 (the index of those sends).
//! - `people`, `interactions`, `transcript`, `actions`, `awa`: queries by family; `memo`: what a
//!   connection remembers between statements; `statements`: the store's statement cache.
//! - `serve`: what `convsms serve` keeps (state, journal, wire events) and the Table API's
//!   generic read of any table.
//! - `audit`: reads only audits need (the soak's invariants): the transcript rows changed since
//!   the last look (a log on the auditing connection), sends in flight, timers with their settle
//!   times, closed interactions.
//! - File databases use WAL with `synchronous = NORMAL`; `checkpoint` copies the WAL into the
//!   file on a thread of its own, so that writes do not wait for its fsyncs, and has the writer
//!   rewind the WAL every 16,000 pages; `vfs` is the VFS file stores open with (`unix-excl`, with
//!   a transaction's WAL writes handed to the file in one write). Scenarios use a fresh
//!   in-memory database each. A batch
//!   run can group its writes' commits ([`SqliteStore::open_grouped`]). Statement journals live
//!   in memory (`temp_store`).
//! - The connection sits behind a std `Mutex` and every call is synchronous: the lock is never held
//!   across an `.await`.
//! - The store's own statements are prepared once per connection and found by the address of
//!   their `&'static str` text (`statements`, `Conn::prepare_cached`); SQL built at run time uses
//!   rusqlite's cache (`Conn::prepare_built`).
//! - Every engine operation runs in one transaction ([`SqliteStore::write`]: `BEGIN IMMEDIATE`
//!   when outermost, a savepoint when nested or inside a group commit, prepared once like the
//!   queries), so a refused request leaves nothing half-written.

use std::path::Path;
use std::sync::Mutex;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, Connection, OpenFlags, Row};

use crate::domain::delivery::DeliveryStatus;
use crate::domain::model::*;
use crate::domain::phone::E164;

/// The columns `Tx::interaction_from_row` reads, as a literal for `concat!`: statements on the
/// inbound path are `&'static str`, not built with `format!` per call.
macro_rules! interaction_cols {
    () => {
        "sys_id, number, type, state, active, assigned_to, opened_for_table, opened_for, channel_user_profile, requester_phone, provider_phone, va_node, opened_at, va_state"
    };
}

/// `$before`, the requester table `$table` ([`PartyTable::as_str`]), then `$after`, as a
/// `&'static str` (one literal per table, not built per call).
macro_rules! per_table {
    ($table:expr, $before:literal, $after:literal) => {
        match $table {
            PartyTable::SysUser => concat!($before, "sys_user", $after),
            PartyTable::CsmConsumer => concat!($before, "csm_consumer", $after),
            PartyTable::CustomerContact => concat!($before, "customer_contact", $after),
        }
    };
}

mod actions;
mod audit;
mod awa;
mod checkpoint;
mod interactions;
mod memo;
mod people;
mod serve;
mod statements;
mod transcript;
mod vfs;

pub use actions::{InteractionFields, TickDue};
pub use audit::{
    ActiveAudit, AuditRow, ClosedAudit, Decline, FirstResponse, MadeOffer, OfferLog, OpenedAudit,
    PassedOver, TimerAudit,
};
pub use serve::{AgentRow, EngineEvent, JournalEntry, OfferRow, TableRecord, WireEvent};

/// The sys_id of the default SMS queue (migration 6): last in order, takes every interaction, and
/// every agent with an SMS presence row is a member.
pub const DEFAULT_QUEUE_SYS_ID: &str = "000000000000000000000000000000a1";

/// The schema versions, in order; index + 1 is the version number.
const MIGRATIONS: &[&str] = &[
    include_str!("schema.sql"),
    include_str!("migration2.sql"),
    include_str!("migration3.sql"),
    include_str!("migration4.sql"),
    include_str!("migration5.sql"),
    include_str!("migration6.sql"),
    include_str!("migration7.sql"),
    include_str!("migration8.sql"),
    include_str!("migration9.sql"),
    include_str!("migration10.sql"),
    include_str!("migration11.sql"),
    include_str!("migration12.sql"),
    include_str!("migration13.sql"),
    include_str!("migration14.sql"),
    include_str!("migration15.sql"),
    include_str!("migration16.sql"),
    include_str!("migration17.sql"),
    include_str!("migration18.sql"),
    include_str!("migration19.sql"),
    include_str!("migration20.sql"),
    include_str!("migration21.sql"),
];

/// WAL pages after which the writer's commit checkpoints the WAL into the database file itself
/// (SQLite's `wal_autocheckpoint`; its default is 1,000): a safety net, should the checkpoint
/// thread fall behind or fail. The thread asks for a rewind at 16,000 pages
/// (`checkpoint::REWIND_PAGES`), so this one is not reached while it works.
pub const WAL_AUTOCHECKPOINT_PAGES: u32 = 64_000;

/// The page cache of a group-commit store, KiB (SQLite's default is 2,000).
const GROUP_CACHE_KIB: i64 = 65_536;

/// The page size of a database the store creates, bytes (SQLite's default is 4,096; a file
/// keeps the size it was created with). Group commit runs each write in a savepoint, which
/// copies every page the write changes first into a journal in memory (about eight a write):
/// half the page, half the copy. `convsms soak --conversations 10000 --messages 100000 --db`,
/// paired against 4,096: 0.957x wall (0.944–0.967, 3 pairs), the same digest and peak RSS;
/// 8,192 was slower.
const PAGE_SIZE_BYTES: i64 = 2_048;

/// How many prepared statements a connection keeps: more than the store has queries.
const STATEMENT_CACHE_CAPACITY: usize = 256;

/// A store failure: a bug or a broken database file, never bad user input.
pub type StoreError = rusqlite::Error;

/// Refuses a database convsms never migrated (`user_version` 0) that already has tables: the
/// file belongs to something else, and migrating it would add convsms's tables to it.
///
/// # Errors
/// `SQLITE_NOTADB`, with a message naming up to three of its tables.
fn refuse_foreign_tables(conn: &Connection) -> Result<(), StoreError> {
    let mut st = conn.prepare(
        "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name LIMIT 4",
    )?;
    let names: Vec<String> = st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    if names.is_empty() {
        return Ok(());
    }
    let shown = names.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
    let more = if names.len() > 3 { ", ..." } else { "" };
    Err(rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_NOTADB),
        Some(format!(
            "not a convsms database: it holds tables of something else ({shown}{more}) and no \
             convsms schema; give a new file or one convsms made"
        )),
    ))
}

/// SQLite, behind a mutex.
pub struct SqliteStore {
    /// A file store's checkpoint thread (`checkpoint`), stopped and joined when the store drops.
    /// `None` in memory.
    checkpointer: Option<checkpoint::Checkpointer>,
    conn: Mutex<Conn>,
    /// Rows changed by committed [`SqliteStore::write`]s (SQLite's `total_changes`, counted per
    /// committed transaction).
    committed: std::sync::atomic::AtomicU64,
    /// Group commit ([`SqliteStore::open_grouped`]): how many writes share one SQLite commit, and
    /// how many the open one holds. `None`: every write commits.
    group: Option<Group>,
}

/// The connection, its prepared statements and what it remembers between statements (`memo`:
/// reserved sys_ids and the configuration tables).
pub(crate) struct Conn {
    sql: statements::Connected,
    memo: memo::Memo,
}

impl std::ops::Deref for Conn {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.sql.connection()
    }
}

impl Conn {
    fn new(sql: Connection, memo: memo::Memo) -> Self {
        Conn {
            sql: statements::Connected::new(sql),
            memo,
        }
    }

    /// The statement of `sql`, prepared on its first use and kept: the store's own queries, all
    /// `&'static str`, found by where their text lives (module `statements`). Shadows
    /// `Connection::prepare_cached`; SQL built at run time goes through [`Conn::prepare_built`].
    ///
    /// # Errors
    /// SQLite cannot prepare `sql` (a bug: the store's statements are fixed).
    fn prepare_cached(
        &self,
        sql: &'static str,
    ) -> rusqlite::Result<statements::CachedStatement<'_>> {
        self.sql.kept(sql)
    }

    /// A statement of SQL built at run time (a table's name in it), kept by rusqlite's own
    /// statement cache (the whole text hashed on each use).
    ///
    /// # Errors
    /// SQLite cannot prepare `sql`.
    fn prepare_built(&self, sql: &str) -> rusqlite::Result<rusqlite::CachedStatement<'_>> {
        self.sql.connection().prepare_cached(sql)
    }
}

/// The SQLite VFS that file stores open with (registered at the first open): SQLite's Unix VFS
/// in its exclusive variant (`unix-excl`), which takes one exclusive POSIX lock on the database
/// file at the first access and keeps it until the last connection of the process closes, with
/// the WAL index in heap memory (no `-shm` file), and with the WAL's writes gathered into one
/// write per transaction (module `vfs`). Another process that opens the file meanwhile fails
/// with `SQLITE_BUSY` ("database is locked"). See [`SqliteStore::open`].
pub const EXCLUSIVE_VFS: &str = vfs::VFS_NAME;

/// Sends SQLite's own error and warning log (<https://sqlite.org/errlog.html>: the source line
/// where it found a database corrupt, a WAL recovered at open, an automatic index) to `tracing`
/// under the target `sqlite`: constraint failures and schema changes (which the store answers
/// itself) at `debug`, notices at `info`, the rest at `warn`. Once per process, before its first
/// connection; if something else started SQLite first, the log stays SQLite's default (off).
fn log_sqlite_messages() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: the engine's connections are all opened by the store, after this (other
        // threads opening a store wait for `call_once`), so no other SQLite call of the engine
        // runs meanwhile; the callback calls no SQLite function.
        if let Err(e) = unsafe { rusqlite::trace::config_log(Some(sqlite_message)) } {
            tracing::debug!(error = %e, "SQLite was started before the store: its log stays off");
        }
    });
}

/// One message of SQLite's log ([`log_sqlite_messages`]); `code` is SQLite's extended result
/// code.
fn sqlite_message(code: std::ffi::c_int, message: &str) {
    use rusqlite::ffi;
    match code & 0xff {
        ffi::SQLITE_CONSTRAINT | ffi::SQLITE_SCHEMA => {
            tracing::debug!(target: "sqlite", code, "{message}");
        }
        ffi::SQLITE_NOTICE => tracing::info!(target: "sqlite", code, "{message}"),
        _ => tracing::warn!(target: "sqlite", code, "{message}"),
    }
}

/// How long a statement waits for a lock another connection holds (rusqlite's default).
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// `e` when it is not `SQLITE_BUSY`; else the same error saying that another process holds
/// `path` ([`EXCLUSIVE_VFS`]) and what to do.
fn held_elsewhere(path: &Path, e: rusqlite::Error) -> rusqlite::Error {
    match e {
        rusqlite::Error::SqliteFailure(err, _) if err.code == rusqlite::ErrorCode::DatabaseBusy => {
            rusqlite::Error::SqliteFailure(
                err,
                Some(format!(
                    "another process holds {}: a running convsms serve or soak --db keeps its \
                     database file to itself until it stops; stop that one, or give another file",
                    path.display()
                )),
            )
        }
        e => e,
    }
}

/// Group commit: [`SqliteStore::write`]s run as savepoints inside one long SQLite transaction,
/// committed every `every` writes, at [`SqliteStore::flush`] and when the store is dropped.
struct Group {
    every: u32,
    pending: std::sync::atomic::AtomicU32,
}

impl SqliteStore {
    /// Opens (creating if needed) a database file in WAL mode with `synchronous = NORMAL`,
    /// migrates it, and starts its checkpoint thread.
    ///
    /// `NORMAL` is SQLite's recommended setting for WAL: a commit appends to the WAL without an
    /// fsync, and the WAL is synced at each checkpoint. The database never corrupts; a power cut
    /// (not a crash of the process) may lose the last transactions committed before it. With
    /// `FULL`, SQLite's default, every commit waits for an fsync, which limited the inbound path
    /// to a few hundred messages per second on this machine's disk.
    ///
    /// A checkpoint syncs twice (the WAL, then the database file), and an fsync here takes about
    /// 2 ms per MiB written: run in the commit that crosses SQLite's threshold, it took a third of
    /// `convsms bench engine`'s wall time. The store's own thread runs them instead, after each
    /// commit on a second connection (`checkpoint` module), and every 16,000 WAL pages has the
    /// writer copy the last few frames so that its next write rewinds the WAL. The writer's own
    /// automatic checkpoint stays on as a safety net at [`WAL_AUTOCHECKPOINT_PAGES`].
    ///
    /// The process holds the file exclusively while the store is open (SQLite's `unix-excl`
    /// VFS, [`EXCLUSIVE_VFS`]): another process that opens it meanwhile gets, after a second,
    /// `SQLITE_BUSY` saying that another process holds the file, and reads it once the store is
    /// dropped (connections of this process share it).
    /// In exchange the WAL index lives in this process's memory, not in a `-shm` file, and
    /// SQLite takes its locks there instead of with two `fcntl` calls per transaction (12 per
    /// message of `convsms bench engine`, 5.5% of its thread). The WAL's frames of a transaction
    /// reach the file in one `pwrite` instead of two per page (module `vfs`), before the commit
    /// returns.
    ///
    /// # Errors
    /// The file cannot be opened, a migration fails, or the checkpoint thread cannot start;
    /// `SQLITE_BUSY` when another process holds the file (a running `convsms serve` or
    /// `soak --db`), saying so.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref();
        log_sqlite_messages();
        vfs::register().map_err(|rc| {
            rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rc),
                Some(format!("cannot register the SQLite VFS {EXCLUSIVE_VFS}")),
            )
        })?;
        let conn = Connection::open_with_flags_and_vfs(path, OpenFlags::default(), EXCLUSIVE_VFS)?;
        // The first access takes the file's lock: a process that holds it is named at once
        // (after a second, for one that is just closing it), not after the busy timeout.
        conn.busy_timeout(std::time::Duration::from_secs(1))?;
        // Before the first write (switching to WAL writes the database header); an existing
        // file keeps the size its header says.
        conn.pragma_update(None, "page_size", PAGE_SIZE_BYTES)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| held_elsewhere(path, e))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "wal_autocheckpoint", WAL_AUTOCHECKPOINT_PAGES)?;
        let mut store = Self::init(conn)?;
        store.checkpointer = Some(checkpoint::Checkpointer::start(path)?);
        Ok(store)
    }

    /// Like [`SqliteStore::open`], with group commit: up to `writes_per_commit` (≥ 1) writes
    /// share one SQLite commit, the way a database batches the commits of many clients into one
    /// log write. Each [`SqliteStore::write`] is still all or nothing (a savepoint, rolled back
    /// when it fails) and every later read sees it; what a crash of the process can lose grows
    /// from nothing to the writes since the last commit. For a batch job whose database is a
    /// record to read afterwards (`convsms soak --db`), not for a server that acknowledges
    /// requests: the last group is committed by [`SqliteStore::flush`] or when the store is
    /// dropped. The page cache grows to 64 MiB so that a group's pages stay in memory until
    /// its commit writes each once.
    ///
    /// # Errors
    /// As [`SqliteStore::open`].
    pub fn open_grouped(
        path: impl AsRef<Path>,
        writes_per_commit: u32,
    ) -> Result<Self, StoreError> {
        let mut store = Self::open(path)?;
        store
            .lock()
            .pragma_update(None, "cache_size", -GROUP_CACHE_KIB)?;
        store.group = Some(Group {
            every: writes_per_commit.max(1),
            pending: std::sync::atomic::AtomicU32::new(0),
        });
        Ok(store)
    }

    /// Commits the writes of a group-commit store ([`SqliteStore::open_grouped`]) that are not
    /// committed yet; nothing to do for any other store.
    ///
    /// # Errors
    /// SQLite cannot commit (a full disk, for example); the writes stay in the open transaction.
    pub fn flush(&self) -> Result<(), StoreError> {
        let Some(group) = &self.group else {
            return Ok(());
        };
        let conn = self.lock();
        if !conn.is_autocommit() {
            commit_group(&conn)?;
            self.committed_to_file();
        }
        group.pending.store(0, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }

    /// Commits what is pending ([`SqliteStore::flush`]), then copies the write-ahead log into the
    /// database file and empties it (`PRAGMA wal_checkpoint(TRUNCATE)`), so that the file alone
    /// holds every committed write: for a batch run whose database is copied or read afterwards
    /// while this store is still open. Nothing to do in memory.
    ///
    /// # Errors
    /// SQLite cannot commit or checkpoint (a full disk, or another connection reading: the
    /// checkpoint then could not finish, and is reported as `SQLITE_BUSY`).
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        self.flush()?;
        // The checkpoint thread's round would make this one fail at once (`SQLITE_BUSY`).
        let _hold = self
            .checkpointer
            .as_ref()
            .map(checkpoint::Checkpointer::hold);
        let conn = self.lock();
        let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        if busy != 0 {
            return Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                Some("the WAL checkpoint could not finish: another connection is reading".into()),
            ));
        }
        Ok(())
    }

    /// A fresh private in-memory database (one per scenario).
    ///
    /// # Errors
    /// A migration fails (a bug).
    pub fn open_in_memory() -> Result<Self, StoreError> {
        log_sqlite_messages();
        let conn = Connection::open_in_memory()?;
        conn.pragma_update(None, "page_size", PAGE_SIZE_BYTES)?;
        Self::init(conn)
    }

    fn init(mut conn: Connection) -> Result<Self, StoreError> {
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Statement and savepoint journals (what a failing statement or write rolls back to)
        // live in memory, not in temporary files written on every nested change.
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        // rusqlite's cache keeps what the store's own (module `statements`) does not: SQL built
        // at run time (`Conn::prepare_built`) and the memo's `PRAGMA data_version`.
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE_CAPACITY);
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let version = usize::try_from(version)
            .map_err(|_| rusqlite::Error::IntegralValueOutOfRange(0, version))?;
        if version == 0 {
            refuse_foreign_tables(&conn)?;
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i as i64 + 1)?;
            tx.commit()?;
        }
        conn.execute_batch(awa::ROUTING_CHANGES)?;
        conn.execute_batch(&awa::out_of_step_changes())?;
        let people = memo::SharedPeople::default();
        let reported = std::sync::Arc::clone(&people);
        conn.create_scalar_function(
            memo::PEOPLE_CHANGED_FN,
            3,
            rusqlite::functions::FunctionFlags::SQLITE_UTF8,
            move |ctx| {
                let table: String = ctx.get(0)?;
                let phone: Option<String> = ctx.get(1)?;
                let sys_id: Option<String> = ctx.get(2)?;
                reported
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .changed(&table, phone.as_deref(), sys_id.as_deref());
                Ok(rusqlite::types::Null)
            },
        )?;
        conn.execute_batch(&memo::people_changes())?;
        Ok(SqliteStore {
            checkpointer: None,
            conn: Mutex::new(Conn::new(conn, memo::Memo::with_people(people))),
            committed: std::sync::atomic::AtomicU64::new(0),
            group: None,
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

    fn lock(&self) -> std::sync::MutexGuard<'_, Conn> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` in one transaction, committed only when `f` returns `Ok` (rolled back, leaving
    /// nothing, when it returns `Err` or panics). In a group-commit store it is a savepoint of
    /// the group's transaction, which commits every `writes_per_commit` writes.
    ///
    /// # Errors
    /// Whatever `f` returns, or a store error converted into `E`.
    pub fn write<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let conn = self.lock();
        if conn.is_autocommit() {
            self.rewind_wal(&conn);
        }
        if self.group.is_some() && conn.is_autocommit() {
            conn.execute_batch("BEGIN IMMEDIATE")?;
            conn.memo.begin(&conn)?;
        }
        let before = conn.total_changes();
        let out = {
            let scope = Scope::begin(&conn, true)?;
            let out = f(&Tx(&conn, &conn.memo))?;
            scope.release()?;
            out
        };
        let changed = conn.total_changes().saturating_sub(before);
        self.committed
            .fetch_add(changed, std::sync::atomic::Ordering::SeqCst);
        if let Some(group) = &self.group {
            let pending = group
                .pending
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
                + 1;
            if pending >= group.every {
                commit_group(&conn)?;
                group.pending.store(0, std::sync::atomic::Ordering::SeqCst);
            }
        }
        if conn.is_autocommit() {
            self.committed_to_file();
        }
        Ok(out)
    }

    /// Whether this connection knows the system SMS outbox (`awa_sms_outbox`) to be empty, asked
    /// without a transaction: `true` after it looked at the outbox or emptied it
    /// (`Tx::take_system_sms`) and pushed nothing since; `false` after a push, a rolled-back
    /// write, or when it never looked. What another connection pushed is not seen here until this
    /// one's next transaction begins: each engine sends the system SMS its own writes posted.
    pub fn system_sms_known_none(&self) -> bool {
        self.lock().memo.system_sms_waiting().get() == Some(false)
    }

    /// Before a write begins, when the checkpoint thread asks: copies the WAL frames committed
    /// since its last round (a few, synced in milliseconds) so that the write starts the WAL
    /// afresh. A failure is logged, not returned: the write does not depend on it, and the
    /// thread's next round tries again.
    fn rewind_wal(&self, conn: &Conn) {
        let Some(checkpointer) = &self.checkpointer else {
            return;
        };
        if !checkpointer.rewind_due() {
            return;
        }
        let copied = conn
            .prepare_cached("PRAGMA wal_checkpoint(PASSIVE)")
            .and_then(|mut st| st.query_row([], |r| r.get::<_, i64>(0)));
        match copied {
            Ok(0) => {}
            Ok(_) => tracing::warn!("the WAL could not be rewound: the checkpoint was busy"),
            Err(e) => tracing::warn!(error = %e, "the WAL could not be rewound"),
        }
        checkpointer.rewound();
    }

    /// After a commit: a file store's checkpoint thread has WAL frames to copy.
    fn committed_to_file(&self) {
        if let Some(checkpointer) = &self.checkpointer {
            checkpointer.committed();
        }
    }

    /// Runs read-only `f` in a transaction (a consistent snapshot): its own, or the open group's
    /// in a group-commit store.
    ///
    /// # Errors
    /// Whatever `f` returns.
    pub fn read<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let conn = self.lock();
        if !conn.is_autocommit() {
            // Inside a group's transaction, which is already a snapshot no one else writes.
            return f(&Tx(&conn, &conn.memo));
        }
        let _scope = Scope::begin(&conn, false)?;
        f(&Tx(&conn, &conn.memo))
    }
}

/// Commits a group's transaction; when that fails, the connection forgets what it remembered
/// (SQLite may have rolled the group back).
fn commit_group(conn: &Conn) -> Result<(), StoreError> {
    conn.execute_batch("COMMIT")
        .inspect_err(|_| conn.memo.forget())
}

/// A transaction or savepoint through the statement cache: outside a transaction a write is
/// `BEGIN IMMEDIATE` ... `COMMIT` and a read a savepoint (`BEGIN DEFERRED`, its release the end
/// of the read); inside the group's transaction, a nested savepoint. Dropped without
/// [`Scope::release`] (an error, a panic, or a read), it rolls back to where it began, and so
/// does what the connection remembers (`memo`) when it was a write.
///
/// A write takes SQLite's write lock before it reads anything because SQLite waits for a lock
/// (rusqlite's busy timeout, 5 s) only when a transaction begins: a read transaction that
/// turns into a write fails at once with `SQLITE_BUSY` ("database is locked") if the lock is
/// held at that moment. The checkpoint thread's connection holds it for an instant when it
/// reads a WAL-index header the writer is updating (and rebuilds it): twice in 1.9 million
/// writes of `checkpoint::tests::rewinds_beside_the_thread_s_rounds_leave_the_file_whole` run
/// beside a build, none in 1.2 million since.
///
/// rusqlite's `Transaction` and `Savepoint` parse their `BEGIN`/`SAVEPOINT`/`RELEASE` text on
/// every use; these statements are prepared once per connection, like every query.
struct Scope<'c> {
    conn: &'c Conn,
    /// What `memo` puts back when a write rolls back; `None` for a read.
    mark: Option<memo::IdBlock>,
    /// `BEGIN IMMEDIATE` began it (an outermost write), not a savepoint.
    transaction: bool,
    released: bool,
}

impl<'c> Scope<'c> {
    fn begin(conn: &'c Conn, write: bool) -> Result<Self, StoreError> {
        let outermost = conn.is_autocommit();
        let transaction = outermost && write;
        conn.prepare_cached(if transaction {
            "BEGIN IMMEDIATE"
        } else {
            "SAVEPOINT convsms_write"
        })?
        .execute([])?;
        let mut scope = Scope {
            conn,
            mark: None,
            transaction,
            released: false,
        };
        let mark = if outermost {
            conn.memo.begin(conn)?
        } else {
            conn.memo.mark()
        };
        scope.mark = write.then_some(mark);
        Ok(scope)
    }

    fn release(mut self) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(if self.transaction {
                "COMMIT"
            } else {
                "RELEASE convsms_write"
            })?
            .execute([])?;
        self.released = true;
        Ok(())
    }
}

impl Drop for Scope<'_> {
    fn drop(&mut self) {
        if self.released {
            return;
        }
        if let Some(mark) = self.mark {
            self.conn.memo.rollback(mark);
        }
        let undo: &[&str] = if self.transaction {
            &["ROLLBACK"]
        } else {
            &["ROLLBACK TO convsms_write", "RELEASE convsms_write"]
        };
        for &sql in undo {
            if let Err(e) = self
                .conn
                .prepare_cached(sql)
                .and_then(|mut st| st.execute([]).map(|_| ()))
            {
                tracing::error!(error = %e, sql, "ending a store transaction failed");
            }
        }
    }
}

impl Drop for SqliteStore {
    /// Commits a group-commit store's last group; a failure is logged (there is no one to
    /// return it to), and SQLite rolls the group back.
    fn drop(&mut self) {
        if let Err(e) = self.flush() {
            tracing::error!(error = %e, "committing the last group of writes failed");
        }
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
    /// When the attempt whose answer was lost started, while whether it created the message is
    /// unconfirmed (migration 20): the retry looks in the provider's list from a little before
    /// it before sending again. `None` when nothing is in doubt.
    pub unconfirmed_since: Option<DateTime<Utc>>,
}

/// An open transaction with the engine's queries (and what the connection remembers between
/// them: `memo`).
pub struct Tx<'c>(pub(crate) &'c Conn, &'c memo::Memo);

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

/// A stored phone number read back: [`E164::from_provider`] (remembered: the same few numbers
/// are read on every message, the requester's and the provider numbers; a requester's number
/// libphonenumber does not know was stored as the provider delivered it). `None` when the text
/// is not an E.164 number.
pub(crate) fn stored_e164(text: &str) -> Option<E164> {
    E164::from_provider(text).ok()
}

/// Column `idx` as a nullable E.164 number.
fn e164_col(r: &Row<'_>, idx: usize) -> rusqlite::Result<Option<E164>> {
    parsed_opt(r, idx, "an E.164 number", stored_e164)
}

/// Column `idx` as a delivery status.
fn status_col(r: &Row<'_>, idx: usize) -> rusqlite::Result<DeliveryStatus> {
    parsed(r, idx, "a delivery status", |s| s.parse().ok())
}

/// Column `idx` as JSON (the `media` columns).
fn json_col<T: serde::de::DeserializeOwned>(r: &Row<'_>, idx: usize) -> rusqlite::Result<T> {
    parsed(r, idx, "valid JSON", |s| serde_json::from_str(s).ok())
}

/// The sys_id a counter value spells: 32 lower-case hex digits, as SQLite's
/// `printf('%032x', n)` gives (`sys_cs_message`'s generated `sys_id`, migration 15).
pub(crate) fn sys_id_of(n: i64) -> SysId {
    format!("{n:032x}")
}

impl Tx<'_> {
    /// Runs a statement that returns no rows, prepared once per connection (the statement cache).
    fn exec<P: rusqlite::Params>(&self, sql: &'static str, params: P) -> Result<usize, StoreError> {
        self.0.prepare_cached(sql)?.execute(params)
    }

    /// [`Tx::exec`] for SQL built at run time (a table's name in it), kept by rusqlite's own
    /// statement cache (the whole text hashed on each use).
    fn exec_built<P: rusqlite::Params>(&self, sql: &str, params: P) -> Result<usize, StoreError> {
        self.0.prepare_built(sql)?.execute(params)
    }

    /// [`Tx::row`] for SQL built at run time, kept by rusqlite's own statement cache.
    fn row_built<T, P: rusqlite::Params>(
        &self,
        sql: &str,
        params: P,
        f: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        self.0.prepare_built(sql)?.query_row(params, f)
    }

    /// Runs a query for its first row, prepared once per connection (the statement cache).
    fn row<T, P: rusqlite::Params>(
        &self,
        sql: &'static str,
        params: P,
        f: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        self.0.prepare_cached(sql)?.query_row(params, f)
    }

    /// A table of the configuration the connection remembers (`slot` of [`memo::Config`]), read
    /// with `load` when it is not remembered (the borrow is not held while `load` queries).
    fn remembered<T: Clone>(
        &self,
        slot: fn(&mut memo::Config) -> &mut Option<T>,
        load: impl FnOnce() -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if let Some(known) = slot(&mut self.1.config().borrow_mut()).clone() {
            return Ok(known);
        }
        let value = load()?;
        *slot(&mut self.1.config().borrow_mut()) = Some(value.clone());
        Ok(value)
    }

    /// Reserves `n` numbers of the counter `prefix` (`sys_number`) and returns the first.
    fn reserve(&self, prefix: &str, n: i64) -> Result<i64, StoreError> {
        self.row(
            "UPDATE sys_number SET next_value = next_value + ?2 WHERE prefix = ?1 RETURNING next_value - ?2",
            params![prefix, n],
            |r| r.get(0),
        )
    }

    fn next(&self, prefix: &str) -> Result<i64, StoreError> {
        self.reserve(prefix, 1)
    }

    /// A new sys_id (32 hex digits, counter-based: the `sys_id` counter of `sys_number`, reserved
    /// in blocks of 1,024, see `memo`).
    pub fn new_sys_id(&self) -> Result<SysId, StoreError> {
        Ok(sys_id_of(self.new_sys_number()?))
    }

    /// The number of a new sys_id ([`Tx::new_sys_id`] spells it in 32 hex digits): what
    /// `sys_cs_message` keys its rows by (`rid`, migration 15).
    pub(crate) fn new_sys_number(&self) -> Result<i64, StoreError> {
        self.1.next_id(|block| self.reserve("sys_id", block))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::OptionalExtension as _;

    #[test]
    fn per_table_spells_each_table_as_its_name() {
        for table in [
            PartyTable::SysUser,
            PartyTable::CsmConsumer,
            PartyTable::CustomerContact,
        ] {
            assert_eq!(per_table!(table, "<", ">"), format!("<{}>", table.as_str()));
        }
    }

    /// While a file store is open its process holds the file with an exclusive POSIX lock
    /// (`/proc/locks`), and there is no `-shm` file: the WAL index is in memory.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_store_holds_its_file_exclusively_with_the_wal_index_in_memory() {
        use std::os::unix::fs::MetadataExt as _;

        let (dir, path) = fresh_file("excl", "x.sqlite");
        let s = SqliteStore::open(&path).unwrap();
        s.write(|tx| tx.set_property("x", "1")).unwrap();
        let inode = std::fs::metadata(&path).unwrap().ino();
        let pid = std::process::id().to_string();
        let held_in = |locks: &str| {
            locks.lines().any(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                // "1: POSIX  ADVISORY  WRITE 1234 fd:01:5678 ..."
                f.len() > 5
                    && f[1] == "POSIX"
                    && f[3] == "WRITE"
                    && f[4] == pid
                    && f[5].rsplit(':').next() == Some(inode.to_string().as_str())
            })
        };
        // `/proc/locks` is a seq_file over the kernel's one list of every process's locks, read
        // a page per read(2) and resumed by position: when other processes (or this binary's
        // other tests) take or drop locks between two pages, a reading skips entries, so a lock
        // held throughout can be missing from one reading (it failed so once in CI under load).
        // A lock that is not held is missing from every reading: some readings decide.
        let mut locks = String::new();
        let held = (0..20).any(|_| {
            locks = std::fs::read_to_string("/proc/locks").unwrap();
            held_in(&locks)
        });
        assert!(
            held,
            "no exclusive lock of pid {pid} on inode {inode} in 20 readings; the last:\n{locks}"
        );
        let shm = path.with_file_name("x.sqlite-shm");
        assert!(!shm.exists(), "{} exists", shm.display());
        drop(s);
        let _ = std::fs::remove_dir_all(dir);
    }

    /// A file the store creates has its page size ([`PAGE_SIZE_BYTES`]); a convsms file made
    /// with SQLite's default (4,096, as before) keeps its own and opens as it did.
    #[test]
    fn a_new_file_gets_the_stores_page_size_and_an_older_one_keeps_its_own() {
        let (dir, path) = fresh_file("store-page-size", "new.db");
        let page_size = |path: &Path| -> i64 {
            Connection::open(path)
                .unwrap()
                .query_row("PRAGMA page_size", [], |r| r.get(0))
                .unwrap()
        };
        drop(SqliteStore::open(&path).unwrap());
        assert_eq!(page_size(&path), PAGE_SIZE_BYTES);
        let old = dir.join("old.db");
        {
            let c = Connection::open(&old).unwrap();
            c.pragma_update(None, "page_size", 4_096).unwrap();
            c.pragma_update(None, "journal_mode", "WAL").unwrap();
            c.pragma_update(None, "foreign_keys", "ON").unwrap();
            for sql in MIGRATIONS {
                c.execute_batch(sql).unwrap();
            }
            c.pragma_update(None, "user_version", MIGRATIONS.len() as i64)
                .unwrap();
        }
        let store = SqliteStore::open(&old).unwrap();
        store
            .write(|tx| tx.set_property("glide.sms.test", "kept"))
            .unwrap();
        drop(store);
        assert_eq!(page_size(&old), 4_096);
        assert_eq!(
            seen_elsewhere(&old, "glide.sms.test").as_deref(),
            Some("kept")
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_database_of_something_else_is_refused_and_left_as_it_was() {
        let (dir, path) = fresh_file("store-foreign", "other.db");
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
                .unwrap();
        }
        let e = SqliteStore::open(&path).map(drop).unwrap_err().to_string();
        assert!(
            e.contains("not a convsms database: it holds tables of something else (users)"),
            "{e}"
        );
        let c = Connection::open(&path).unwrap();
        let tables: i64 = c
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .unwrap();
        assert_eq!(tables, 1, "nothing added to it");
        drop(c);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn migrates_a_file_database_once_in_wal_mode() {
        let (dir, path) = fresh_file("store", "t.sqlite");
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
        let synchronous: i64 = s
            .lock()
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .unwrap();
        assert_eq!(synchronous, 1, "synchronous = NORMAL");
        let checkpoint: u32 = s
            .lock()
            .pragma_query_value(None, "wal_autocheckpoint", |r| r.get(0))
            .unwrap();
        assert_eq!(checkpoint, WAL_AUTOCHECKPOINT_PAGES);
        assert_eq!(s.read(|tx| tx.property("x")).unwrap().as_deref(), Some("1"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A fresh folder for one test (`convsms-<test>-<pid>` in the temporary folder) and the path
    /// of a database `file` in it, not created yet.
    pub(super) fn fresh_file(test: &str, file: &str) -> (std::path::PathBuf, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("convsms-{test}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(file);
        let _ = std::fs::remove_file(&path);
        (dir, path)
    }

    /// What another connection (another process) sees of property `name` in the file `path`.
    fn seen_elsewhere(path: &Path, name: &str) -> Option<String> {
        let other = Connection::open(path).unwrap();
        other
            .query_row(
                "SELECT value FROM sys_properties WHERE name = ?1",
                [name],
                |r| r.get(0),
            )
            .optional()
            .unwrap()
    }

    #[test]
    fn group_commit_commits_every_n_writes_at_flush_and_at_drop_and_rolls_back_one_write() {
        let (dir, path) = fresh_file("group", "g.sqlite");
        {
            let s = SqliteStore::open_grouped(&path, 3).unwrap();
            s.write(|tx| tx.set_property("a", "1")).unwrap();
            let failed: Result<(), StoreError> = s.write(|tx| {
                tx.set_property("half", "written")?;
                Err(rusqlite::Error::QueryReturnedNoRows)
            });
            assert!(failed.is_err());
            s.write(|tx| tx.set_property("b", "2")).unwrap();
            assert_eq!(s.read(|tx| tx.property("b")).unwrap().as_deref(), Some("2"));
            assert_eq!(s.read(|tx| tx.property("half")).unwrap(), None);
            assert_eq!(
                seen_elsewhere(&path, "a"),
                None,
                "two writes: not committed yet"
            );
            s.write(|tx| tx.set_property("c", "3")).unwrap();
            assert_eq!(
                seen_elsewhere(&path, "a").as_deref(),
                Some("1"),
                "the third commits"
            );
            assert_eq!(seen_elsewhere(&path, "c").as_deref(), Some("3"));
            assert_eq!(
                seen_elsewhere(&path, "half"),
                None,
                "the failed write left nothing"
            );
            s.write(|tx| tx.set_property("d", "4")).unwrap();
            s.flush().unwrap();
            assert_eq!(
                seen_elsewhere(&path, "d").as_deref(),
                Some("4"),
                "flush commits"
            );
            s.flush().unwrap();
            s.write(|tx| tx.set_property("e", "5")).unwrap();
            assert_eq!(seen_elsewhere(&path, "e"), None);
        }
        assert_eq!(
            seen_elsewhere(&path, "e").as_deref(),
            Some("5"),
            "drop commits"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_write_that_panics_leaves_nothing_and_the_store_goes_on() {
        let s = SqliteStore::open_in_memory().unwrap();
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _: Result<(), StoreError> = s.write(|tx| {
                tx.set_property("half", "written")?;
                panic!("a bug mid-write");
            });
        }));
        assert!(panicked.is_err());
        assert_eq!(s.read(|tx| tx.property("half")).unwrap(), None);
        s.write(|tx| tx.set_property("after", "ok")).unwrap();
        assert_eq!(
            s.read(|tx| tx.property("after")).unwrap().as_deref(),
            Some("ok")
        );
    }

    /// What the connection remembers (configuration, reserved sys_ids) is never staler than the
    /// database: not after a write that read its own change and rolled back, not after another
    /// connection's commit, and two stores on one file never hand out the same sys_id.
    #[test]
    fn what_the_store_remembers_follows_rollbacks_and_other_connections() {
        let (dir, path) = fresh_file("memo", "m.sqlite");
        let s = SqliteStore::open(&path).unwrap();
        s.write(|tx| tx.set_property("p", "1")).unwrap();
        assert_eq!(s.read(|tx| tx.property("p")).unwrap().as_deref(), Some("1"));
        let failed: Result<(), StoreError> = s.write(|tx| {
            tx.set_property("p", "2")?;
            assert_eq!(tx.property("p")?.as_deref(), Some("2"));
            Err(rusqlite::Error::QueryReturnedNoRows)
        });
        assert!(failed.is_err());
        assert_eq!(
            s.read(|tx| tx.property("p")).unwrap().as_deref(),
            Some("1"),
            "the rolled-back value is forgotten"
        );
        Connection::open(&path)
            .unwrap()
            .execute("UPDATE sys_properties SET value = '3' WHERE name = 'p'", [])
            .unwrap();
        assert_eq!(
            s.read(|tx| tx.property("p")).unwrap().as_deref(),
            Some("3"),
            "another connection's commit is seen"
        );

        let first = s.write(|tx| tx.new_sys_id()).unwrap();
        let failed: Result<(), StoreError> = s.write(|tx| {
            tx.new_sys_id()?;
            Err(rusqlite::Error::QueryReturnedNoRows)
        });
        assert!(failed.is_err());
        let second = s.write(|tx| tx.new_sys_id()).unwrap();
        assert_eq!(
            u128::from_str_radix(&second, 16).unwrap(),
            u128::from_str_radix(&first, 16).unwrap() + 1,
            "a rolled-back write's id is handed out again, as one at a time"
        );
        let other = SqliteStore::open(&path).unwrap();
        let mut seen = std::collections::BTreeSet::from([first, second]);
        for _ in 0..3 * memo::SYS_ID_BLOCK {
            for store in [&s, &other] {
                let id = store.write(|tx| tx.new_sys_id()).unwrap();
                assert!(seen.insert(id.clone()), "{id} handed out twice");
            }
        }
        drop(s);
        drop(other);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// After `checkpoint`, the database file alone holds every write: the WAL is empty, and a
    /// copy of the file without it reads them all.
    #[test]
    fn a_checkpoint_leaves_every_write_in_the_database_file() {
        let (dir, path) = fresh_file("ckpt", "c.sqlite");
        let s = SqliteStore::open_grouped(&path, 1_000).unwrap();
        for i in 0..100 {
            s.write(|tx| tx.set_property(&format!("p{i}"), "x"))
                .unwrap();
        }
        s.checkpoint().unwrap();
        let wal = std::fs::metadata(dir.join("c.sqlite-wal")).map_or(0, |m| m.len());
        assert_eq!(wal, 0, "the WAL is emptied");
        let copy = dir.join("copy.sqlite");
        std::fs::copy(&path, &copy).unwrap();
        assert_eq!(seen_elsewhere(&copy, "p99").as_deref(), Some("x"));
        drop(s);
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

    /// `insert_interaction` answers the row it wrote without reading it back: what it answers
    /// must be what reading it gives, for each handler (the virtual agent's sys_id as an agent
    /// too) and a time finer than the stored millisecond.
    #[test]
    fn an_inserted_interaction_is_what_reading_it_back_gives() {
        let s = SqliteStore::open_in_memory().unwrap();
        let now = DateTime::parse_from_rfc3339("2026-01-05T09:00:00.123456789Z")
            .unwrap()
            .with_timezone(&Utc);
        let provider = E164::parse("+14155550100", None).unwrap();
        let handlers = [
            (Handler::Queue, None),
            (Handler::VirtualAgent, Some("greeting")),
            (Handler::Agent(GUEST_SYS_ID.to_owned()), None),
            (
                Handler::Agent(VIRTUAL_AGENT_SYS_ID.to_owned()),
                Some("greeting"),
            ),
        ];
        let r: Result<(), StoreError> = s.write(|tx| {
            let guest = tx.party(PartyTable::SysUser, GUEST_SYS_ID)?.unwrap();
            for (k, (handler, node)) in handlers.iter().enumerate() {
                let requester = E164::parse(&format!("+1415555267{k}"), None).unwrap();
                let inserted = tx.insert_interaction(
                    InteractionType::Messaging,
                    handler,
                    &guest,
                    None,
                    Some(&requester),
                    Some(&provider),
                    *node,
                    now,
                )?;
                let read = tx.interaction(&inserted.number)?.unwrap();
                assert_eq!(inserted, read, "{handler:?}");
            }
            Ok(())
        });
        r.unwrap();
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

    /// Text column `column` of every row `sql` returns, with every parameter NULL (for a query
    /// of the schema, an `EXPLAIN` or an `EXPLAIN QUERY PLAN`).
    fn texts(conn: &Connection, sql: &str, column: usize) -> Vec<String> {
        let mut st = conn.prepare(sql).unwrap();
        let nulls = vec![rusqlite::types::Null; st.parameter_count()];
        let rows = st
            .query_map(rusqlite::params_from_iter(nulls), |r| {
                r.get::<_, String>(column)
            })
            .unwrap();
        rows.map(Result::unwrap).collect()
    }

    /// No INSERT, UPDATE or DELETE tests a partial index's condition through a temporary b-tree
    /// (an `IN` list of more than two constants builds one on every execution: migration 12).
    #[test]
    fn no_partial_index_condition_builds_a_temporary_b_tree() {
        let s = SqliteStore::open_in_memory().unwrap();
        let conn = s.lock();
        let tables = texts(
            &conn,
            "SELECT DISTINCT tbl_name FROM sqlite_master
             WHERE type = 'index' AND sql LIKE '% WHERE %' ORDER BY tbl_name",
            0,
        );
        assert!(tables.contains(&"sys_cs_message".to_owned()), "{tables:?}");
        for table in tables {
            let cols = texts(
                &conn,
                &format!("SELECT name FROM pragma_table_info('{table}')"),
                0,
            );
            let set: Vec<String> = cols.iter().map(|c| format!("\"{c}\" = ?1")).collect();
            let values = vec!["?1"; cols.len()].join(", ");
            for sql in [
                format!("INSERT INTO {table} VALUES ({values})"),
                format!("UPDATE {table} SET {} WHERE rowid = ?2", set.join(", ")),
                format!("DELETE FROM {table} WHERE rowid = ?1"),
            ] {
                let ops = texts(&conn, &format!("EXPLAIN {sql}"), 1);
                assert!(
                    !ops.iter().any(|op| op == "OpenEphemeral"),
                    "{sql} builds a temporary b-tree"
                );
            }
        }
    }

    /// The statements the connection keeps prepared whose counter `op` (an
    /// `SQLITE_STMTSTATUS_*` of SQLite) is above zero, by text (whitespace runs as one space).
    fn statements_counted(conn: &Connection, op: std::ffi::c_int) -> Vec<String> {
        // SAFETY: as in `statements_where`: the statement is the connection's, alive.
        statements_where(conn, |st| unsafe {
            rusqlite::ffi::sqlite3_stmt_status(st, op, 0) > 0
        })
    }

    /// An in-memory database with foreign keys on, migrated up to `version` (its
    /// `user_version`): for a test of the migration after it.
    fn migrated_to(version: usize) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        for sql in &MIGRATIONS[..version] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", i64::try_from(version).unwrap())
            .unwrap();
        conn
    }

    /// The text of every statement the connection has prepared (its statement cache's).
    fn cached_statements(conn: &Connection) -> Vec<String> {
        statements_where(conn, |_| true)
    }

    /// The text, on one line, of the connection's prepared statements that `keep`.
    fn statements_where(
        conn: &Connection,
        mut keep: impl FnMut(*mut rusqlite::ffi::sqlite3_stmt) -> bool,
    ) -> Vec<String> {
        let mut counted = vec![];
        // SAFETY: the handle is this connection's, used while its lock is held; the three calls
        // only read the connection's list of statements, a counter and a statement's text.
        unsafe {
            let db = conn.handle();
            let mut st = rusqlite::ffi::sqlite3_next_stmt(db, std::ptr::null_mut());
            while !st.is_null() {
                if keep(st) {
                    let sql = std::ffi::CStr::from_ptr(rusqlite::ffi::sqlite3_sql(st));
                    counted.push(
                        sql.to_string_lossy()
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" "),
                    );
                }
                st = rusqlite::ffi::sqlite3_next_stmt(db, st);
            }
        }
        counted
    }

    /// The counter `op` (an `SQLITE_STMTSTATUS_*`) of each statement the connection keeps
    /// prepared whose text contains `part`.
    pub(super) fn counters_of(conn: &Connection, part: &str, op: std::ffi::c_int) -> Vec<i32> {
        let mut counters = vec![];
        // SAFETY: as in `statements_where`: the statements are the connection's, alive.
        statements_where(conn, |st| unsafe {
            let sql = std::ffi::CStr::from_ptr(rusqlite::ffi::sqlite3_sql(st));
            if sql.to_string_lossy().contains(part) {
                counters.push(rusqlite::ffi::sqlite3_stmt_status(st, op, 0));
            }
            false
        });
        counters
    }

    /// The statements that have sorted rows since they were prepared (`SQLITE_STMTSTATUS_SORT`:
    /// a sorter built on an execution).
    pub(super) fn statements_that_sorted(conn: &Connection) -> Vec<String> {
        statements_counted(conn, rusqlite::ffi::SQLITE_STMTSTATUS_SORT)
    }

    /// The statements that mention `table` and have stepped through a table in a full scan since
    /// they were prepared (`SQLITE_STMTSTATUS_FULLSCAN_STEP`).
    pub(super) fn statements_that_scanned(conn: &Connection, table: &str) -> Vec<String> {
        statements_counted(conn, rusqlite::ffi::SQLITE_STMTSTATUS_FULLSCAN_STEP)
            .into_iter()
            .filter(|sql| sql.contains(table))
            .collect()
    }

    /// The look-ups made on every message or routing pass read their rows in the order they
    /// return them, from an index (migration 13): none builds a sorter, however few its rows.
    #[test]
    fn the_look_ups_of_every_message_and_routing_pass_do_not_sort() {
        let s = SqliteStore::open_in_memory().unwrap();
        let phone = E164::parse("+14155552671", None).unwrap();
        let now = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 1, 5, 9, 0, 0).unwrap();
        s.write(|tx| {
            for (table, name) in [
                (PartyTable::SysUser, "Ada"),
                (PartyTable::SysUser, "Ann"),
                (PartyTable::CsmConsumer, "Bea"),
                (PartyTable::CsmConsumer, "Bob"),
                (PartyTable::CustomerContact, "Cy"),
            ] {
                tx.insert_party(table, name, None, Some(&phone), None)?;
            }
            Ok::<_, StoreError>(())
        })
        .unwrap();
        s.read(|tx| {
            assert!(
                tx.user_by_phone(&phone)?.is_none(),
                "two sys_users share it: nobody's"
            );
            assert_eq!(tx.customers_by_phone(&phone)?.len(), 3);
            tx.pending_timers("00000000000000000000000000000001")?;
            tx.due_timers(now)?;
            tx.awa_active_items()?;
            tx.awa_waiting_items()?;
            tx.awa_items_out_of_step()?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
        let sorted = statements_that_sorted(&s.lock());
        assert!(sorted.is_empty(), "these sorted: {sorted:#?}");
    }

    /// The store's statements (`Conn::prepare_cached`, keyed by where their text lives) are
    /// prepared once and used again with their bindings cleared; one used while the same is open
    /// gets a statement of its own, and the spare is finalized when both are back; emptying the
    /// kept statements (what dropping the connection does first) leaves none prepared, so the
    /// connection can close.
    #[test]
    fn the_store_s_statements_are_prepared_once_and_a_nested_use_gets_its_own() {
        const SQL: &str = "SELECT :v";
        let prepared = |conn: &Connection| {
            cached_statements(conn)
                .iter()
                .filter(|s| s.as_str() == SQL)
                .count()
        };
        let store = SqliteStore::open_in_memory().unwrap();
        {
            let conn = store.lock();
            // `raw_query`: the bindings as they are (`query_row` binds every parameter).
            let value = |st: &mut statements::CachedStatement<'_>| {
                let mut rows = st.raw_query();
                rows.next()
                    .unwrap()
                    .unwrap()
                    .get::<_, Option<i64>>(0)
                    .unwrap()
            };
            let mut st = conn.prepare_cached(SQL).unwrap();
            st.raw_bind_parameter(":v", 5).unwrap();
            assert_eq!(value(&mut st), Some(5));
            drop(st);
            let mut again = conn.prepare_cached(SQL).unwrap();
            assert_eq!(value(&mut again), None, "the last use's binding is cleared");
            assert_eq!(prepared(&conn), 1);
            let mut nested = conn.prepare_cached(SQL).unwrap();
            nested.raw_bind_parameter(":v", 7).unwrap();
            assert_eq!(prepared(&conn), 2);
            assert_eq!(value(&mut nested), Some(7));
            drop(nested);
            drop(again);
            assert_eq!(prepared(&conn), 1, "the spare statement is finalized");
            conn.sql.finalize_kept();
            conn.flush_prepared_statement_cache();
            let left = cached_statements(&conn);
            assert!(left.is_empty(), "still prepared: {left:#?}");
        }
    }

    /// The look-ups made on every message keep their prepared statement from one execution to
    /// the next: a bound value SQLite reads when it plans (a bound `LIMIT`, from 3.47 on) makes
    /// it prepare the statement again on every execution (`SQLITE_STMTSTATUS_REPREPARE`).

    #[test]
    fn the_look_ups_of_every_message_are_not_prepared_again() {
        let s = SqliteStore::open_in_memory().unwrap();
        let phones =
            ["+14155552671", "+14155552672", "+14155552673"].map(|p| E164::parse(p, None).unwrap());
        s.write(|tx| {
            for (k, phone) in phones.iter().enumerate() {
                tx.insert_party(
                    PartyTable::SysUser,
                    &format!("U{k}"),
                    None,
                    Some(phone),
                    None,
                )?;
                tx.insert_party(
                    PartyTable::CsmConsumer,
                    &format!("C{k}"),
                    None,
                    Some(phone),
                    None,
                )?;
            }
            Ok::<_, StoreError>(())
        })
        .unwrap();
        s.read(|tx| {
            for phone in &phones {
                assert!(tx.user_by_phone(phone)?.is_some());
                assert_eq!(tx.users_by_phone(phone)?.len(), 1);
                assert_eq!(tx.customers_by_phone(phone)?.len(), 1);
            }
            Ok::<_, StoreError>(())
        })
        .unwrap();
        let conn = s.lock();
        assert!(
            cached_statements(&conn)
                .iter()
                .any(|sql| sql.contains("FROM sys_user WHERE mobile_phone")),
            "the look-ups ran through the cache"
        );
        let again = statements_counted(&conn, rusqlite::ffi::SQLITE_STMTSTATUS_REPREPARE);
        assert!(again.is_empty(), "prepared again: {again:#?}");
    }

    /// `convsms serve` polls its wire events with a limit that SQLite does not see (a bound
    /// `LIMIT` makes it prepare the statement again on each call): the limit still holds.
    #[test]
    fn the_serve_s_wire_events_are_read_without_preparing_again() {
        let s = SqliteStore::open_in_memory().unwrap();
        let at = chrono::DateTime::parse_from_rfc3339("2026-01-05T09:00:00Z")
            .unwrap()
            .to_utc();
        s.write(|tx| {
            for sid in ["SM1", "SM2", "SM3"] {
                tx.event_append(at, "webhook_in", Some(sid), "x", None)?;
            }
            Ok::<_, StoreError>(())
        })
        .unwrap();
        s.read(|tx| {
            for _ in 0..3 {
                let seqs = |events: Vec<WireEvent>| -> Vec<i64> {
                    events.into_iter().map(|e| e.seq).collect()
                };
                assert_eq!(seqs(tx.events_after(0, 2)?), [1, 2]);
                assert_eq!(seqs(tx.events_after(1, 5)?), [2, 3]);
                assert_eq!(seqs(tx.events_latest(2)?), [2, 3]);
            }
            Ok::<_, StoreError>(())
        })
        .unwrap();
        let again = statements_counted(&s.lock(), rusqlite::ffi::SQLITE_STMTSTATUS_REPREPARE);
        assert!(again.is_empty(), "prepared again: {again:#?}");
    }

    /// The query that selects by a partial index's condition spells it as the index does, so
    /// SQLite uses the index instead of reading the whole table.
    #[test]
    fn the_stale_query_uses_its_partial_index() {
        let s = SqliteStore::open_in_memory().unwrap();
        let conn = s.lock();
        let sql = format!(
            "SELECT provider_sid FROM sys_cs_message WHERE {} AND sys_updated_on <= ?1",
            transcript::STALE
        );
        let plan = texts(&conn, &format!("EXPLAIN QUERY PLAN {sql}"), 3).join("; ");
        assert!(plan.contains("INDEX sys_cs_message_stale"), "{sql}: {plan}");
    }

    /// Migration 15 keys `sys_cs_message` by the number its sys_id spells: rows written before
    /// it keep their sys_id, every column and their indexes, and are found by sys_id afterwards.
    #[test]
    fn migration_15_keys_messages_by_their_sys_id_s_number_and_keeps_every_row() {
        let conn = migrated_to(14);
        conn.execute_batch(
            "INSERT INTO interaction (sys_id, number, type, state, active, opened_for_table,
                 opened_for, opened_at)
             VALUES ('00000000000000000000000000000abc', 'IMS0001001', 'messaging', 'new', 1,
                 'sys_user', '00000000000000000000000000000001', '2026-12-02T00:00:00Z');
             INSERT INTO sys_cs_message (sys_id, interaction, seq, direction, author_kind, body,
                 media, provider_sid, status, sys_created_on, sys_updated_on, attempts,
                 next_attempt_at)
             VALUES
                 ('00000000000000000000000000000abd', '00000000000000000000000000000abc', 1,
                  'inbound', 'requester', 'hello', '[]', 'SM01', 'received',
                  '2026-12-02T00:00:00Z', '2026-12-02T00:00:00Z', 0, NULL),
                 ('00000000000000000000000000fedcba', '00000000000000000000000000000abc', 2,
                  'outbound', 'system', 'hi', '[]', NULL, 'retrying',
                  '2026-12-02T00:00:01Z', '2026-12-02T00:00:01Z', 2, '2026-12-02T00:01:00Z');",
        )
        .unwrap();
        let s = SqliteStore::init(conn).unwrap();
        let conn = s.lock();
        let rows = texts(
            &conn,
            "SELECT rid || ' ' || sys_id || ' ' || seq || ' ' || body || ' ' || status || ' '
                 || COALESCE(provider_sid, '-') || ' ' || attempts || ' '
                 || COALESCE(next_attempt_at, '-')
             FROM sys_cs_message ORDER BY rid",
            0,
        );
        assert_eq!(
            rows,
            [
                "2749 00000000000000000000000000000abd 1 hello received SM01 0 -",
                "16702650 00000000000000000000000000fedcba 2 hi retrying - 2 2026-12-02T00:01:00Z"
            ]
        );
        let indexes = texts(
            &conn,
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sys_cs_message'
             ORDER BY name",
            0,
        );
        assert_eq!(
            indexes,
            [
                "sqlite_autoindex_sys_cs_message_1",
                "sqlite_autoindex_sys_cs_message_2",
                "sys_cs_message_retry",
                "sys_cs_message_stale",
                "sys_cs_message_unconfirmed"
            ],
            "the provider_sid and (interaction, seq) indexes and the three partial ones (the \
             last, migration 21's); none on sys_id"
        );
        let tx = Tx(&conn, &conn.memo);
        tx.schedule_retry(
            "00000000000000000000000000fedcba",
            (Some(20429), "Too many requests"),
            "2026-12-02T00:05:00Z".parse().unwrap(),
            None,
            "2026-12-02T00:02:00Z".parse().unwrap(),
        )
        .unwrap();
        let retries = tx
            .due_retries("2026-12-02T00:05:00Z".parse().unwrap())
            .unwrap();
        assert_eq!(retries.len(), 1);
        assert_eq!(retries[0].message, "00000000000000000000000000fedcba");
        assert_eq!(retries[0].attempts, 3);
        let err = tx
            .record_send(
                "not hex",
                None,
                crate::domain::delivery::DeliveryStatus::Failed,
                None,
                chrono::Utc::now(),
            )
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("'not hex' is not a message's sys_id"),
            "{err}"
        );
    }

    /// Migration 16: interactions written before it learn when they went quiet (their last
    /// message's time), each message written after it keeps that, and the clock's two queries
    /// over it (the earliest idle close, the interactions now idle) and the next offer to lapse
    /// read one entry of an index each, not every active interaction or work item.
    #[test]
    fn migration_16_keeps_when_each_interaction_went_quiet_and_the_clock_seeks_it() {
        use crate::domain::delivery::{DeliveryStatus, Direction};
        use crate::domain::model::{AuthorKind, VIRTUAL_AGENT_SYS_ID};
        let conn = migrated_to(15);
        conn.execute_batch(&format!(
            "INSERT INTO interaction (sys_id, number, type, state, active, assigned_to,
                 opened_for_table, opened_for, opened_at)
             VALUES ('00000000000000000000000000000a01', 'IMS0001001', 'messaging', 'new', 1,
                 '{VIRTUAL_AGENT_SYS_ID}', 'sys_user', '00000000000000000000000000000001',
                 '2026-12-02T00:00:00.000Z'),
                    ('00000000000000000000000000000a02', 'IMS0001002', 'messaging', 'new', 1,
                 '{VIRTUAL_AGENT_SYS_ID}', 'sys_user', '00000000000000000000000000000001',
                 '2026-12-02T00:01:00.000Z');
             INSERT INTO sys_cs_message (rid, interaction, seq, direction, author_kind, body,
                 media, status, sys_created_on, sys_updated_on)
             VALUES (1, '00000000000000000000000000000a01', 1, 'inbound', 'requester', 'hi',
                     '[]', 'received', '2026-12-02T00:00:00.000Z', '2026-12-02T00:00:00.000Z'),
                    (2, '00000000000000000000000000000a01', 2, 'outbound', 'virtual_agent',
                     'hello', '[]', 'delivered', '2026-12-02T00:05:00.000Z',
                     '2026-12-02T00:05:00.000Z');"
        ))
        .unwrap();
        let s = SqliteStore::init(conn).unwrap();
        let at = |t: &str| -> DateTime<Utc> { t.parse().unwrap() };
        let quiet = |s: &SqliteStore| {
            texts(
                &s.lock(),
                "SELECT number || ' ' || COALESCE(last_message_at, '-') FROM interaction
                 ORDER BY number",
                0,
            )
        };
        assert_eq!(
            quiet(&s),
            ["IMS0001001 2026-12-02T00:05:00.000Z", "IMS0001002 -"]
        );
        let idle = 3_600;
        let due = |s: &SqliteStore| {
            s.read(|tx| tx.next_tick_due(at("2026-12-02T00:30:00Z"), Some(idle), 300))
                .unwrap()
                .idle_close
        };
        // The one without a message went quiet when it opened, at 00:01.
        assert_eq!(due(&s), Some(at("2026-12-02T01:01:00Z")));
        s.write(|tx| {
            tx.insert_message(
                "00000000000000000000000000000a02",
                Direction::Inbound,
                AuthorKind::Requester,
                None,
                "still there?",
                &[],
                None,
                DeliveryStatus::Received,
                at("2026-12-02T00:20:00Z"),
            )
        })
        .unwrap();
        assert_eq!(
            quiet(&s),
            [
                "IMS0001001 2026-12-02T00:05:00.000Z",
                "IMS0001002 2026-12-02T00:20:00.000Z"
            ]
        );
        assert_eq!(due(&s), Some(at("2026-12-02T01:05:00Z")));
        let idle_at = |t: &str| s.read(|tx| tx.idle_va_interactions(at(t))).unwrap();
        assert!(idle_at("2026-12-02T00:04:59Z").is_empty());
        assert_eq!(
            idle_at("2026-12-02T00:05:00Z"),
            ["00000000000000000000000000000a01"]
        );
        assert_eq!(idle_at("2026-12-02T00:20:00Z").len(), 2);
        let conn = s.lock();
        for (needle, index) in [
            ("MIN(COALESCE(last_message_at", "interaction_quiet_since"),
            ("MIN(offer_expires_at)", "awa_work_item_offered"),
            (
                "COALESCE(last_message_at, opened_at) <=",
                "interaction_quiet_since",
            ),
        ] {
            let sql = cached_statements(&conn)
                .into_iter()
                .find(|sql| sql.contains(needle))
                .unwrap_or_else(|| panic!("no statement has {needle}"));
            let plan = texts(&conn, &format!("EXPLAIN QUERY PLAN {sql}"), 3).join("; ");
            assert!(
                plan.contains(&format!("INDEX {index} (")),
                "{needle}: {plan}"
            );
            assert!(!plan.contains("CORRELATED"), "{needle}: {plan}");
        }
    }

    /// `sys_cs_message` has no index on the text of its sys_ids (migration 15): every statement
    /// of a message's life finds it by `rid`, provider SID or interaction, none by reading the
    /// whole table, however many messages there are.
    #[test]
    fn a_message_s_statements_find_it_without_reading_the_table() {
        use crate::domain::delivery::{DeliveryStatus, Direction};
        let s = SqliteStore::open_in_memory().unwrap();
        let t0 = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 1, 5, 9, 0, 0).unwrap();
        let p = E164::parse("+14155552671", None).unwrap();
        let q = E164::parse("+14155550100", None).unwrap();
        let sid = twilio_wire::sid::MessageSid::sms(7);
        let (interaction, message) = s
            .write(|tx| {
                let guest = tx.party(PartyTable::SysUser, GUEST_SYS_ID)?.unwrap();
                let i = tx.insert_interaction(
                    InteractionType::Messaging,
                    &Handler::Queue,
                    &guest,
                    None,
                    Some(&p),
                    Some(&q),
                    None,
                    t0,
                )?;
                let mut last = String::new();
                for k in 0..50 {
                    last = tx.insert_message(
                        &i.sys_id,
                        Direction::Outbound,
                        AuthorKind::System,
                        None,
                        &format!("message {k}"),
                        &[],
                        None,
                        DeliveryStatus::Pending,
                        t0,
                    )?;
                }
                Ok::<_, StoreError>((i.sys_id, last))
            })
            .unwrap();
        let later = t0 + chrono::TimeDelta::minutes(5);
        s.write(|tx| {
            assert!(!tx.has_provider_sid(&sid)?);
            tx.schedule_retry(
                &message,
                (Some(20429), "Too many requests"),
                t0,
                Some(t0),
                t0,
            )?;
            assert_eq!(tx.due_retries(t0)?.len(), 1);
            assert!(tx.still_retrying(&message, 1, t0)?);
            assert!(!tx.still_retrying(&message, 1, t0 - chrono::TimeDelta::seconds(1))?);
            tx.postpone_retry(&message, (None, "the list cannot say"), t0, t0)?;
            assert_eq!(tx.audit_awaiting_look()?.len(), 1);
            tx.record_send(&message, Some(&sid), DeliveryStatus::Queued, None, t0)?;
            assert!(tx.audit_awaiting_look()?.is_empty());
            // No longer retrying: these change nothing, and find it by rid.
            tx.record_found(&message, &sid, DeliveryStatus::Sent, None, t0)?;
            tx.give_up(&message, (None, "unsent"), t0)?;
            assert!(tx.has_provider_sid(&sid)?);
            tx.touch_message(&sid, t0)?;
            assert_eq!(tx.stale_in_flight(later)?, std::slice::from_ref(&sid));
            let (found, _) = tx.message_by_sid(&sid)?.unwrap();
            assert_eq!(found, message);
            tx.set_message_status(&message, DeliveryStatus::Delivered, None, later)?;
            let transcript = tx.transcript(&interaction)?;
            assert_eq!(transcript.len(), 50);
            assert_eq!(transcript[49].status, DeliveryStatus::Delivered);
            Ok::<_, StoreError>(())
        })
        .unwrap();
        let scanned = statements_that_scanned(&s.lock(), "sys_cs_message");
        assert!(
            scanned.is_empty(),
            "these read the whole table: {scanned:#?}"
        );
    }
}
