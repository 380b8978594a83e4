//! The store's SQLite VFS, [`VFS_NAME`]: SQLite's exclusive Unix VFS (`unix-excl`) with the
//! write-ahead log's writes gathered, so that a transaction reaches the WAL file in one `pwrite`
//! instead of two per page.
//!
//! SQLite appends each frame of a transaction to the WAL with two writes, the frame's 24-byte
//! header and then its page (`walWriteOneFrame`), each a system call: 23 calls per message of
//! `convsms bench engine`, a third of its writer thread's time. Written one after another, the
//! same bytes take about a third of the time (12 frames of 4 KiB: 48 µs in 24 calls, 15 µs in
//! one, on this machine's ext4 under KVM).
//!
//! So a WAL file opened through this VFS keeps what SQLite writes to it in a buffer, as long as
//! each write continues the last, and writes the buffer out:
//! - at the end of the commit frame: SQLite marks a transaction's last frame by a non-zero
//!   database size in its header (bytes 4–7, the WAL file format), and the write of that
//!   frame's page hands the buffer to the file before it returns, so a failed write (a full
//!   disk) fails the commit, as it would without the buffer;
//! - before anything that looks at the file or depends on its contents: a read (SQLite reading
//!   back a page it spilled, a checkpoint on the writer's connection), `xSync`, `xTruncate`,
//!   `xFileSize`, a file control, closing; and before a write that does not continue the
//!   buffer (the WAL header when the log starts over, which begins a new buffer);
//! - a write that goes back over the log (a frame written again in place: a page changed twice
//!   in one transaction, the frame checksums rewritten after pages spilled) flushes the buffer
//!   and goes to the file at once, so that its error is SQLite's to handle;
//! - when it reaches [`BUFFER_BYTES`] (a transaction that large writes in slices of it);
//! - as a backstop, when the connection publishes a commit in the WAL index
//!   (`xShmBarrier` on its database file, which SQLite calls before another connection,
//!   such as the checkpoint thread's, can see the new frames). That flush cannot report an
//!   error (the barrier returns nothing): it is kept and returned by the WAL's next operation.
//!   In `synchronous = NORMAL`, the store's setting, the commit frame has already flushed
//!   everything by then (tests count the barrier's flushes: none). SQLite calls no barrier
//!   when the WAL index is in heap memory (`PRAGMA locking_mode = EXCLUSIVE`), which the store
//!   does not set.
//!
//! A commit therefore returns only once all its frames are in the file: a crash of the process
//! loses nothing committed (test: a copy of the files taken right after a commit holds it).
//! Everything else (locks, the WAL index in the process's memory, the database file itself) is
//! `unix-excl`'s, unchanged.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::sync::OnceLock;

use rusqlite::ffi;

/// The name the store's file connections open with (registered by [`register`]).
pub const VFS_NAME: &str = "convsms-excl";
const VFS_NAME_C: &CStr = c"convsms-excl";
/// The VFS underneath, SQLite's Unix VFS in its exclusive variant.
const BASE_VFS: &CStr = c"unix-excl";

/// The most a WAL file's buffer holds before it is written out: 64 KiB (31 frames of 2 KiB
/// pages, 15 of 4 KiB; the Unix VFS writes at most 128 KiB - 1 bytes per call).
pub(crate) const BUFFER_BYTES: usize = 64 << 10;

/// A file-control opcode of this VFS (`sqlite3_file_control` on a database opened through it):
/// writes into the `[i64; 2]` that `arg` points to the database's WAL's [`WalCounts`] (zeros
/// before the WAL is open). For tests.
pub(crate) const FCNTL_WAL_COUNTS: c_int = 0x636f_6e01;

/// What a WAL file's buffer did ([`FCNTL_WAL_COUNTS`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct WalCounts {
    /// Write calls made to the file.
    pub write_calls: i64,
    /// Flushes of a non-empty buffer at `xShmBarrier` (the backstop): none while every commit
    /// ends with a commit frame's page, as in `synchronous = NORMAL`.
    pub barrier_flushes: i64,
}

