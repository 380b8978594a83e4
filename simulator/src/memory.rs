//! Giving freed memory back to the system. glibc's allocator keeps the pages of freed small
//! allocations in its arenas, so after [`crate::Simulator::reset`] dropped a store of 100,000
//! messages the process stayed at its high-water mark (measured with `convsms bench-sim`: 183
//! MiB before and after the reset). `malloc_trim(0)` walks every arena and returns their free
//! pages (down to 28 MiB); elsewhere (musl, macOS, Windows) the allocator returns memory itself
//! and this does nothing. The `convsms` binary runs on mimalloc, which gives freed pages back on
//! its own as its threads go on allocating; this call is for programs that embed the simulator
//! on glibc's allocator.

/// Asks the allocator to return its free pages to the system; true when it gave some back.
/// It locks each arena in turn (a few milliseconds on a large heap): call it after a reset,
/// outside the state lock, not on a request's path.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub(crate) fn give_back() -> bool {
    // SAFETY: malloc_trim takes no pointers and has no caller-side invariant; glibc serialises
    // it with every other allocator call.
    unsafe { libc::malloc_trim(0) == 1 }
}

/// Elsewhere the allocator returns memory on its own: nothing to do.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(crate) fn give_back() -> bool {
    false
}
