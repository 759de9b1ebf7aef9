//! The allocator's settings (glibc on Linux; elsewhere nothing): how many
//! arenas it keeps, which blocks it maps on their own, and giving its free
//! memory back. Memory freed on one
//! thread stays in that thread's arena, which after the parallel indexing
//! is most of the parse trees' memory.

/// Sets glibc's malloc up before any thread starts: its arenas capped at
/// one per core, or at `CHRONICLE_MALLOC_ARENAS=N` (`0`: glibc's default,
/// up to 8 per core); and its mmap and trim thresholds (below).
///
/// Memory freed on one thread stays in that thread's arena, and the server
/// runs more threads than cores (the analyzer, the publisher, the
/// transport, the blocking pool, rayon's workers), so with glibc's default
/// much of the resident memory is free memory spread over arenas: at the
/// medium benchmark preset 23–29 MB free beside 46–49 MB in use. One arena
/// per core (two here): peak RSS 63.0–63.9 instead of 72.0–73.8 MB at
/// medium and about 165 instead of 169 MB at large, for 0.1–0.3 ms more
/// edit → diagnostics at p50 (docs/performance.md, seventh session). Earlier
/// measurements (one arena: about 1 ms more at p50, since the analyzer,
/// the publisher and the transport then share one lock) are in the sixth
/// session's notes.
pub fn tune_malloc() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let n = match std::env::var("CHRONICLE_MALLOC_ARENAS") {
            Ok(v) => v.trim().parse::<i32>().unwrap_or(0),
            Err(_) => std::thread::available_parallelism()
                .map_or(2, |n| n.get())
                .min(i32::MAX as usize) as i32,
        };
        if n > 0 {
            // SAFETY: mallopt only sets a parameter of the allocator; it is
            // called before any other thread exists.
            unsafe {
                libc::mallopt(libc::M_ARENA_MAX, n);
            }
        }
        let setting = |name: &str, default: i32| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().parse::<i32>().ok())
                .unwrap_or(default)
        };
        // Blocks of 256 KiB and more are mapped on their own and unmapped
        // when freed. glibc's default starts there but raises the bar to
        // the size of each such block freed, so that after a few edits of
        // a large document the copies of its summary's lists (hundreds of
        // KB each, one set per keystroke) come from the heap, and the holes
        // they leave stay resident: about 6 MB more at the large benchmark
        // preset (docs/performance.md, ninth session). The top of the heap
        // is then given back past 4 MiB free rather than glibc's 128 KiB,
        // which shrank and regrew it on every request (references: +0.5 ms).
        // `CHRONICLE_MMAP_THRESHOLD=0` keeps glibc's own behaviour.
        let threshold = setting("CHRONICLE_MMAP_THRESHOLD", 256 * 1024);
        if threshold > 0 {
            let trim = setting("CHRONICLE_TRIM_THRESHOLD", 4 * 1024 * 1024);
            // SAFETY: as above.
            unsafe {
                libc::mallopt(libc::M_MMAP_THRESHOLD, threshold);
                libc::mallopt(libc::M_TRIM_THRESHOLD, trim);
            }
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

/// The allocator's view of the heap and the process's resident size, in
/// bytes: `(in use, free but kept by the allocator, resident)`. glibc's
/// `mallinfo2` sums every arena and the mmapped blocks (checked with a
/// thread that allocates 50 MB: glibc 2.36 counts it). `None` where it
/// cannot be read (other allocators or systems).
pub fn heap_stats() -> Option<(usize, usize, usize)> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallinfo2 only reads the allocator's counters.
        let info = unsafe { libc::mallinfo2() };
        let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
        let pages: usize = statm.split_whitespace().nth(1)?.parse().ok()?;
        // SAFETY: sysconf has no preconditions.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(1) as usize;
        Some((info.uordblks + info.hblkhd, info.fordblks, pages * page))
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    None
}

/// `CHRONICLE_HEAP_LOG=MS` logs [`heap_stats`] every MS milliseconds on a
/// thread of its own (target `chronicle::memory`, level INFO): what the
/// heap holds and what the allocator keeps, next to the resident size.
pub fn spawn_heap_log() {
    let Some(ms) = std::env::var("CHRONICLE_HEAP_LOG")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|ms| *ms > 0)
    else {
        return;
    };
    let _ = std::thread::Builder::new()
        .name("heap-log".into())
        .spawn(move || loop {
            if let Some((used, free, rss)) = heap_stats() {
                tracing::info!(
                    used_mb = used / 1_000_000,
                    free_mb = free / 1_000_000,
                    rss_mb = rss / 1_000_000,
                    "heap"
                );
            }
            std::thread::sleep(std::time::Duration::from_millis(ms));
        });
}