/// Registers the VFS once per process (not as the default); later calls return the first one's
/// result.
///
/// # Errors
/// SQLite's error code when `unix-excl` is missing (a build without the Unix VFS) or the
/// registration fails.
pub(crate) fn register() -> Result<(), c_int> {
    static REGISTERED: OnceLock<Result<(), c_int>> = OnceLock::new();
    *REGISTERED.get_or_init(|| {
        // SAFETY: sqlite3_vfs_find and sqlite3_vfs_register are thread-safe (SQLite serialises
        // them on its master mutex); the VFS object is leaked, so it outlives every connection,
        // and its pAppData is the base VFS, which SQLite never frees.
        unsafe {
            let rc = ffi::sqlite3_initialize();
            if rc != ffi::SQLITE_OK {
                return Err(rc);
            }
            let base = ffi::sqlite3_vfs_find(BASE_VFS.as_ptr());
            if base.is_null() {
                return Err(ffi::SQLITE_ERROR);
            }
            let vfs = Box::leak(Box::new(ffi::sqlite3_vfs {
                iVersion: (*base).iVersion,
                szOsFile: (HEADER + (*base).szOsFile as usize) as c_int,
                mxPathname: (*base).mxPathname,
                pNext: std::ptr::null_mut(),
                zName: VFS_NAME_C.as_ptr(),
                pAppData: base.cast(),
                xOpen: Some(x_open),
                xDelete: Some(x_delete),
                xAccess: Some(x_access),
                xFullPathname: Some(x_full_pathname),
                xDlOpen: Some(x_dl_open),
                xDlError: Some(x_dl_error),
                xDlSym: Some(x_dl_sym),
                xDlClose: Some(x_dl_close),
                xRandomness: Some(x_randomness),
                xSleep: Some(x_sleep),
                xCurrentTime: Some(x_current_time),
                xGetLastError: Some(x_get_last_error),
                xCurrentTimeInt64: Some(x_current_time_int64),
                xSetSystemCall: Some(x_set_system_call),
                xGetSystemCall: Some(x_get_system_call),
                xNextSystemCall: Some(x_next_system_call),
            }));
            match ffi::sqlite3_vfs_register(vfs, 0) {
                ffi::SQLITE_OK => Ok(()),
                rc => Err(rc),
            }
        }
    })
}

/// What SQLite allocates for a file of this VFS: this header, then the base VFS's file.
#[repr(C)]
struct File {
    /// SQLite's part: our methods, or null when the open failed.
    base: ffi::sqlite3_file,
    /// The base VFS's file, right after this header in the same allocation.
    real: *mut ffi::sqlite3_file,
    /// A WAL file's buffer; `None` for every other file.
    wal: Option<Box<WalBuffer>>,
    /// A database file: its connection's WAL file while that is open. A WAL file: its
    /// database file. Null otherwise. Both belong to one connection (one pager), which SQLite
    /// never uses from two threads at once.
    peer: *mut File,
}

/// The size of [`File`] rounded up to 8 bytes: where the base VFS's file begins.
const HEADER: usize = std::mem::size_of::<File>().next_multiple_of(8);

/// Bytes written to a WAL file and not yet handed to it.
struct WalBuffer {
    bytes: Vec<u8>,
    /// Where `bytes` go in the file.
    offset: i64,
    /// The last write was a commit frame's header: the next one (its page) ends the commit.
    commit_header: bool,
    /// Where the log written so far ends (buffered or not), since its header was last written:
    /// a write that starts before it rewrites a frame, and is not buffered.
    end: i64,
    /// For [`FCNTL_WAL_COUNTS`].
    counts: WalCounts,
    /// A flush that failed where it could not be reported (`xShmBarrier`): returned by the
    /// file's next operation.
    deferred_error: c_int,
}

static METHODS: ffi::sqlite3_io_methods = ffi::sqlite3_io_methods {
    iVersion: 3,
    xClose: Some(x_close),
    xRead: Some(x_read),
    xWrite: Some(x_write),
    xTruncate: Some(x_truncate),
    xSync: Some(x_sync),
    xFileSize: Some(x_file_size),
    xLock: Some(x_lock),
    xUnlock: Some(x_unlock),
    xCheckReservedLock: Some(x_check_reserved_lock),
    xFileControl: Some(x_file_control),
    xSectorSize: Some(x_sector_size),
    xDeviceCharacteristics: Some(x_device_characteristics),
    xShmMap: Some(x_shm_map),
    xShmLock: Some(x_shm_lock),
    xShmBarrier: Some(x_shm_barrier),
    xShmUnmap: Some(x_shm_unmap),
    xFetch: Some(x_fetch),
    xUnfetch: Some(x_unfetch),
};

