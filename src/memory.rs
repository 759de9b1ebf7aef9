//! The allocator's settings (glibc on Linux; elsewhere nothing): how many
//! arenas it keeps, and giving its free memory back. Memory freed on one
//! thread stays in that thread's arena, which after the parallel indexing
//! is most of the parse trees' memory.

/// `CHRONICLE_MALLOC_ARENAS=N` caps glibc's malloc arenas at N (set before
/// any thread starts). By default glibc keeps up to 8 per core, and memory
/// freed on one thread stays in that thread's arena: with one arena, peak
/// RSS of the benchmark's large workspace was 301 MB instead of 380 MB
/// (medium: 106 instead of 130–137 MB), but edit → diagnostics was about
/// 1 ms slower at p50 (3.99–4.14 against 2.53–3.14 ms at medium: the
/// analyzer, the publisher and the transport threads then share one lock).
/// Latency is the budget that can hold, so the default stays glibc's.
pub fn cap_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if let Some(n) = std::env::var("CHRONICLE_MALLOC_ARENAS")
        .ok()
        .and_then(|v| v.parse::<i32>().ok())
        .filter(|n| *n > 0)
    {
        // SAFETY: mallopt only sets a parameter of the allocator; it is
        // called before any other thread exists.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, n);
        }
    }
}

/// Returns the allocator's free memory to the system (glibc keeps what a
/// thread freed in that thread's arena, so after the parallel indexing most
/// of the parse trees' memory stays resident though unused).
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free pages of the allocator's own
    // arenas; it is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}
