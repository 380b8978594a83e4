//! The store's prepared statements: a connection that keeps one prepared statement per
//! `&'static str` of SQL the store runs, found by the address and length of its text.
//!
//! rusqlite's `prepare_cached` hashes the whole text twice per use and copies it into a new
//! `Arc<str>` (its cache key) each time: an allocation and some hundred nanoseconds for each of
//! the soak's sixty-odd statements per inbound message (3% of a soak's profile; replacing it
//! measured 0.941x, `docs/performance.md`). Here a look-up hashes two words.
//!
//! A kept statement borrows the connection it was prepared on, which this module holds by a raw
//! pointer (from `Box::into_raw`, so its address never changes) and frees only after the last
//! statement is finalized. The one rule its callers keep (nothing in the store breaks it; the
//! types cannot stop it): **never swap or replace the statement behind a [`CachedStatement`]**
//! (`std::mem::swap`, `std::mem::replace`): the map would keep a statement of another
//! connection, which may be gone when it is used.

use std::cell::RefCell;
use std::ptr::NonNull;

use rusqlite::{Connection, Statement};

/// A connection with its kept statements. Dropping it finalizes every kept statement, then
/// closes the connection.
pub(super) struct Connected {
    /// From `Box::into_raw` in [`Connected::new`], freed in `Drop` after `kept` is emptied; every
    /// kept statement holds this address.
    conn: NonNull<Connection>,
    /// Statements not in use, by (address, length) of their SQL. A statement in use is out of
    /// the map, so the same query run while one is open gets a statement of its own (the spare is
    /// finalized when both are back).
    kept: RefCell<rustc_hash::FxHashMap<(usize, usize), Statement<'static>>>,
}

// SAFETY: what makes `Connected` `!Send` is the raw pointer and the kept statements, which hold
// `&Connection` (`Connection` is `!Sync`). The statements were all prepared on the connection
// that moves with them, and nothing reaches either but through `&Connected`, which is `!Sync`
// (the `RefCell`): one thread at a time uses the connection and its statements, as rusqlite's own
// statement cache does inside a `Connection`, which is `Send`.
unsafe impl Send for Connected {}

impl Connected {
    pub(super) fn new(conn: Connection) -> Self {
        Connected {
            conn: NonNull::from(Box::leak(Box::new(conn))),
            kept: RefCell::default(),
        }
    }

    /// The connection.
    pub(super) fn connection(&self) -> &Connection {
        // SAFETY: the box is freed only in `Drop`, and nothing else mutates it.
        unsafe { self.conn.as_ref() }
    }

    /// The statement of `sql`, prepared on its first use and kept.
    ///
    /// # Errors
    /// SQLite cannot prepare `sql` (a bug: the store's statements are fixed).
    pub(super) fn kept(&self, sql: &'static str) -> rusqlite::Result<CachedStatement<'_>> {
        let key = (sql.as_ptr() as usize, sql.len());
        let kept = self.kept.borrow_mut().remove(&key);
        let statement = match kept {
            Some(statement) => statement,
            None => {
                let fresh = self
                    .connection()
                    .prepare_with_flags(sql, rusqlite::PrepFlags::SQLITE_PREPARE_PERSISTENT)?;
                // SAFETY: the statement borrows the connection `conn` points to, which lives
                // until `Drop` has finalized every kept statement, at an address that never
                // changes. The `'static` does not leave this module but behind a
                // `CachedStatement`, which lends it for the borrow of `self` only.
                unsafe { std::mem::transmute::<Statement<'_>, Statement<'static>>(fresh) }
            }
        };
        Ok(CachedStatement {
            statement: Some(statement),
            key,
            home: self,
        })
    }

    /// Finalizes every kept statement (a test's way to see that nothing else stays prepared).
    #[cfg(test)]
    pub(super) fn finalize_kept(&self) {
        self.kept.borrow_mut().clear();
    }
}

impl Drop for Connected {
    fn drop(&mut self) {
        self.kept.get_mut().clear();
        // SAFETY: from `Box::into_raw` (`Box::leak`) in `new`, freed once, here, after the
        // statements that borrowed it.
        drop(unsafe { Box::from_raw(self.conn.as_ptr()) });
    }
}

/// A kept statement lent out; back in the map (its bindings cleared) when dropped. See the
/// module's one rule.
pub(super) struct CachedStatement<'c> {
    statement: Option<Statement<'static>>,
    key: (usize, usize),
    home: &'c Connected,
}

impl std::ops::Deref for CachedStatement<'_> {
    type Target = Statement<'static>;

    fn deref(&self) -> &Statement<'static> {
        self.statement.as_ref().expect("a statement until dropped")
    }
}

impl std::ops::DerefMut for CachedStatement<'_> {
    fn deref_mut(&mut self) -> &mut Statement<'static> {
        self.statement.as_mut().expect("a statement until dropped")
    }
}

impl Drop for CachedStatement<'_> {
    fn drop(&mut self) {
        if let Some(mut statement) = self.statement.take() {
            statement.clear_bindings();
            self.home.kept.borrow_mut().insert(self.key, statement);
        }
    }
}