/// The base VFS of ours.
unsafe fn base(vfs: *mut ffi::sqlite3_vfs) -> *mut ffi::sqlite3_vfs {
    (*vfs).pAppData.cast()
}

/// The base file's methods (set by the base VFS's successful open).
unsafe fn real_methods(f: *mut File) -> &'static ffi::sqlite3_io_methods {
    &*(*(*f).real).pMethods
}

/// Calls a method of the base file, or answers `SQLITE_IOERR` if the base VFS lacks it.
macro_rules! real {
    ($f:expr, $method:ident $(, $arg:expr)*) => {
        match real_methods($f).$method {
            Some(m) => m((*$f).real $(, $arg)*),
            None => ffi::SQLITE_IOERR,
        }
    };
}

unsafe extern "C" fn x_open(
    vfs: *mut ffi::sqlite3_vfs,
    name: ffi::sqlite3_filename,
    file: *mut ffi::sqlite3_file,
    flags: c_int,
    out_flags: *mut c_int,
) -> c_int {
    let f = file.cast::<File>();
    let real = file.cast::<u8>().add(HEADER).cast::<ffi::sqlite3_file>();
    let is_wal = flags & ffi::SQLITE_OPEN_WAL != 0 && !name.is_null();
    std::ptr::write(
        f,
        File {
            base: ffi::sqlite3_file {
                pMethods: std::ptr::null(),
            },
            real,
            wal: None,
            peer: std::ptr::null_mut(),
        },
    );
    let base = base(vfs);
    let Some(open) = (*base).xOpen else {
        return ffi::SQLITE_ERROR;
    };
    let rc = open(base, name, real, flags, out_flags);
    let methods = (*real).pMethods;
    if rc != ffi::SQLITE_OK || methods.is_null() || (*methods).iVersion < 3 {
        // SQLite calls no method of a file whose open failed (pMethods stays null). The
        // methods of ours call the base file's up to version 3 (shared memory, fetch).
        if !methods.is_null() {
            if let Some(close) = (*methods).xClose {
                close(real);
            }
        }
        return if rc == ffi::SQLITE_OK {
            ffi::SQLITE_CANTOPEN
        } else {
            rc
        };
    }
    if is_wal {
        (*f).wal = Some(Box::new(WalBuffer {
            bytes: Vec::new(),
            offset: 0,
            commit_header: false,
            end: 0,
            counts: WalCounts::default(),
            deferred_error: ffi::SQLITE_OK,
        }));
        // The database this WAL belongs to, opened through this VFS by the same pager: valid
        // for a WAL's name as SQLite passes it to xOpen.
        let db = ffi::sqlite3_database_file_object(name).cast::<File>();
        if !db.is_null() && std::ptr::eq((*db).base.pMethods, &METHODS) {
            (*db).peer = f;
            (*f).peer = db;
        }
    }
    (*f).base.pMethods = &METHODS;
    ffi::SQLITE_OK
}

/// Hands a WAL file's buffer to the file (nothing to do for other files or an empty buffer).
unsafe fn flush(f: *mut File) -> c_int {
    let Some(wal) = (*f).wal.as_deref_mut() else {
        return ffi::SQLITE_OK;
    };
    if wal.deferred_error != ffi::SQLITE_OK {
        return std::mem::replace(&mut wal.deferred_error, ffi::SQLITE_OK);
    }
    if wal.bytes.is_empty() {
        return ffi::SQLITE_OK;
    }
    wal.counts.write_calls += 1;
    let rc = real!(
        f,
        xWrite,
        wal.bytes.as_ptr().cast(),
        wal.bytes.len() as c_int,
        wal.offset
    );
    if rc == ffi::SQLITE_OK {
        wal.bytes.clear();
    }
    rc
}

