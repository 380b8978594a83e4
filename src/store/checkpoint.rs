//! Checkpoints off the writer's thread: a file store's WAL is copied into the database file by a
//! thread of its own, on a connection of its own, so that a write does not wait for the two
//! fsyncs a checkpoint takes (SQLite's advice for busy writers: "run checkpoints in a separate
//! thread", `wal_autocheckpoint` documentation).
//!
//! After each commit the writer wakes the thread ([`Checkpointer::committed`]: an uncontended
//! mutex, and a futex wake only when the thread sleeps); the thread runs
//! `PRAGMA wal_checkpoint(PASSIVE)`, which syncs the WAL, copies the committed frames and syncs
//! the database file without blocking the writer, and sleeps again once no commit came in while
//! it worked. Commits that arrive during a round wait for the next one, so rounds grow with the
//! write rate instead of running once per commit.
//!
//! A checkpoint never rewinds the WAL itself: SQLite starts the log again from its beginning
//! only when a write begins after every frame was copied, which a checkpoint running beside a
//! busy writer rarely sees (the writer's own automatic checkpoint would not help either: it
//! finds the lock taken by this thread's round and gives up at once; the WAL grew to 40 MiB in a
//! benchmark that way). So once a round leaves at least [`REWIND_PAGES`] frames in the WAL, the
//! thread stops and hands over ([`Checkpointer::rewind_due`]): the writer, before its next
//! write begins, copies the few frames committed since that round on its own connection, and
//! that write rewinds the log; the thread then goes on ([`Checkpointer::rewound`]). The WAL
//! file stays within [`REWIND_PAGES`] pages plus what was committed during the thread's last
//! round (up to 36 MiB in all in `convsms bench engine` on a disk that syncs about 500 MiB/s).
//!
//! A failed round is logged (`tracing::warn`) and the next commit tries again; nothing is lost
//! by it, since a checkpoint only copies what the WAL already holds.

use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;

use rusqlite::{Connection, OpenFlags};

use super::StoreError;

/// WAL frames (pages) after which the writer is asked to rewind the log: 32 MiB at the 2 KiB
/// pages of a file the store creates (`PAGE_SIZE_BYTES`), 64 MiB at the 4 KiB of an older one.
///
/// Each rewind costs the writer three fsyncs (the frames since the thread's round, the database
/// file, then the new WAL header: about 6 ms here, in the request's thread); at 4,000 pages they
/// were 12% of `convsms bench engine`'s wall time, 60 rewinds per 20,000 messages. At 16,000
/// they are a quarter as many (paired medians 1.07–1.21x, with 4 KiB pages), for a WAL file of
/// up to 32 MiB (64 MiB) under a sustained load (a store with time between its writes rewinds
/// whenever a round catches up, and stays small).
pub(super) const REWIND_PAGES: i64 = 16_000;

/// The checkpointing thread of one file store and its connection; both end when it is dropped
/// (whichever of the store's two connections closes last copies what is left of the WAL into
/// the file and removes it).
pub(super) struct Checkpointer {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

struct Shared {
    signal: Mutex<Signal>,
    /// [`REWIND_PAGES`], or less in tests.
    rewind_pages: std::sync::atomic::AtomicI64,
    /// Wakes the thread (new commits, or stop) and whoever waits for it to catch up.
    wake: Condvar,
}

#[derive(Default)]
struct Signal {
    /// Commits signalled by the writer.
    commits: u64,
    /// Commits the thread had seen when its last round began.
    seen: u64,
    /// Rounds run (each one `wal_checkpoint(PASSIVE)`), failed ones included.
    rounds: u64,
    /// The thread waits on `wake`: no round is running.
    idle: bool,
    /// `wake` was notified since the thread last began to wait (no need to again).
    woken: bool,
    /// A [`Hold`] is taken: no round begins.
    held: bool,
    /// The last round left at least [`REWIND_PAGES`] frames: no round begins until the writer
    /// has copied the rest and rewound ([`Checkpointer::rewound`]).
    rewind: bool,
    /// The round in progress, if any, is the last.
    stop: bool,
}

/// While it lives, the checkpoint thread runs no round ([`Checkpointer::hold`]).
pub(super) struct Hold<'a>(&'a Shared);

