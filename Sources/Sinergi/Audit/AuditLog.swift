public import Database
public import SQLite

/// Records reads of personal data through the shared `GroupCommit`: a request waits until its
/// record is durable, but records of many requests share one transaction (one commit a read
/// caps near 6,000/s here). Records take no savepoint each (`GroupCommit.append`): one that
/// fails to insert fails its whole batch, and every request in it is answered with the error.
///
/// Writes record their audit row inside their own transaction instead (`insert`).
public final class AuditLog: Sendable {
    private let writes: GroupCommit

    /// Transactions committed so far by the shared `GroupCommit`, audit records and any other
    /// batched writes alike, for tests of the grouping.
    var commitCount: Int { writes.commitCount }

    init(writes: GroupCommit) {
        self.writes = writes
    }

    /// Records `entry` and returns once it is committed.
    public func record(_ entry: AuditEntry) async throws {
        // Stamped when the read happened, not when its batch runs.
        let time = Timestamp.now()
        try await writes.append { connection in
            try AuditRepository.insert(DatabaseConnection(connection), entry, at: time)
        }
    }

    /// Writes `entry` in the caller's transaction, for changes audited with the change.
    public static func insert(_ entry: AuditEntry, into connection: DatabaseConnection) throws {
        try AuditRepository.insert(connection, entry, at: Timestamp.now())
    }
}
