internal import CSQLite

/// A prepared SQL statement: bind parameters, step through rows, read columns.
///
/// Owned by the thread that owns its `Connection`, and must not outlive it. Reuse it with
/// `reset()` (and `clearBindings()`); a statement left mid-step keeps a read transaction open.
public final class Statement {
    /// The SQL text this statement was prepared from.
    public let sql: String
    /// The `sqlite3_stmt*`; nil once finalized.
    private(set) var handle: OpaquePointer?
    /// Column names and positions, read once: the SQL text, and so the columns, never change.
    private var columnNames: [String] = []
    private var columnIndexes: [String: Int32]?
    /// Where the next name is looked for first: decoders mostly read columns in order, and
    /// comparing one short name costs less than hashing it.
    private var nextColumn: Int32 = 0

    /// The position of the result column called `name`.
    ///
    /// - Throws: `RowError.noSuchColumn` when the statement has no such column.
    func columnIndex(_ name: String) throws(RowError) -> Int32 {
        if columnIndexes == nil {
            var indexes: [String: Int32] = [:]
            columnNames = (0..<columnCount).map { columnName(at: $0) }
            for (index, column) in columnNames.enumerated() where indexes[column] == nil {
                indexes[column] = Int32(index)
            }
            columnIndexes = indexes
        }
        let index: Int32
        if nextColumn < columnNames.count, columnNames[Int(nextColumn)] == name {
            index = nextColumn
        } else {
            guard let found = columnIndexes?[name] else { throw .noSuchColumn(name) }
            index = found
        }
        nextColumn = index + 1
        return index
    }

    /// Compiles exactly one SQL statement with `sqlite3_prepare_v3`.
    ///
    /// Throws when the SQL does not compile, holds no statement, or holds more than one
    /// (use `Connection.execute(_:)` for scripts).
    init(database: OpaquePointer, sql: String, persistent: Bool) throws {
        self.sql = sql
        // SQLITE_PREPARE_PERSISTENT: "a hint to the query planner that the prepared statement
        // will be retained for a long time and probably reused many times."
        let flags = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        var handle: OpaquePointer?
        try sql.withCString { text in
            var tail: UnsafePointer<CChar>?
            let resultCode = sqlite3_prepare_v3(database, text, -1, flags, &handle, &tail)
            guard resultCode == SQLITE_OK else {
                throw SQLiteError(resultCode: resultCode, database: database, sql: sql)
            }
            guard handle != nil else {
                throw SQLiteError.misuse("no SQL statement to prepare", sql: sql)
            }
            // Anything after the first statement must be whitespace or comments, else it would be
            // silently ignored. Preparing the tail tells: it yields no statement for those.
            if let tail, tail.pointee != 0 {
                var extra: OpaquePointer?
                let tailCode = sqlite3_prepare_v3(database, tail, -1, 0, &extra, nil)
                sqlite3_finalize(extra)
                if tailCode != SQLITE_OK || extra != nil {
                    sqlite3_finalize(handle)
                    handle = nil
                    throw SQLiteError.misuse("more than one SQL statement; use execute(_:) for scripts", sql: sql)
                }
            }
        }
        self.handle = handle
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Releases the compiled statement now; later calls on this statement throw `SQLITE_MISUSE`.
    public func finalize() {
        guard let handle else { return }
        // The result code repeats the last step's error, which was already thrown by step().
        sqlite3_finalize(handle)
        self.handle = nil
    }

    /// The number of `?`, `?NNN`, `:name`, `@name` and `$name` parameters (the largest index).
    public var parameterCount: Int32 {
        sqlite3_bind_parameter_count(handle)
    }

    /// Whether the statement has stepped but neither finished nor been reset.
    package var isBusy: Bool {
        handle.map { sqlite3_stmt_busy($0) != 0 } ?? false
    }

    /// Advances to the next row: true when a row is ready to read, false when done.
    ///
    /// Throws `SQLiteError` carrying this statement's SQL text (never its bound values). After
    /// false, stepping again starts the statement over, as SQLite resets it automatically.
    public func step() throws -> Bool {
        let handle = try requireHandle()
        let resultCode = sqlite3_step(handle)
        switch resultCode {
        case SQLITE_ROW:
            return true
        case SQLITE_DONE:
            return false
        default:
            throw SQLiteError(resultCode: resultCode, database: sqlite3_db_handle(handle), sql: sql)
        }
    }

    /// Rewinds the statement so it can run again; bindings are kept.
    public func reset() {
        // sqlite3_reset returns the last step's error, which step() already threw.
        guard let handle else { return }
        sqlite3_reset(handle)
    }

    /// Sets every parameter back to NULL.
    public func clearBindings() {
        guard let handle else { return }
        sqlite3_clear_bindings(handle)
    }

    /// The handle, or `SQLITE_MISUSE` once finalized.
    func requireHandle() throws -> OpaquePointer {
        guard let handle else {
            throw SQLiteError.misuse("statement is finalized", sql: sql)
        }
        return handle
    }
}

@available(*, unavailable)
extension Statement: Sendable {}
