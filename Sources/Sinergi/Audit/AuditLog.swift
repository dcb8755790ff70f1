public import Database

/// Records reads of personal data through `Store.append` (on SQLite a shared `GroupCommit`,
/// on PostgreSQL multi-row inserts): a request waits until its
/// record is durable, but records of many requests share one transaction (one commit a read
/// caps near 6,000/s here). Records take no savepoint each (`GroupCommit.append`): one that
/// fails to insert fails its whole batch, and every request in it is answered with the error.
///
/// Writes record their audit row inside their own transaction instead (`insert`).
public final class AuditLog: Sendable {
    private let store: Store

    /// Transactions committed so far for audit records, for tests of the grouping.
    var commitCount: Int { store.recordCommits }

    init(store: Store) {
        self.store = store
    }

    /// Records `entry` and returns once it is committed.
    public func record(_ entry: AuditEntry) async throws {
        // Stamped when the read happened, not when its batch runs.
        try await store.append(AuditRepository.row(entry, at: Timestamp.now()))
    }

    /// Writes `entry` in the caller's transaction, for changes audited with the change.
    public static func insert(_ entry: AuditEntry, into connection: DatabaseConnection) throws {
        try AuditRepository.insert(connection, entry, at: Timestamp.now())
    }
}
