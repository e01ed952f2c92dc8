//! How the C allocator is asked to behave. glibc gives each thread that
//! allocates an arena of its own and keeps freed memory in each, so the
//! cache's tickets, read on one thread and held on another, left 50 MB of
//! freed memory resident with 100,000 tickets (BENCHMARKS.md). Two arenas,
//! and freed memory given back past 128 KB without the threshold growing.

/// Tell glibc's malloc, before the console starts its threads.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub fn keep_resident_memory_small() {
    // SAFETY: mallopt only sets the allocator's tunables; it reads and
    // writes no memory of ours, and is called before other threads run.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 128 * 1024);
    }
}

/// Other allocators keep their own counsel.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn keep_resident_memory_small() {}