impl Checkpointer {
    /// Opens a second connection to the database file at `path` (already created, migrated and
    /// in WAL mode by the store's own connection) and starts the thread.
    ///
    /// # Errors
    /// The file cannot be opened again, or the OS refuses a thread (as a `SQLITE_CANTOPEN`
    /// failure naming the cause).
    pub(super) fn start(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open_with_flags_and_vfs(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            super::EXCLUSIVE_VFS,
        )?;
        // A checkpoint syncs the WAL before copying it and the database file after; `NORMAL`
        // and `FULL` both do, `NORMAL` is the store's setting.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        let shared = Arc::new(Shared {
            signal: Mutex::default(),
            rewind_pages: REWIND_PAGES.into(),
            wake: Condvar::new(),
        });
        let thread = std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn({
                let shared = Arc::clone(&shared);
                move || run(&conn, &shared)
            })
            .map_err(|e| {
                rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
                    Some(format!("cannot start the checkpoint thread: {e}")),
                )
            })?;
        Ok(Checkpointer {
            shared,
            thread: Some(thread),
        })
    }

    /// Tells the thread that the writer committed: wakes it if it sleeps.
    pub(super) fn committed(&self) {
        let mut signal = self.shared.lock();
        signal.commits += 1;
        if signal.idle && !signal.woken {
            signal.woken = true;
            drop(signal);
            self.shared.wake.notify_all();
        }
    }

    /// Whether the writer should copy the last frames itself before its next write begins, so
    /// that the write rewinds the WAL (see the module docs). The thread runs no round until
    /// [`Checkpointer::rewound`].
    pub(super) fn rewind_due(&self) -> bool {
        self.shared.lock().rewind
    }

    /// The writer has copied what was left (or tried, and failed): the thread goes on.
    pub(super) fn rewound(&self) {
        self.shared.lock().rewind = false;
        self.shared.wake.notify_all();
    }

    /// Waits for the round in progress, if any, to end, and keeps the thread from beginning
    /// another until the [`Hold`] is dropped: for a checkpoint that must not meet this one
    /// (SQLite answers `SQLITE_BUSY` at once, without waiting, to a second checkpointer).
    pub(super) fn hold(&self) -> Hold<'_> {
        let mut signal = self.shared.lock();
        signal.held = true;
        while !signal.idle {
            signal = self
                .shared
                .wake
                .wait(signal)
                .unwrap_or_else(PoisonError::into_inner);
        }
        Hold(&self.shared)
    }

    /// Asks for a rewind at `pages` WAL frames instead of [`REWIND_PAGES`]: for tests, which
    /// then write a few MiB rather than 64.
    #[cfg(test)]
    pub(super) fn set_rewind_pages(&self, pages: i64) {
        self.shared
            .rewind_pages
            .store(pages, std::sync::atomic::Ordering::Relaxed);
    }

    /// Waits until the thread has run a round that began after every commit signalled so far,
    /// and returns how many rounds it has run. For tests: a store never waits for it.
    ///
    /// # Panics
    /// The thread has not caught up within a minute (a lost wake-up, not a slow disk).
    #[cfg(test)]
    pub(super) fn caught_up(&self) -> u64 {
        let signal = self.shared.lock();
        let (signal, waited) = self
            .shared
            .wake
            .wait_timeout_while(signal, std::time::Duration::from_secs(60), |s| {
                !(s.idle && s.seen == s.commits)
            })
            .unwrap_or_else(PoisonError::into_inner);
        assert!(!waited.timed_out(), "the checkpoint thread never caught up");
        signal.rounds
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Signal> {
        self.signal.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Hold<'_> {
    fn drop(&mut self) {
        self.0.lock().held = false;
        self.0.wake.notify_all();
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.shared.lock().stop = true;
        self.shared.wake.notify_all();
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::error!("the checkpoint thread panicked");
            }
        }
    }
}

