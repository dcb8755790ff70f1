public import PostgreSQL
public import SQLite
internal import Synchronization

/// Which engine a connection talks to, for the few statements written twice.
public enum DatabaseEngine: Sendable {
    case sqlite
    case postgresql
}

/// One connection of either engine, as repositories see it: the same calls, `SQL` texts and
/// `SQLValue` parameters on both. Owned by one thread at a time, like the connections it wraps;
/// a value that costs nothing to make around one.
public struct DatabaseConnection {
    enum Storage {
        case sqlite(SQLite.Connection)
        case postgresql(PGConnection)
    }

    let storage: Storage
    /// PostgreSQL's texts of the statements run so far, by their SQLite text: the process
    /// runs a few hundred texts, each numbered once.
    private static let numbered = Mutex<[String: String]>([:])

    public init(_ connection: SQLite.Connection) { storage = .sqlite(connection) }
    public init(_ connection: PGConnection) { storage = .postgresql(connection) }

    public var engine: DatabaseEngine {
        switch storage {
        case .sqlite: .sqlite
        case .postgresql: .postgresql
        }
    }

    /// Runs one or more `;`-separated statements without parameters, such as a migration or
    /// a `CREATE TABLE`: SQLite's `sqlite3_exec`, PostgreSQL's simple query protocol.
    public func executeScript(_ sql: SQL) throws {
        switch storage {
        case .sqlite(let connection): try connection.execute(sql.text)
        case .postgresql(let connection): try connection.execute(sql.postgresqlVariant ?? sql.text)
        }
    }

    /// Runs one statement and returns the number of rows it changed.
    @discardableResult
    public func execute(_ sql: SQL, _ values: [SQLValue]) throws -> Int {
        switch storage {
        case .sqlite(let connection): try connection.execute(sql.text, values.map(\.sqlite))
        case .postgresql(let connection): try connection.execute(postgresqlText(sql), values.map(\.postgresql))
        }
    }

    /// Maps every row of a query with `map`.
    public func fetchAll<T>(_ sql: SQL, _ values: [SQLValue] = [], map: (DatabaseRow) throws -> T) throws -> [T] {
        switch storage {
        case .sqlite(let connection):
            try connection.fetchAll(sql.text, values.map(\.sqlite)) { try map(DatabaseRow(storage: .sqlite($0))) }
        case .postgresql(let connection):
            try connection.fetchAll(postgresqlText(sql), values.map(\.postgresql)) { try map(DatabaseRow(storage: .postgresql($0))) }
        }
    }

    /// Maps the first row of a query with `map`, or returns nil when there is none.
    public func fetchOne<T>(_ sql: SQL, _ values: [SQLValue] = [], map: (DatabaseRow) throws -> T) throws -> T? {
        switch storage {
        case .sqlite(let connection):
            try connection.fetchOne(sql.text, values.map(\.sqlite)) { try map(DatabaseRow(storage: .sqlite($0))) }
        case .postgresql(let connection):
            try connection.fetchOne(postgresqlText(sql), values.map(\.postgresql)) { try map(DatabaseRow(storage: .postgresql($0))) }
        }
    }

    // The same with a plain text, which is most statements (SQL's string literal form covers
    // literals; these cover texts put together at run time).
    @discardableResult
    public func execute(_ sql: String, _ values: [SQLValue] = []) throws -> Int { try execute(SQL(sql), values) }

    public func fetchAll<T>(_ sql: String, _ values: [SQLValue] = [], map: (DatabaseRow) throws -> T) throws -> [T] {
        try fetchAll(SQL(sql), values, map: map)
    }

    public func fetchOne<T>(_ sql: String, _ values: [SQLValue] = [], map: (DatabaseRow) throws -> T) throws -> T? {
        try fetchOne(SQL(sql), values, map: map)
    }

    /// Holds `key` until the transaction ends, so transactions that check and then act on the
    /// same thing (the class of one family card) take turns: on PostgreSQL an advisory lock on
    /// the key's hash (two keys sharing a hash only wait for each other). On SQLite nothing:
    /// its one writer runs write transactions one at a time already.
    public func lockUntilCommit(_ key: String) throws {
        switch storage {
        case .sqlite: return
        case .postgresql(let connection):
            _ = try connection.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [.text(key)])
        }
    }

    /// `lockUntilCommit` of every key, in sorted order (so two transactions locking overlapping
    /// sets cannot wait for each other), in one statement.
    public func lockUntilCommit(_ keys: [String]) throws {
        guard case .postgresql(let connection) = storage, !keys.isEmpty else { return }
        let sorted = Set(keys).sorted()
        let rows = (1...sorted.count).map { "($\($0))" }.joined(separator: ", ")
        // OFFSET 0 keeps the sort below the locking projection, so locks are taken in key order.
        _ = try connection.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM (SELECT k FROM (VALUES \(rows)) AS v (k) ORDER BY k OFFSET 0) AS s",
            sorted.map { .text($0) })
    }

    private func postgresqlText(_ sql: SQL) -> String {
        if let variant = sql.postgresqlVariant { return variant }
        if let text = Self.numbered.withLock({ $0[sql.text] }) { return text }
        let text = Placeholders.numbered(sql.text)
        Self.numbered.withLock { $0[sql.text] = text }
        return text
    }
}

@available(*, unavailable)
extension DatabaseConnection: Sendable {}
