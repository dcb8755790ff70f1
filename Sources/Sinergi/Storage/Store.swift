internal import Database
internal import Foundation
public import PostgreSQL
public import SQLite

/// The one way services reach the database, each call naming the connection its use case
/// needs (docs/architecture.md, threading model), on either engine.
///
/// On SQLite: reads on reader threads or on the event loop's own reader, writes on the one
/// writer, grouped commits through `GroupCommit`. On PostgreSQL every call runs on a pool
/// connection's thread; reads see one snapshot (REPEATABLE READ); `write`s are SERIALIZABLE
/// (so any check-then-act rule holds with concurrent writers) and run again when they lose a
/// conflict; `groupedWrite`s are READ COMMITTED with their rules locked explicitly; there is
/// no grouping of commits.
public struct Store: Sendable {
    enum Engine: Sendable {
        case sqlite(DatabasePool, writes: GroupCommit, records: GroupCommit)
        case postgresql(PGPool, records: RowAppender)
    }

    let engine: Engine

    /// SQLite: `writes` groups requests' changes, `records` the audit records of reads.
    public init(pool: DatabasePool, writes: GroupCommit, records: GroupCommit) {
        engine = .sqlite(pool, writes: writes, records: records)
    }

    public init(postgresql pool: PGPool) {
        engine = .postgresql(pool, records: RowAppender(pool: pool))
    }

    /// Opens what `config.database` names: a SQLite file (its folder created when missing),
    /// or a pool of `database_pool_size` connections to a PostgreSQL database.
    static func open(_ config: Config) throws -> Store {
        switch config.databaseLocation {
        case .sqlite(let path):
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let pool = try DatabasePool(path: path, readers: config.databaseReaders)
            // Changes go in batches of at most four. With one batch per burst, every client of a
            // burst waits for all of it and the writer idles while they send their next request;
            // small batches overlap the two (POST /v1/members at 16 connections: 6,300/s with
            // batches of up to 512, 7,500-8,000/s with 4, 7,400 with 8, 6,600 with 2). Audit
            // records of reads are tiny jobs, and share as many to a commit as arrive.
            return Store(pool: pool, writes: GroupCommit(database: pool, maxBatch: 4), records: GroupCommit(database: pool))
        case .postgresql(let url):
            return Store(postgresql: try PGPool(
                url: url, size: config.databasePoolSize,
                statementTimeout: .milliseconds(Int((config.databaseStatementTimeoutSeconds * 1000).rounded(.up)))))
        }
    }

    /// Applies `migrator`'s pending migrations (see `Migrator.migrate`).
    func migrate(_ migrator: Migrator) throws -> [Migration] {
        switch engine {
        case .sqlite(let pool, _, _): try migrator.migrate(pool)
        case .postgresql(let pool, _): try migrator.migrate(pool)
        }
    }

    /// Closes every connection; calls after it fail.
    func close() {
        switch engine {
        case .sqlite(let pool, _, _): pool.close()
        case .postgresql(let pool, _): pool.close()
        }
    }

    /// A read in one snapshot: lists, and anything else that may scan.
    func read<T: Sendable>(_ body: @escaping @Sendable (DatabaseConnection) throws -> T) async throws -> T {
        switch engine {
        case .sqlite(let pool, _, _): try await pool.read { try body(DatabaseConnection($0)) }
        case .postgresql(let pool, _): try await pool.transaction(.repeatableRead) { try body(DatabaseConnection($0)) }
        }
    }

    /// Look-ups by primary or unique key, in one snapshot. On SQLite on the calling event
    /// loop's own reader, without the hand-off to a reader thread and back: never a scan, as
    /// the loop waits for it.
    func lookup<T: Sendable>(_ body: @escaping @Sendable (DatabaseConnection) throws -> T) async throws -> T {
        switch engine {
        case .sqlite(let pool, _, _): try pool.readHere { try body(DatabaseConnection($0)) }
        case .postgresql(let pool, _): try await pool.transaction(.repeatableRead) { try body(DatabaseConnection($0)) }
        }
    }

