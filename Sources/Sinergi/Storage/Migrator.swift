public import Foundation
internal import Crypto
internal import Database
public import PostgreSQL
public import SQLite

/// Applies `migrations/NNNN_name.sql` in order, each file and its `schema_migrations` row
/// in one transaction (as GRDB's `Migration.swift`), and refuses to run against a database
/// whose applied files have since changed.
public struct Migrator: Sendable {
    /// The migrations found, in version order.
    public let migrations: [Migration]

    /// Reads every `.sql` file of `directory`.
    public init(directory: URL) throws(MigrationError) {
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "sql" }
        } catch {
            throw .unreadableDirectory(directory.path)
        }
        var migrations: [Migration] = []
        for file in files {
            let base = file.deletingPathExtension().lastPathComponent
            let parts = base.split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false)
            // Four ASCII digits: `Int` alone would also take "+001" and "-001".
            guard parts.count == 2, parts[0].utf8.count == 4, parts[0].utf8.allSatisfy({ (0x30...0x39).contains($0) }),
                  let version = Int(parts[0]), !parts[1].isEmpty,
                  let data = try? Data(contentsOf: file), let sql = String(data: data, encoding: .utf8)
            else { throw .invalidFileName(file.lastPathComponent) }
            migrations.append(Migration(version: version, name: String(parts[1]), sql: sql, checksum: SHA256.hexDigest(data)))
        }
        try self.init(migrations: migrations)
    }

    /// Migrations given directly, as tests do.
    public init(migrations: [Migration]) throws(MigrationError) {
        let sorted = migrations.sorted { $0.version < $1.version }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.version == b.version {
            throw .duplicateVersion(a.version)
        }
        self.migrations = sorted
    }

    /// Checks applied migrations against the files, then applies the pending ones in order.
    /// Returns those it applied.
    @discardableResult
    public func migrate(_ pool: DatabasePool) throws -> [Migration] {
        try pool.writeSync { connection in try Self.createTable(DatabaseConnection(connection)) }
        let applied = try pool.readSync { connection in try Self.appliedRows(DatabaseConnection(connection)) }
        let pending = try pendingMigrations(applied: applied)
        for migration in pending {
            try Self.applying(migration) {
                try pool.writeSync { connection in try Self.apply(migration, on: DatabaseConnection(connection)) }
            }
        }
        return pending
    }

    /// `migrate` on PostgreSQL, with the PostgreSQL forms (a `Migrator` of
    /// `migrations/postgresql`). Nodes that start at once take turns on an advisory lock: one
    /// applies the pending files, the others then find none.
    @discardableResult
    public func migrate(_ pool: PGPool) throws -> [Migration] {
        try pool.runSync { session in
            try session.execute("SELECT pg_advisory_lock($1, hashtext(current_schema()))", [.integer(Self.advisoryLock)])
            defer { _ = try? session.execute("SELECT pg_advisory_unlock($1, hashtext(current_schema()))", [.integer(Self.advisoryLock)]) }
            try Self.createTable(DatabaseConnection(session))
            let pending = try pendingMigrations(applied: try Self.appliedRows(DatabaseConnection(session)))
            for migration in pending {
                try Self.applying(migration) {
                    try session.transaction { connection in try Self.apply(migration, on: DatabaseConnection(connection)) }
                }
            }
            return pending
        }
    }

    /// The file's statements and its `schema_migrations` row, in the caller's transaction.
    private static func apply(_ migration: Migration, on connection: DatabaseConnection) throws {
        try connection.executeScript(SQL(migration.sql))
        try connection.execute(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
            [.integer(Int64(migration.version)), .text(migration.name), .text(migration.checksum), .text(timestamp())])
    }

    /// Runs `body`, naming `migration` in what the engine refused.
    private static func applying(_ migration: Migration, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as SQLiteError {
            throw MigrationError.failed(version: migration.version, name: migration.name, reason: error.message)
        } catch let error as PGError {
            throw MigrationError.failed(version: migration.version, name: migration.name, reason: error.message)
        }
    }

    /// The advisory lock migrations hold on PostgreSQL, with the schema's hash as its second
    /// half (so databases in different schemas of one server migrate at once): any constant
    /// no other code uses ("snrg" in ASCII).
    static let advisoryLock: Int64 = 0x73_6E_72_67

    /// Whether the database has every migration applied, unchanged; for `/readyz`.
    func isCurrent(_ connection: DatabaseConnection) throws -> Bool {
        guard try connection.fetchOne(SQL(
            sqlite: "SELECT 1 AS present FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'",
            postgresql: "SELECT 1 AS present WHERE to_regclass('schema_migrations') IS NOT NULL"), map: { _ in true }) != nil
        else { return migrations.isEmpty }
        let applied = try Self.appliedRows(connection)
        guard let pending = try? pendingMigrations(applied: applied) else { return false }
        return pending.isEmpty
    }

    private func pendingMigrations(applied: [(version: Int, name: String, checksum: String)]) throws(MigrationError) -> [Migration] {
        let byVersion = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        for row in applied {
            guard let migration = byVersion[row.version] else {
                throw .unknownApplied(version: row.version, name: row.name)
            }
            guard migration.checksum == row.checksum else {
                throw .checksumMismatch(version: migration.version, name: migration.name)
            }
        }
        let appliedVersions = Set(applied.map(\.version))
        return migrations.filter { !appliedVersions.contains($0.version) }
    }

    private static func createTable(_ connection: DatabaseConnection) throws {
        try connection.executeScript(SQL(
            sqlite: "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)",
            postgresql: "CREATE TABLE IF NOT EXISTS schema_migrations (version bigint PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at text NOT NULL)"))
    }

    private static func appliedRows(_ connection: DatabaseConnection) throws -> [(version: Int, name: String, checksum: String)] {
        try connection.fetchAll("SELECT version, name, checksum FROM schema_migrations ORDER BY version") { row in
            (row.int(at: 0), row.string(at: 1), row.string(at: 2))
        }
    }

    private static func timestamp() -> String {
        Date().formatted(.iso8601)
    }
}
