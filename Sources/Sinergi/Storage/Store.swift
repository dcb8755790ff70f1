public import Database
public import SQLite

/// The one way services reach the database, each call naming the connection its use case
/// needs (docs/architecture.md, threading model).
public struct Store: Sendable {
    let pool: DatabasePool
    /// Writes that share one commit with other requests' (registrations).
    let groupCommit: GroupCommit

    public init(pool: DatabasePool, groupCommit: GroupCommit) {
        self.pool = pool
        self.groupCommit = groupCommit
    }

    /// A read on a reader thread, in one snapshot: lists, and anything else that may scan.
    func read<T: Sendable>(_ body: @escaping @Sendable (DatabaseConnection) throws -> T) async throws -> T {
        try await pool.read { try body(DatabaseConnection($0)) }
    }

    /// Look-ups by primary or unique key on the calling event loop's own reader, in one
    /// snapshot, without the hand-off to a reader thread and back. Never a scan: the loop
    /// waits for it.
    func lookup<T>(_ body: (DatabaseConnection) throws -> T) throws -> T {
        try pool.readHere { try body(DatabaseConnection($0)) }
    }

    /// `lookup` of a single statement, which is its own snapshot: no BEGIN and COMMIT.
    func lookupOne<T>(_ body: (DatabaseConnection) throws -> T) throws -> T {
        try pool.lookupHere { try body(DatabaseConnection($0)) }
    }

    /// One transaction on the writer (BEGIN IMMEDIATE … COMMIT; rolled back when `body` throws).
    func write<T: Sendable>(_ body: @escaping @Sendable (DatabaseConnection) throws -> T) async throws -> T {
        try await pool.write { try body(DatabaseConnection($0)) }
    }

    /// `write` that blocks the calling thread, for command-line tools; never from async code.
    @discardableResult
    func writeSync<T: Sendable>(_ body: @escaping @Sendable (DatabaseConnection) throws -> T) throws -> T {
        try pool.writeSync { try body(DatabaseConnection($0)) }
    }

    /// A write that shares its commit with concurrent requests' writes, each in its own
    /// savepoint; answered after the COMMIT.
    func groupedWrite<T: Sendable>(_ body: @escaping @Sendable (DatabaseConnection) throws -> T) async throws -> T {
        try await groupCommit.write { try body(DatabaseConnection($0)) }
    }
}