unsafe extern "C" fn x_close(file: *mut ffi::sqlite3_file) -> c_int {
    let f = file.cast::<File>();
    let flushed = flush(f);
    let peer = (*f).peer;
    if !peer.is_null() {
        (*peer).peer = std::ptr::null_mut();
    }
    let rc = real!(f, xClose);
    std::ptr::drop_in_place(f);
    if flushed != ffi::SQLITE_OK {
        flushed
    } else {
        rc
    }
}

unsafe extern "C" fn x_read(
    file: *mut ffi::sqlite3_file,
    buf: *mut c_void,
    amount: c_int,
    offset: ffi::sqlite3_int64,
) -> c_int {
    let f = file.cast::<File>();
    match flush(f) {
        ffi::SQLITE_OK => real!(f, xRead, buf, amount, offset),
        rc => rc,
    }
}

unsafe extern "C" fn x_write(
    file: *mut ffi::sqlite3_file,
    buf: *const c_void,
    amount: c_int,
    offset: ffi::sqlite3_int64,
) -> c_int {
    let f = file.cast::<File>();
    let Some(wal) = (*f).wal.as_deref_mut() else {
        return real!(f, xWrite, buf, amount, offset);
    };
    let Ok(len) = usize::try_from(amount) else {
        return ffi::SQLITE_IOERR_WRITE;
    };
    let data = std::slice::from_raw_parts(buf.cast::<u8>(), len);
    // The WAL header (offset 0) starts the log again: what follows it is appended anew.
    if offset == 0 {
        wal.end = 0;
    }
    let appends = if wal.bytes.is_empty() {
        offset >= wal.end
    } else {
        wal.offset + wal.bytes.len() as i64 == offset
    };
    // A frame header (the only 24-byte write SQLite makes to a WAL) whose bytes 4-7, the
    // database size after a commit, are not zero begins a commit frame; its page, the next
    // write, ends the transaction.
    let ends_commit = std::mem::replace(
        &mut wal.commit_header,
        appends && len == 24 && data[4..8] != [0, 0, 0, 0],
    );
    if wal.deferred_error != ffi::SQLITE_OK || !appends || wal.bytes.len() + len > BUFFER_BYTES {
        let rc = flush(f);
        if rc != ffi::SQLITE_OK {
            return rc;
        }
    }
    let Some(wal) = (*f).wal.as_deref_mut() else {
        return ffi::SQLITE_IOERR_WRITE;
    };
    wal.end = wal.end.max(offset + len as i64);
    if !appends || len > BUFFER_BYTES {
        // A frame written again in place (a page changed twice in one transaction, the
        // checksums rewritten after a spill, `walRewriteChecksums`) goes to the file at once,
        // so that its error, if any, is SQLite's to handle.
        wal.counts.write_calls += 1;
        return real!(f, xWrite, buf, amount, offset);
    }
    if wal.bytes.is_empty() {
        wal.offset = offset;
    }
    wal.bytes.extend_from_slice(data);
    if ends_commit {
        flush(f)
    } else {
        ffi::SQLITE_OK
    }
}

unsafe extern "C" fn x_truncate(file: *mut ffi::sqlite3_file, size: ffi::sqlite3_int64) -> c_int {
    let f = file.cast::<File>();
    match flush(f) {
        ffi::SQLITE_OK => real!(f, xTruncate, size),
        rc => rc,
    }
}

unsafe extern "C" fn x_sync(file: *mut ffi::sqlite3_file, flags: c_int) -> c_int {
    let f = file.cast::<File>();
    match flush(f) {
        ffi::SQLITE_OK => real!(f, xSync, flags),
        rc => rc,
    }
}

unsafe extern "C" fn x_file_size(
    file: *mut ffi::sqlite3_file,
    size: *mut ffi::sqlite3_int64,
) -> c_int {
    let f = file.cast::<File>();
    match flush(f) {
        ffi::SQLITE_OK => real!(f, xFileSize, size),
        rc => rc,
    }
}

unsafe extern "C" fn x_lock(file: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    let f = file.cast::<File>();
    real!(f, xLock, level)
}

unsafe extern "C" fn x_unlock(file: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    let f = file.cast::<File>();
    real!(f, xUnlock, level)
}

unsafe extern "C" fn x_check_reserved_lock(file: *mut ffi::sqlite3_file, out: *mut c_int) -> c_int {
    let f = file.cast::<File>();
    real!(f, xCheckReservedLock, out)
}

