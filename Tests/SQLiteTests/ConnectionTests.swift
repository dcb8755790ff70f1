import SQLite
import Testing

@Suite struct ConnectionTests {
    @Test("pragmas are set when a connection opens")
    func pragmas() throws {
        try withTemporaryDatabase { path in
            let writer = try Connection(path: path, busyTimeout: .milliseconds(1500))
            #expect(try writer.fetchOne("PRAGMA journal_mode") { $0.string(at: 0) } == "wal")
            #expect(try writer.fetchOne("PRAGMA foreign_keys") { $0.int(at: 0) } == 1)
            #expect(try writer.fetchOne("PRAGMA synchronous") { $0.int(at: 0) } == 1)
            #expect(try writer.fetchOne("PRAGMA busy_timeout") { $0.int(at: 0) } == 1500)

            let reader = try Connection(path: path, readOnly: true)
            #expect(reader.isReadOnly)
            #expect(try reader.fetchOne("PRAGMA journal_mode") { $0.string(at: 0) } == "wal")
            #expect(try reader.fetchOne("PRAGMA foreign_keys") { $0.int(at: 0) } == 1)
            #expect(try reader.fetchOne("PRAGMA synchronous") { $0.int(at: 0) } == 1)
            #expect(try reader.fetchOne("PRAGMA busy_timeout") { $0.int(at: 0) } == 5000)
            let error = try #require(throws: SQLiteError.self) { try reader.execute("CREATE TABLE t(x)") }
            #expect(error.code == 8)  // SQLITE_READONLY
        }
    }

    @Test("double-quoted strings are identifiers only")
    func noDoubleQuotedStrings() throws {
        try withTemporaryDatabase { path in
            let connection = try Connection(path: path)
            let error = try #require(throws: SQLiteError.self) { try connection.prepare(#"SELECT "not a column""#) }
            #expect(error.message.contains("no such column"))
        }
    }

    @Test("lastInsertRowID and changes report the last statement")
    func rowIDAndChanges() throws {
        try withTemporaryDatabase { path in
            let connection = try Connection(path: path)
            try connection.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, n INTEGER)")
            try connection.execute("INSERT INTO t(id, n) VALUES (?, ?)", [40, 1])
            #expect(connection.lastInsertRowID == 40)
            try connection.execute("INSERT INTO t(n) VALUES (?)", [1])
            #expect(connection.lastInsertRowID == 41)
            let changed = try connection.execute("UPDATE t SET n = n + 1 WHERE n = ?", [1])
            #expect(changed == 2)
            #expect(connection.changes == 2)
        }
    }

    @Test("cachedStatement returns the same statement for the same SQL")
    func cacheIdentity() throws {
        try withTemporaryDatabase { path in
            let connection = try Connection(path: path)
            let first = try connection.cachedStatement("SELECT 1")
            let second = try connection.cachedStatement("SELECT 1")
            let other = try connection.cachedStatement("SELECT 2")
            #expect(first === second)
            #expect(first !== other)
            #expect(try connection.prepare("SELECT 1") !== first)
        }
    }

    @Test("a cached select is reset after fetchOne, so it holds no read transaction")
    func cachedStatementIsReset() throws {
        try withTemporaryDatabase { path in
            let writer = try Connection(path: path, busyTimeout: .zero)
            try writer.execute("CREATE TABLE t(x INTEGER)")
            for x in 1...3 {
                try writer.execute("INSERT INTO t(x) VALUES (?)", [.integer(Int64(x))])
            }
            let reader = try Connection(path: path)
            let sql = "SELECT x FROM t ORDER BY x"

            // Control: a cached select left mid-step keeps a snapshot that blocks a full checkpoint.
            let statement = try reader.cachedStatement(sql)
            #expect(try statement.step())
            #expect(reader.hasBusyStatement)
            #expect(try Self.checkpointIsBusy(writer))
            statement.reset()

            // fetchOne reads one of three rows and must still leave the statement reset.
            #expect(try reader.fetchOne(sql) { $0.int(at: 0) } == 1)
            #expect(!reader.hasBusyStatement)
            #expect(!reader.isInTransaction)
            #expect(try Self.checkpointIsBusy(writer) == false)
            // Bindings are cleared too.
            #expect(try reader.fetchOne("SELECT ?", ["kept?"]) { $0.string(at: 0) } == "kept?")
            let cached = try reader.cachedStatement("SELECT ?")
            #expect(try cached.step())
            #expect(cached.isNull(at: 0))
            cached.reset()
        }
    }

    /// Runs `PRAGMA wal_checkpoint(TRUNCATE)` and returns its "busy" column.
    static func checkpointIsBusy(_ connection: Connection) throws -> Bool {
        try connection.fetchOne("PRAGMA wal_checkpoint(TRUNCATE)") { $0.int(at: 0) } == 1
    }

    @Test("a throwing map still resets the statement")
    func throwingMapResets() throws {
        try withTemporaryDatabase { path in
            let connection = try Connection(path: path)
            try connection.execute("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3)")
            #expect(throws: Boom(id: 2)) {
                _ = try connection.fetchAll("SELECT x FROM t ORDER BY x") { row in
                    if row.int(at: 0) == 2 { throw Boom(id: 2) }
                    return row.int(at: 0)
                }
            }
            #expect(!connection.hasBusyStatement)
            #expect(!connection.isInTransaction)
        }
    }

    @Test("a nested query with the same SQL gets its own statement")
    func nestedSameSQL() throws {
        try withTemporaryDatabase { path in
            let connection = try Connection(path: path)
            try connection.execute("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3)")
            let sql = "SELECT x FROM t WHERE x >= ? ORDER BY x"
            let pairs = try connection.fetchAll(sql, [1]) { row in
                let x = row.int(at: 0)
                return try connection.fetchAll(sql, [.integer(Int64(x))]) { "\(x)\($0.int(at: 0))" }
            }
            #expect(pairs == [["11", "12", "13"], ["22", "23"], ["33"]])
            #expect(!connection.hasBusyStatement)
        }
    }

    @Test("close succeeds with cached statements, and later use throws")
    func closeWithCachedStatements() throws {
        try withTemporaryDatabase { path in
            let connection = try Connection(path: path)
            try connection.execute("CREATE TABLE t(x)")
            try connection.execute("INSERT INTO t VALUES (?)", [1])
            _ = try connection.fetchAll("SELECT x FROM t") { $0.int(at: 0) }
            let cached = try connection.cachedStatement("SELECT x FROM t")
            #expect(try cached.step())  // even one left mid-step
            try connection.close()
            try connection.close()

            let error = try #require(throws: SQLiteError.self) { try connection.execute("SELECT 1", []) }
            #expect(error.isMisuse)
            #expect(throws: SQLiteError.self) { try connection.prepare("SELECT 1") }
            #expect(throws: SQLiteError.self) { try cached.step() }
            #expect(!connection.isInTransaction)
        }
    }

    @Test("close refuses while a prepared statement is alive, then succeeds")
    func closeWithLiveStatement() throws {
        try withTemporaryDatabase { path in
            let connection = try Connection(path: path)
            var statement: Statement? = try connection.prepare("SELECT 1")
            let error = try #require(throws: SQLiteError.self) { try connection.close() }
            #expect(error.isBusy)
            #expect(statement?.sql == "SELECT 1")
            statement = nil
            try connection.close()
        }
    }
}
