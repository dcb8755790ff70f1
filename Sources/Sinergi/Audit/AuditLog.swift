internal import Logging
public import SQLite
internal import Synchronization

/// Records reads of personal data with group commit: a request waits until its record is
/// durable, but records of many requests share one transaction. While one batch commits,
/// the next gathers, so the writer is never idle while records wait and a burst of reads
/// costs a few commits instead of one each (one commit a read caps near 6,000/s here).
///
/// Writes record their audit row inside their own transaction instead (`insert`).
public final class AuditLog: Sendable {
    private struct State {
        var pending: [(AuditEntry, String, CheckedContinuation<Void, any Error>)] = []
        var isFlushing = false
    }

    private let database: DatabasePool
    private let state = Mutex(State())
    private let commits = Atomic<Int>(0)

    /// Transactions written so far, for tests of the grouping.
    var commitCount: Int { commits.load(ordering: .relaxed) }

    init(database: DatabasePool) {
        self.database = database
    }

    /// Records `entry` and returns once it is committed.
    public func record(_ entry: AuditEntry) async throws {
        let time = Timestamp.now()
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let startsFlush = state.withLock { state in
                state.pending.append((entry, time, continuation))
                guard !state.isFlushing else { return false }
                state.isFlushing = true
                return true
            }
            if startsFlush {
                Task { await self.flush() }
            }
        }
    }

    /// Writes `entry` in the caller's transaction, for changes audited with the change.
    public static func insert(_ entry: AuditEntry, into connection: Connection) throws {
        try AuditRepository.insert(connection, entry, at: Timestamp.now())
    }

    private func flush() async {
        while true {
            let batch = state.withLock { state in
                let batch = state.pending
                state.pending = []
                if batch.isEmpty { state.isFlushing = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            let entries = batch.map { ($0.0, $0.1) }
            do {
                try await database.write { connection in
                    for (entry, time) in entries { try AuditRepository.insert(connection, entry, at: time) }
                }
                commits.add(1, ordering: .relaxed)
                for item in batch { item.2.resume() }
            } catch {
                for item in batch { item.2.resume(throwing: error) }
            }
        }
    }
}
