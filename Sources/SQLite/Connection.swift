internal import CSQLite

/// One SQLite database connection, owned by one thread at a time.
///
/// Opened with `SQLITE_OPEN_NOMUTEX`: SQLite does no locking of its own, so a connection must
/// never be used from two threads at once. `DatabasePool` gives each connection its own thread.
public final class Connection {
    /// The database file path, as given to `init`.
    public let path: String
    /// Whether the connection was opened with `SQLITE_OPEN_READONLY`.
    public let isReadOnly: Bool
    /// The `sqlite3*`; nil once closed.
    private var handle: OpaquePointer?
    /// Statements prepared by `cachedStatement(_:)`, keyed by SQL text.
    private var statementCache: [String: Statement] = [:]
    /// The handler given to `onWALCommit`, kept alive for SQLite's callback.
    private var walHook: WALHook?

    /// Opens (and for read-write, creates) the database at `path` and configures it.
    ///
    /// Read-write connections switch the file to WAL (`journal_mode=WAL`, which persists in the
    /// file); read-only connections cannot, and leave the journal mode alone. Every connection
    /// gets `foreign_keys=ON`, `synchronous=NORMAL`, the busy timeout, extended result codes, and
    /// no double-quoted string literals. Throws `SQLiteError`, e.g. `SQLITE_CANTOPEN`.
    public init(path: String, readOnly: Bool = false, busyTimeout: Duration = .seconds(5)) throws {
        var database: OpaquePointer?
        let flags = SQLITE_OPEN_NOMUTEX | (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        let resultCode = sqlite3_open_v2(path, &database, flags, nil)
        guard resultCode == SQLITE_OK, let database else {
            let error = SQLiteError(resultCode: resultCode, database: database, sql: nil)
            // "Whether or not an error occurs when it is opened, resources associated with the
            // database connection handle should be released by passing it to sqlite3_close()."
            sqlite3_close(database)
            throw error
        }
        self.path = path
        self.isReadOnly = readOnly
        self.handle = database
        do {
            try configure(database, busyTimeout: busyTimeout)
        } catch {
            try? close()
            throw error
        }
    }

    deinit {
        guard let handle else { return }
        for statement in statementCache.values {
            statement.finalize()
        }
        // close_v2 never fails: with statements still alive elsewhere it defers the close.
        sqlite3_close_v2(handle)
    }

    private func configure(_ database: OpaquePointer, busyTimeout: Duration) throws {
        sqlite3_extended_result_codes(database, 1)
        // Set first, so that switching to WAL below waits for other connections too.
        sqlite3_busy_timeout(database, Self.milliseconds(busyTimeout))
        // "Developers are encouraged to disable [double-quoted string literals]": with them on, a
        // misspelled "column" silently becomes a string.
        _ = csqlite_db_config_int(database, SQLITE_DBCONFIG_DQS_DML, 0, nil)
        _ = csqlite_db_config_int(database, SQLITE_DBCONFIG_DQS_DDL, 0, nil)
        if !isReadOnly {
            let sql = "PRAGMA journal_mode=WAL"
            let mode = try prepare(sql).firstString()
            // In-memory and temporary databases cannot use WAL; they have no file name.
            let isFile = sqlite3_db_filename(database, "main").map { $0.pointee != 0 } ?? false
            if isFile, mode?.lowercased() != "wal" {
                throw SQLiteError.notInWALMode(mode, sql: sql)
            }
        }
        try execute("PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL")
    }

    /// `duration` in whole milliseconds, clamped to `0...Int32.max`.
    private static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds.multipliedReportingOverflow(by: 1000)
        guard !milliseconds.overflow else { return seconds < 0 ? 0 : .max }
        let total = milliseconds.partialValue + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(0, total))
    }

    /// Finalizes cached statements, then closes the connection; later calls throw `SQLITE_MISUSE`.
    ///
    /// Calling it again does nothing. Throws `SQLITE_BUSY` if a statement from `prepare(_:)` is
    /// still alive; the connection then stays open (and closes when released).
    public func close() throws {
        guard let handle else { return }
        // "If the database connection is associated with unfinalized prepared statements ...
        // then sqlite3_close() will leave the database connection open and return SQLITE_BUSY."
        for statement in statementCache.values {
            statement.finalize()
        }
        statementCache.removeAll()
        let resultCode = sqlite3_close(handle)
        guard resultCode == SQLITE_OK else {
            throw SQLiteError(resultCode: resultCode, database: handle, sql: nil)
        }
        self.handle = nil
    }

    /// The handle, or `SQLITE_MISUSE` once closed.
    func requireHandle() throws -> OpaquePointer {
        guard let handle else {
            throw SQLiteError.misuse("connection is closed")
        }
        return handle
    }

    // MARK: - Running SQL

    /// Runs one or more `;`-separated statements without bindings (`sqlite3_exec`), e.g. a migration.
    public func execute(_ sql: String) throws {
        let database = try requireHandle()
        var errorMessage: UnsafeMutablePointer<CChar>?
        defer { sqlite3_free(errorMessage) }
        let resultCode = sqlite3_exec(database, sql, nil, nil, &errorMessage)
        guard resultCode == SQLITE_OK else {
            throw SQLiteError(resultCode: resultCode, database: database, sql: sql)
        }
    }

    /// Runs one statement with `bindings` (a cached statement) and returns the number of rows it
    /// changed, which is only meaningful for INSERT, UPDATE and DELETE.
    @discardableResult
    public func execute(_ sql: String, _ bindings: [SQLiteValue]) throws -> Int {
        let statement = try cachedStatement(sql)
        defer { statement.release() }
        try statement.bind(bindings)
        while try statement.step() {}
        return changes
    }

    /// Maps every row of a query (a cached statement) with `map`.
    public func fetchAll<T>(_ sql: String, _ bindings: [SQLiteValue] = [], map: (Row) throws -> T) throws -> [T] {
        let statement = try cachedStatement(sql)
        defer { statement.release() }
        try statement.bind(bindings)
        var results: [T] = []
        while try statement.step() {
            results.append(try map(Row(statement)))
        }
        return results
    }

    /// Maps the first row of a query (a cached statement) with `map`, or returns nil when there is none.
    public func fetchOne<T>(_ sql: String, _ bindings: [SQLiteValue] = [], map: (Row) throws -> T) throws -> T? {
        let statement = try cachedStatement(sql)
        defer { statement.release() }
        try statement.bind(bindings)
        guard try statement.step() else { return nil }
        return try map(Row(statement))
    }

    // MARK: - Statements

    /// Prepares a statement that is not cached; it is finalized when released.
    public func prepare(_ sql: String) throws -> Statement {
        try Statement(database: requireHandle(), sql: sql, persistent: false)
    }

    /// Returns this connection's statement for `sql`, preparing and caching it on first use.
    ///
    /// The caller must `reset()` and `clearBindings()` it after use (the fetch and execute
    /// helpers do). If the cached statement is still stepping (a nested query with the same SQL
    /// inside a `map` closure), a fresh, uncached statement is returned instead.
    public func cachedStatement(_ sql: String) throws -> Statement {
        let database = try requireHandle()
        if let statement = statementCache[sql] {
            guard statement.isBusy else { return statement }
            return try Statement(database: database, sql: sql, persistent: false)
        }
        let statement = try Statement(database: database, sql: sql, persistent: true)
        statementCache[sql] = statement
        return statement
    }

    // MARK: - Files

    /// Grows the database file `bytes` at a time (SQLITE_FCNTL_CHUNK_SIZE) instead of page by
    /// page, so that a checkpoint seldom changes the file's size, whose metadata a sync must
    /// then write too.
    public func setFileChunkSize(_ bytes: Int32) throws {
        let database = try requireHandle()
        var size = bytes
        let resultCode = sqlite3_file_control(database, "main", SQLITE_FCNTL_CHUNK_SIZE, &size)
        guard resultCode == SQLITE_OK else { throw SQLiteError(resultCode: resultCode, database: database, sql: nil) }
    }

    // MARK: - WAL

    /// Calls `handler` after each commit with the number of frames in the write-ahead log, on
    /// this connection's thread. Replaces SQLite's automatic checkpoints, which would otherwise
    /// run inside the committing call: whoever sets a hook checkpoints elsewhere.
    public func onWALCommit(_ handler: @escaping (Int) -> Void) throws {
        let database = try requireHandle()
        let hook = WALHook(handler)
        walHook = hook
        sqlite3_wal_hook(database, { context, _, _, frames in
            Unmanaged<WALHook>.fromOpaque(context!).takeUnretainedValue().handler(Int(frames))
            return SQLITE_OK
        }, Unmanaged.passUnretained(hook).toOpaque())
    }

    // MARK: - State

    /// The rowid of the most recent successful INSERT on this connection.
    public var lastInsertRowID: Int64 {
        handle.map { sqlite3_last_insert_rowid($0) } ?? 0
    }

    /// The number of rows changed by the most recent INSERT, UPDATE or DELETE on this connection.
    public var changes: Int {
        handle.map { Int(sqlite3_changes64($0)) } ?? 0
    }

    /// Whether a transaction is open (SQLite is not in autocommit mode).
    public var isInTransaction: Bool {
        handle.map { sqlite3_get_autocommit($0) == 0 } ?? false
    }

    /// Whether any statement of this connection has stepped without finishing or being reset,
    /// which would keep a read transaction open. Tests assert it is false.
    package var hasBusyStatement: Bool {
        guard let handle else { return false }
        var statement = sqlite3_next_stmt(handle, nil)
        while let current = statement {
            if sqlite3_stmt_busy(current) != 0 {
                return true
            }
            statement = sqlite3_next_stmt(handle, current)
        }
        return false
    }
}

@available(*, unavailable)
extension Connection: Sendable {}

extension Statement {
    /// Resets and clears bindings after one use, so a cached statement holds no read
    /// transaction and no bound values.
    func release() {
        reset()
        clearBindings()
    }

    /// Steps once and returns the first column as text, then resets.
    func firstString() throws -> String? {
        defer { release() }
        return try step() ? optionalString(at: 0) : nil
    }
}

/// A WAL hook's Swift closure, boxed for SQLite's context pointer.
private final class WALHook {
    let handler: (Int) -> Void

    init(_ handler: @escaping (Int) -> Void) {
        self.handler = handler
    }
}