    /// `lookup` of a single statement, which is its own snapshot: no BEGIN and COMMIT.
    func lookupOne<T: Sendable>(_ body: @escaping @Sendable (DatabaseConnection) throws -> T) async throws -> T {
        switch engine {
        case .sqlite(let pool, _, _): try pool.lookupHere { try body(DatabaseConnection($0)) }
        case .postgresql(let pool, _): try await pool.run { try body(DatabaseConnection($0)) }
        }
    }

    /// One transaction (SQLite: BEGIN IMMEDIATE on the writer; rolled back when `body` throws).
    func write<T: Sendable>(_ body: @escaping @Sendable (DatabaseConnection) throws -> T) async throws -> T {
        switch engine {
        case .sqlite(let pool, _, _): try await pool.write { try body(DatabaseConnection($0)) }
        case .postgresql(let pool, _): try await pool.transaction(.serializable) { try body(DatabaseConnection($0)) }
        }
    }

    /// `write` that blocks the calling thread, for command-line tools; never from async code.
    @discardableResult
    func writeSync<T: Sendable>(_ body: @escaping @Sendable (DatabaseConnection) throws -> T) throws -> T {
        switch engine {
        case .sqlite(let pool, _, _): try pool.writeSync { try body(DatabaseConnection($0)) }
        case .postgresql(let pool, _): try pool.transactionSync(.serializable) { try body(DatabaseConnection($0)) }
        }
    }

    /// `writeSync` for a large write that keeps its rules as `groupedWrite`s do (constraints,
    /// conditional updates, `lockUntilCommit`): on PostgreSQL READ COMMITTED, where
    /// SERIALIZABLE would make a batch of a thousand rows conflict with every concurrent
    /// registration. An import's batches.
    @discardableResult
    func lockedWriteSync<T: Sendable>(_ body: @escaping @Sendable (DatabaseConnection) throws -> T) throws -> T {
        switch engine {
        case .sqlite(let pool, _, _): try pool.writeSync { try body(DatabaseConnection($0)) }
        case .postgresql(let pool, _): try pool.transactionSync(.readCommitted) { try body(DatabaseConnection($0)) }
        }
    }

    /// `read` that blocks the calling thread, for command-line tools and job runners.
    func readSync<T: Sendable>(_ body: @escaping @Sendable (DatabaseConnection) throws -> T) throws -> T {
        switch engine {
        case .sqlite(let pool, _, _): try pool.readSync { try body(DatabaseConnection($0)) }
        case .postgresql(let pool, _): try pool.transactionSync(.repeatableRead) { try body(DatabaseConnection($0)) }
        }
    }

    /// A write that shares its commit with concurrent requests' writes, each in its own
    /// savepoint; answered after the COMMIT. On PostgreSQL, which has concurrent writers, a
    /// transaction of its own at READ COMMITTED: these are the hot writes (registrations), and
    /// SERIALIZABLE's page-level read locks made a third of concurrent registrations conflict
    /// and run again. So a body keeps its rules with constraints, conditional updates
    /// (`WHERE version = ?`), and `lockUntilCommit` on what it checks before it acts.
    func groupedWrite<T: Sendable>(_ body: @escaping @Sendable (DatabaseConnection) throws -> T) async throws -> T {
        switch engine {
        case .sqlite(_, let writes, _): try await writes.write { try body(DatabaseConnection($0)) }
        case .postgresql(let pool, _): try await pool.transaction(.readCommitted) { try body(DatabaseConnection($0)) }
        }
    }

    /// A record (an audit row) that shares its commit with others', without a savepoint each:
    /// one that fails fails its batch. On PostgreSQL the rows of a batch go in one multi-row
    /// INSERT (`RowAppender`), which saves a GET one of its three round trips under load.
    func append(_ row: AppendedRow) async throws {
        switch engine {
        case .sqlite(_, _, let records):
            try await records.append { try DatabaseConnection($0).execute(row.shape.insertOne, row.values) }
        case .postgresql(_, let records): try await records.append(row)
        }
    }

    /// Commits of the grouped records so far, for tests.
    var recordCommits: Int {
        switch engine {
        case .sqlite(_, _, let records): records.commitCount
        case .postgresql(_, let records): records.batchCount
        }
    }
}
