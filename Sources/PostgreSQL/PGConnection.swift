internal import CPostgreSQL

/// One PostgreSQL connection (libpq, blocking), used by one thread at a time.
///
/// Statements with parameters are prepared once per connection, on first use, and run by
/// name after that (`PQprepare`, `PQexecPrepared`), so the server parses and plans each SQL
/// text once per connection. `PGPool` gives each connection its own thread.
public final class PGConnection {
    /// The `PGconn*`; nil once closed.
    private var handle: OpaquePointer?
    /// Names of the statements prepared on this connection, by SQL text.
    private var prepared: [String: String] = [:]
    private let statementTimeoutMilliseconds: Int?

    /// Connects to `url` (`postgres://user@host:port/database?…`, or libpq's `key=value` form).
    /// `statementTimeout` cancels a statement that runs longer (SQLSTATE 57014).
    ///
    /// - Throws: `PGError` with SQLSTATE 08006 when the server cannot be reached or refuses.
    public init(url: String, statementTimeout: Duration? = nil) throws {
        statementTimeoutMilliseconds = statementTimeout.map { Int(($0 / .milliseconds(1)).rounded(.up)) }
        handle = PQconnectdb(url)
        try configure()
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    /// Closes the connection; later calls throw a misuse error. Calling it again does nothing.
    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
        prepared = [:]
    }

    /// Whether the connection is closed or broken (the server went away): `reset()` reconnects.
    public var isBroken: Bool {
        guard let handle else { return true }
        return PQstatus(handle) != CONNECTION_OK
    }

    /// Connects again with the same settings; prepared statements are prepared anew on use.
    public func reset() throws {
        guard let handle else { throw PGError.misuse("connection is closed") }
        prepared = [:]
        PQreset(handle)
        try configure()
    }

    /// Whether a transaction is open (or failed and not yet rolled back).
    public var isInTransaction: Bool {
        guard let handle else { return false }
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    private func configure() throws {
        guard let handle else { throw PGError.misuse("connection is closed") }
        guard PQstatus(handle) == CONNECTION_OK else {
            throw PGError(sqlState: "08006", message: Self.message(of: handle))
        }
        // Notices ("relation already exists, skipping") would go to stderr.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        try execute("SET client_encoding = 'UTF8'")
        if let statementTimeoutMilliseconds {
            try execute("SET statement_timeout = \(statementTimeoutMilliseconds)")
        }
    }

    /// Runs one or more `;`-separated statements without parameters (the simple query
    /// protocol), e.g. a migration.
    public func execute(_ sql: String) throws {
        let result = try run(sql) { handle in PQexec(handle, sql) }
        PQclear(result)
    }

    /// Runs one statement with `parameters` (`$1`, `$2`, …) and returns the number of rows it
    /// changed (or returned, for a SELECT).
    @discardableResult
    public func execute(_ sql: String, _ parameters: [PGValue]) throws -> Int {
        let result = try runPrepared(sql, parameters)
        defer { PQclear(result) }
        return Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    /// Maps every row of a query with `map`.
    public func fetchAll<T>(_ sql: String, _ parameters: [PGValue] = [], map: (PGRow) throws -> T) throws -> [T] {
        let result = try runPrepared(sql, parameters)
        defer { PQclear(result) }
        let count = PQntuples(result)
        var rows: [T] = []
        rows.reserveCapacity(Int(count))
        for row in 0..<count {
            rows.append(try map(PGRow(result: result, row: row)))
        }
        return rows
    }

    /// Maps the first row of a query with `map`, or returns nil when there is none.
    public func fetchOne<T>(_ sql: String, _ parameters: [PGValue] = [], map: (PGRow) throws -> T) throws -> T? {
        let result = try runPrepared(sql, parameters)
        defer { PQclear(result) }
        guard PQntuples(result) > 0 else { return nil }
        return try map(PGRow(result: result, row: 0))
    }

    /// Runs `body` in a transaction at `isolation`: COMMIT when it returns, ROLLBACK when it
    /// throws. A serialization failure or deadlock is thrown as it is (`PGError.isRetryable`);
    /// `PGPool.transaction` runs the whole body again.
    public func transaction<T>(_ isolation: PGIsolation = .readCommitted, _ body: (PGConnection) throws -> T) throws -> T {
        try execute(isolation.begin)
        let value: T
        do {
            value = try body(self)
        } catch {
            if !isBroken { try? execute("ROLLBACK") }
            throw error
        }
        try execute("COMMIT")
        return value
    }

    // MARK: - Running

    private func runPrepared(_ sql: String, _ parameters: [PGValue]) throws -> OpaquePointer {
        let name = try statementName(sql)
        let encoded = try EncodedParameters(parameters, sql: sql)
        return try run(sql) { handle in
            encoded.withArrays { values, lengths, formats in
                PQexecPrepared(handle, name, Int32(parameters.count), values, lengths, formats, 0)
            }
        }
    }

    private func statementName(_ sql: String) throws -> String {
        if let name = prepared[sql] { return name }
        let name = "s\(prepared.count + 1)"
        let result = try run(sql) { handle in PQprepare(handle, name, sql, 0, nil) }
        PQclear(result)
        prepared[sql] = name
        return name
    }

    /// Calls `send` and returns its result when it succeeded; the caller clears it.
    private func run(_ sql: String, _ send: (OpaquePointer) -> OpaquePointer?) throws -> OpaquePointer {
        guard let handle else { throw PGError.misuse("connection is closed", sql: sql) }
        guard let result = send(handle) else {
            throw PGError(sqlState: "08006", message: Self.message(of: handle), sql: sql)
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return result
        default:
            defer { PQclear(result) }
            throw Self.error(from: result, handle: handle, sql: sql)
        }
    }

    private static func error(from result: OpaquePointer, handle: OpaquePointer, sql: String) -> PGError {
        func field(_ code: Character) -> String? {
            PQresultErrorField(result, Int32(code.asciiValue!)).map { String(cString: $0) }
        }
        // No SQLSTATE: libpq's own failure, such as a connection lost mid-query.
        let state = field("C") ?? "08006"
        return PGError(sqlState: state, message: field("M") ?? message(of: handle), constraint: field("n"), table: field("t"), sql: sql)
    }

    private static func message(of handle: OpaquePointer) -> String {
        String(cString: PQerrorMessage(handle)).trimmingSuffix(while: { $0 == "\n" })
    }
}

@available(*, unavailable)
extension PGConnection: Sendable {}

/// How much of other transactions a transaction may see (and so what it must retry).
public enum PGIsolation: Sendable {
    /// Each statement sees what was committed before it began.
    case readCommitted
    /// The whole transaction sees one snapshot.
    case repeatableRead
    /// As if transactions ran one after another; the loser of a conflict gets SQLSTATE 40001.
    case serializable

    var begin: String {
        switch self {
        case .readCommitted: "BEGIN"
        case .repeatableRead: "BEGIN ISOLATION LEVEL REPEATABLE READ"
        case .serializable: "BEGIN ISOLATION LEVEL SERIALIZABLE"
        }
    }
}

extension String {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> String {
        var text = self[...]
        while let last = text.last, predicate(last) { text = text.dropLast() }
        return String(text)
    }
}