unsafe extern "C" fn x_file_control(
    file: *mut ffi::sqlite3_file,
    op: c_int,
    arg: *mut c_void,
) -> c_int {
    let f = file.cast::<File>();
    if op == FCNTL_WAL_COUNTS {
        let peer = (*f).peer;
        let counts = if peer.is_null() {
            WalCounts::default()
        } else {
            (*peer)
                .wal
                .as_ref()
                .map_or_else(WalCounts::default, |w| w.counts)
        };
        *arg.cast::<[i64; 2]>() = [counts.write_calls, counts.barrier_flushes];
        return ffi::SQLITE_OK;
    }
    match flush(f) {
        ffi::SQLITE_OK => real!(f, xFileControl, op, arg),
        rc => rc,
    }
}

unsafe extern "C" fn x_sector_size(file: *mut ffi::sqlite3_file) -> c_int {
    let f = file.cast::<File>();
    match real_methods(f).xSectorSize {
        Some(m) => m((*f).real),
        None => 4096,
    }
}

unsafe extern "C" fn x_device_characteristics(file: *mut ffi::sqlite3_file) -> c_int {
    let f = file.cast::<File>();
    match real_methods(f).xDeviceCharacteristics {
        Some(m) => m((*f).real),
        None => 0,
    }
}

unsafe extern "C" fn x_shm_map(
    file: *mut ffi::sqlite3_file,
    region: c_int,
    size: c_int,
    extend: c_int,
    out: *mut *mut c_void,
) -> c_int {
    let f = file.cast::<File>();
    real!(f, xShmMap, region, size, extend, out)
}

unsafe extern "C" fn x_shm_lock(
    file: *mut ffi::sqlite3_file,
    offset: c_int,
    n: c_int,
    flags: c_int,
) -> c_int {
    let f = file.cast::<File>();
    real!(f, xShmLock, offset, n, flags)
}

unsafe extern "C" fn x_shm_barrier(file: *mut ffi::sqlite3_file) {
    let f = file.cast::<File>();
    let wal = (*f).peer;
    if !wal.is_null() {
        if let Some(w) = (*wal).wal.as_deref_mut() {
            if !w.bytes.is_empty() {
                w.counts.barrier_flushes += 1;
            }
        }
        let rc = flush(wal);
        if rc != ffi::SQLITE_OK {
            if let Some(w) = (*wal).wal.as_deref_mut() {
                w.deferred_error = rc;
            }
        }
    }
    if let Some(m) = real_methods(f).xShmBarrier {
        m((*f).real);
    }
}

unsafe extern "C" fn x_shm_unmap(file: *mut ffi::sqlite3_file, delete: c_int) -> c_int {
    let f = file.cast::<File>();
    real!(f, xShmUnmap, delete)
}

unsafe extern "C" fn x_fetch(
    file: *mut ffi::sqlite3_file,
    offset: ffi::sqlite3_int64,
    amount: c_int,
    out: *mut *mut c_void,
) -> c_int {
    let f = file.cast::<File>();
    match flush(f) {
        ffi::SQLITE_OK => real!(f, xFetch, offset, amount, out),
        rc => rc,
    }
}

unsafe extern "C" fn x_unfetch(
    file: *mut ffi::sqlite3_file,
    offset: ffi::sqlite3_int64,
    page: *mut c_void,
) -> c_int {
    let f = file.cast::<File>();
    real!(f, xUnfetch, offset, page)
}

// The VFS's own methods: the base VFS's, called with the base VFS.

unsafe extern "C" fn x_delete(
    vfs: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    sync: c_int,
) -> c_int {
    let b = base(vfs);
    (*b).xDelete
        .map_or(ffi::SQLITE_IOERR_DELETE, |m| m(b, name, sync))
}

unsafe extern "C" fn x_access(
    vfs: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    flags: c_int,
    out: *mut c_int,
) -> c_int {
    let b = base(vfs);
    (*b).xAccess
        .map_or(ffi::SQLITE_IOERR_ACCESS, |m| m(b, name, flags, out))
}

