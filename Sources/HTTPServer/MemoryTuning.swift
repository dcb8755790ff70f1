internal import CSystemLinux

/// Process-wide allocator settings for a long-running server.
public enum MemoryTuning {
    /// glibc hands freed memory of a thread's arena back to the kernel as soon as the arena's
    /// top exceeds 128 KiB, and the next request faults the same pages in again: on the SQLite
    /// writer that churn cost more CPU than the SQL (perf: a quarter of its samples in page
    /// faults, and POST /v1/members at 60 % of the throughput it has without the churn).
    /// Keeping up to 64 MiB free per arena, and serving blocks below 32 MiB from the heap,
    /// ends it. Call once, before the threads start.
    public static func keepFreedMemory() {
        _ = csl_malloc_keep_free(64 << 20, 32 << 20)
    }
}