/// The thread: a round per wake-up with new commits, until stopped.
fn run(conn: &Connection, shared: &Shared) {
    loop {
        {
            let mut signal = shared.lock();
            while (signal.seen == signal.commits || signal.held || signal.rewind) && !signal.stop {
                signal.idle = true;
                signal.woken = false;
                // Whoever waits for the thread to be idle (`hold`, `caught_up`) learns it.
                shared.wake.notify_all();
                signal = shared
                    .wake
                    .wait(signal)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            if signal.stop {
                return;
            }
            signal.idle = false;
            signal.seen = signal.commits;
        }
        let result = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
            Ok((r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
        });
        let rewind = match result {
            Ok((log, copied)) => {
                tracing::trace!(log, copied, "checkpoint round");
                log >= shared
                    .rewind_pages
                    .load(std::sync::atomic::Ordering::Relaxed)
            }
            Err(e) => {
                tracing::warn!(error = %e, "a background WAL checkpoint failed");
                false
            }
        };
        let mut signal = shared.lock();
        signal.rounds += 1;
        signal.rewind = rewind;
    }
}

#[cfg(test)]
mod tests {
    use crate::store::tests::fresh_file;
    use crate::store::SqliteStore;

    #[test]
    fn the_thread_copies_the_wal_while_the_writer_goes_on() {
        let (dir, path) = fresh_file("checkpoint", "t.sqlite");
        let store = SqliteStore::open(&path).unwrap();
        let data_version = |store: &SqliteStore| -> i64 {
            store
                .lock()
                .pragma_query_value(None, "data_version", |r| r.get(0))
                .unwrap()
        };
        let before = data_version(&store);
        for i in 0..200 {
            store
                .write(|tx| tx.set_property(&format!("test.checkpoint.{i}"), "x"))
                .unwrap();
        }
        let rounds = store.checkpointer.as_ref().unwrap().caught_up();
        assert!(rounds >= 1, "no checkpoint round ran");
        // Every committed frame is in the database file: a checkpoint now has nothing to copy.
        let (log, copied): (i64, i64) = store
            .lock()
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                Ok((r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!(
            log, copied,
            "WAL frames left to copy after the thread caught up"
        );
        // A checkpoint is not a write: what the store's connection remembers stays valid.
        assert_eq!(data_version(&store), before);
        drop(store);
        // The thread ended with the store and closed its connection: the last one to close
        // copied the WAL into the file and removed it.
        let wal = path.with_extension("sqlite-wal");
        assert!(!wal.exists(), "the WAL was left behind: {}", wal.display());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_round_that_leaves_a_long_wal_hands_the_rewind_to_the_writers_next_write() {
        let (dir, path) = fresh_file("checkpoint-rewind", "t.sqlite");
        let store = SqliteStore::open(&path).unwrap();
        let checkpointer = store.checkpointer.as_ref().unwrap();
        let frames = |store: &SqliteStore| -> i64 {
            store
                .lock()
                .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))
                .unwrap()
        };
        // One write of 20 MiB: about 5,000 frames, more than the 4,000 asked for here.
        checkpointer.set_rewind_pages(4_000);
        let value = "x".repeat(20 << 20);
        store
            .write(|tx| tx.set_property("test.rewind", &value))
            .unwrap();
        let rounds = checkpointer.caught_up();
        assert!(frames(&store) >= 4_000);
        assert!(
            checkpointer.rewind_due(),
            "the round left a long WAL and did not ask"
        );
        store
            .write(|tx| tx.set_property("test.small", "1"))
            .unwrap();
        assert!(
            !checkpointer.rewind_due(),
            "the writer did not take the rewind"
        );
        // That write started the WAL afresh: it holds only its own few frames.
        let after = frames(&store);
        assert!(after < 10, "{after} frames in the WAL after the rewind");
        assert!(
            checkpointer.caught_up() > rounds,
            "the thread did not go on"
        );
        drop(store);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The writer rewinds the WAL right after its own checkpoint copied every frame, while the
    /// thread starts its next round: SQLite's "WAL-reset bug" (3.7.0 to 3.51.2, fixed in
    /// 3.51.3) let such a round mark frames of the new log as copied and write stale pages into
    /// the file. With a rewind asked after every round, thousands of hand-overs run here, and
    /// the file must read back whole, every value as last written (under 3.50.2 it lost writes
    /// in 1 run of 40; under 3.51.3 none in 827). Every write must succeed too: one that began
    /// as a read failed with `database is locked` when the thread held the write lock (see
    /// `Scope`).
    #[test]
    fn rewinds_beside_the_thread_s_rounds_leave_the_file_whole() {
        let (dir, path) = fresh_file("checkpoint-stress", "t.sqlite");
        let store = SqliteStore::open(&path).unwrap();
        let checkpointer = store.checkpointer.as_ref().unwrap();
        checkpointer.set_rewind_pages(1);
        let keys = 300;
        let value = |i: usize| format!("{i}:{}", "v".repeat(300));
        for i in 0..6_000 {
            store
                .write(|tx| tx.set_property(&format!("test.stress.{}", i % keys), &value(i)))
                .unwrap();
        }
        drop(store);
        let conn = rusqlite::Connection::open(&path).unwrap();
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
        for k in 0..keys {
            let last = 6_000 - keys + k;
            let stored: String = conn
                .query_row(
                    "SELECT value FROM sys_properties WHERE name = ?1",
                    [format!("test.stress.{k}")],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(stored, value(last), "key {k}");
        }
        drop(conn);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn no_round_runs_while_held() {
        let (dir, path) = fresh_file("checkpoint-hold", "t.sqlite");
        let store = SqliteStore::open(&path).unwrap();
        let checkpointer = store.checkpointer.as_ref().unwrap();
        let before = checkpointer.caught_up();
        let hold = checkpointer.hold();
        for i in 0..20 {
            store
                .write(|tx| tx.set_property(&format!("test.hold.{i}"), "x"))
                .unwrap();
        }
        // The store's own checkpoint can take the lock: the thread is not in a round.
        let (busy, log, copied): (i64, i64, i64) = store
            .lock()
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!((busy, log), (0, copied), "the checkpoint was not alone");
        assert_eq!(
            checkpointer.shared.lock().rounds,
            before,
            "a round ran while held"
        );
        drop(hold);
        assert!(
            checkpointer.caught_up() > before,
            "no round after the hold ended"
        );
        drop(store);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