unsafe extern "C" fn x_full_pathname(
    vfs: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    n: c_int,
    out: *mut c_char,
) -> c_int {
    let b = base(vfs);
    (*b).xFullPathname
        .map_or(ffi::SQLITE_CANTOPEN, |m| m(b, name, n, out))
}

unsafe extern "C" fn x_dl_open(vfs: *mut ffi::sqlite3_vfs, name: *const c_char) -> *mut c_void {
    let b = base(vfs);
    (*b).xDlOpen.map_or(std::ptr::null_mut(), |m| m(b, name))
}

unsafe extern "C" fn x_dl_error(vfs: *mut ffi::sqlite3_vfs, n: c_int, out: *mut c_char) {
    let b = base(vfs);
    if let Some(m) = (*b).xDlError {
        m(b, n, out);
    }
}

unsafe extern "C" fn x_dl_sym(
    vfs: *mut ffi::sqlite3_vfs,
    handle: *mut c_void,
    symbol: *const c_char,
) -> Option<unsafe extern "C" fn(*mut ffi::sqlite3_vfs, *mut c_void, *const c_char)> {
    let b = base(vfs);
    (*b).xDlSym.and_then(|m| m(b, handle, symbol))
}

unsafe extern "C" fn x_dl_close(vfs: *mut ffi::sqlite3_vfs, handle: *mut c_void) {
    let b = base(vfs);
    if let Some(m) = (*b).xDlClose {
        m(b, handle);
    }
}

unsafe extern "C" fn x_randomness(vfs: *mut ffi::sqlite3_vfs, n: c_int, out: *mut c_char) -> c_int {
    let b = base(vfs);
    (*b).xRandomness.map_or(0, |m| m(b, n, out))
}

unsafe extern "C" fn x_sleep(vfs: *mut ffi::sqlite3_vfs, micros: c_int) -> c_int {
    let b = base(vfs);
    (*b).xSleep.map_or(0, |m| m(b, micros))
}

unsafe extern "C" fn x_current_time(vfs: *mut ffi::sqlite3_vfs, out: *mut f64) -> c_int {
    let b = base(vfs);
    (*b).xCurrentTime.map_or(ffi::SQLITE_ERROR, |m| m(b, out))
}

unsafe extern "C" fn x_get_last_error(
    vfs: *mut ffi::sqlite3_vfs,
    n: c_int,
    out: *mut c_char,
) -> c_int {
    let b = base(vfs);
    (*b).xGetLastError.map_or(0, |m| m(b, n, out))
}

unsafe extern "C" fn x_current_time_int64(
    vfs: *mut ffi::sqlite3_vfs,
    out: *mut ffi::sqlite3_int64,
) -> c_int {
    let b = base(vfs);
    (*b).xCurrentTimeInt64
        .map_or(ffi::SQLITE_ERROR, |m| m(b, out))
}

unsafe extern "C" fn x_set_system_call(
    vfs: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    call: ffi::sqlite3_syscall_ptr,
) -> c_int {
    let b = base(vfs);
    (*b).xSetSystemCall
        .map_or(ffi::SQLITE_NOTFOUND, |m| m(b, name, call))
}

unsafe extern "C" fn x_get_system_call(
    vfs: *mut ffi::sqlite3_vfs,
    name: *const c_char,
) -> ffi::sqlite3_syscall_ptr {
    let b = base(vfs);
    (*b).xGetSystemCall.and_then(|m| m(b, name))
}

unsafe extern "C" fn x_next_system_call(
    vfs: *mut ffi::sqlite3_vfs,
    name: *const c_char,
) -> *const c_char {
    let b = base(vfs);
    (*b).xNextSystemCall
        .map_or(std::ptr::null(), |m| m(b, name))
}

/// This VFS's counts for the WAL of `conn`'s main database, or `None` when the database was not
/// opened through it.
#[cfg(test)]
pub(crate) fn wal_counts(conn: &rusqlite::Connection) -> Option<WalCounts> {
    let mut out = [0i64; 2];
    // SAFETY: the handle is `conn`'s own, used while the caller holds it; SQLite hands the
    // pointer to the VFS's xFileControl, which writes two i64 into it (or, another VFS,
    // answers SQLITE_NOTFOUND without touching it).
    let rc = unsafe {
        ffi::sqlite3_file_control(
            conn.handle(),
            c"main".as_ptr(),
            FCNTL_WAL_COUNTS,
            out.as_mut_ptr().cast(),
        )
    };
    (rc == ffi::SQLITE_OK).then_some(WalCounts {
        write_calls: out[0],
        barrier_flushes: out[1],
    })
}

