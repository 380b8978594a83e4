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
//! statement is finalized. A [`CachedStatement`] lends its statement by `&` only (`Deref`) and
//! runs it through its own methods (`execute`, `query_row`, ...), never lending `&mut
//! Statement`: with one, safe code could `std::mem::swap` the statements of two connections, and
//! the map would keep one whose connection may be gone when it is used.

use std::cell::RefCell;
use std::ptr::NonNull;

use rusqlite::{Connection, MappedRows, Params, Row, Rows, Statement};

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

/// A kept statement lent out; back in the map (its bindings cleared) when dropped. It reads as
/// a `&Statement` and runs through the methods below, which are rusqlite's `Statement` methods of
/// the same names (their errors are SQLite's); it never lends `&mut Statement` (the module docs
/// say why).
pub(super) struct CachedStatement<'c> {
    statement: Option<Statement<'static>>,
    key: (usize, usize),
    home: &'c Connected,
}

impl<'c> std::ops::Deref for CachedStatement<'c> {
    type Target = Statement<'c>;

    fn deref(&self) -> &Statement<'c> {
        self.statement.as_ref().expect("a statement until dropped")
    }
}

impl CachedStatement<'_> {
    fn statement(&mut self) -> &mut Statement<'static> {
        self.statement.as_mut().expect("a statement until dropped")
    }

    /// [`Statement::execute`]: runs it with `params`; the number of rows changed.
    pub(super) fn execute<P: Params>(&mut self, params: P) -> rusqlite::Result<usize> {
        self.statement().execute(params)
    }

    /// [`Statement::query`]: the rows of a query with `params`.
    pub(super) fn query<P: Params>(&mut self, params: P) -> rusqlite::Result<Rows<'_>> {
        self.statement().query(params)
    }

    /// [`Statement::query_map`]: the rows of a query with `params`, each through `f`.
    pub(super) fn query_map<T, P, F>(
        &mut self,
        params: P,
        f: F,
    ) -> rusqlite::Result<MappedRows<'_, F>>
    where
        P: Params,
        F: FnMut(&Row<'_>) -> rusqlite::Result<T>,
    {
        self.statement().query_map(params, f)
    }

    /// [`Statement::query_row`]: the first row of a query with `params`, through `f`
    /// (`QueryReturnedNoRows` when there is none).
    pub(super) fn query_row<T, P, F>(&mut self, params: P, f: F) -> rusqlite::Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    {
        self.statement().query_row(params, f)
    }

    /// [`Statement::raw_bind_parameter`]: binds one parameter, by name or 1-based index.
    #[cfg(test)]
    pub(super) fn raw_bind_parameter<I: rusqlite::BindIndex, T: rusqlite::ToSql>(
        &mut self,
        index: I,
        value: T,
    ) -> rusqlite::Result<()> {
        self.statement().raw_bind_parameter(index, value)
    }

    /// [`Statement::raw_query`]: the rows with the bindings as they are.
    #[cfg(test)]
    pub(super) fn raw_query(&mut self) -> Rows<'_> {
        self.statement().raw_query()
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

// What keeps `&mut Statement` in this module is the privacy of `CachedStatement::statement` and
// the methods above, which lend none. `DerefMut` is the impl that would most naturally be added
// back, so its absence is checked: if `CachedStatement` implemented it, the call below would be
// ambiguous between the two impls and this would not compile (the trick of
// `static_assertions::assert_not_impl_any!`). No `AsMut`, `BorrowMut` or accessor either.
const _: fn() = || {
    trait AmbiguousIfDerefMut<A> {
        fn some_item() {}
    }
    impl<T: ?Sized> AmbiguousIfDerefMut<()> for T {}
    impl<T: ?Sized + std::ops::DerefMut> AmbiguousIfDerefMut<u8> for T {}
    let _ = <CachedStatement<'static> as AmbiguousIfDerefMut<_>>::some_item;
};