#[cfg(test)]
mod tests {
    use super::{register, wal_counts, WalCounts, VFS_NAME};
    use crate::store::tests::fresh_file;
    use rusqlite::{Connection, OpenFlags};

    fn open(path: &std::path::Path) -> Connection {
        register().unwrap();
        let conn =
            Connection::open_with_flags_and_vfs(path, OpenFlags::default(), VFS_NAME).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
        conn.execute_batch("CREATE TABLE t(n INTEGER PRIMARY KEY, x TEXT)")
            .unwrap();
        conn
    }

    fn sum(conn: &Connection) -> i64 {
        conn.query_row("SELECT coalesce(sum(length(x)), 0) FROM t", [], |r| {
            r.get(0)
        })
        .unwrap()
    }

    #[test]
    fn a_commit_reaches_the_wal_file_in_one_write_before_it_returns() {
        let (dir, path) = fresh_file("vfs-commit", "t.sqlite");
        let conn = open(&path);
        let before = wal_counts(&conn).expect("the database is not on the VFS");
        // 40 rows of 1,000 bytes: about ten pages, each a header and a page written by SQLite.
        conn.execute_batch(
            "BEGIN;
             WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 40)
             INSERT INTO t(x) SELECT printf('%.1000c', 'x') FROM k;
             COMMIT;",
        )
        .unwrap();
        let after = wal_counts(&conn).unwrap();
        assert_eq!(
            after,
            WalCounts {
                write_calls: before.write_calls + 1,
                barrier_flushes: 0,
            },
            "the commit's frames did not go in one write, ended by the commit frame"
        );
        // What a crash of the process leaves: the files as they are now, the connection open.
        let (copy_dir, copy) = fresh_file("vfs-commit-copy", "t.sqlite");
        std::fs::copy(&path, &copy).unwrap();
        std::fs::copy(
            path.with_extension("sqlite-wal"),
            copy.with_extension("sqlite-wal"),
        )
        .unwrap();
        let copied = Connection::open(&copy).unwrap();
        assert_eq!(
            sum(&copied),
            40_000,
            "the committed rows are not in the files"
        );
        drop((copied, conn));
        std::fs::remove_dir_all(&copy_dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn pages_spilled_before_the_commit_are_read_back_from_the_wal() {
        let (dir, path) = fresh_file("vfs-spill", "t.sqlite");
        let conn = open(&path);
        // A page cache of 8 pages: a 3 MB transaction writes most of its pages to the WAL
        // before it commits (SQLite's cache spill), in slices larger than the buffer, and
        // reads them back from there; then it changes every row again, so that pages already
        // in the WAL are written again in place, and the commit rewrites the checksums of the
        // frames after the first one rewritten (`walRewriteChecksums`), commit frame included.
        conn.pragma_update(None, "cache_size", 8).unwrap();
        conn.execute_batch(
            "BEGIN;
             WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 3000)
             INSERT INTO t(x) SELECT printf('%.1000c', 'x') || i FROM k;
             UPDATE t SET x = upper(x);",
        )
        .unwrap();
        let expected = 3_000_000
            + (1..=3000)
                .map(|i: i64| i.to_string().len() as i64)
                .sum::<i64>();
        assert_eq!(sum(&conn), expected, "inside the transaction");
        conn.execute_batch("COMMIT").unwrap();
        assert_eq!(sum(&conn), expected, "after the commit");
        let counts = wal_counts(&conn).unwrap();
        assert!(counts.write_calls > 1);
        assert_eq!(
            counts.barrier_flushes, 0,
            "a commit left frames for the barrier to write"
        );
        drop(conn);
        let again = open_existing(&path);
        assert_eq!(sum(&again), expected, "after closing and opening again");
        drop(again);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn open_existing(path: &std::path::Path) -> Connection {
        Connection::open_with_flags_and_vfs(path, OpenFlags::default(), VFS_NAME).unwrap()
    }
}
