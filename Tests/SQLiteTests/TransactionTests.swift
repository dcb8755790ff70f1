import SQLite
import Testing

@Suite struct TransactionTests {
    static func makeConnection(_ path: String) throws -> Connection {
        let connection = try Connection(path: path)
        try connection.execute("""
            CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT UNIQUE);
            CREATE TABLE parent(id INTEGER PRIMARY KEY);
            CREATE TABLE child(id INTEGER PRIMARY KEY,
                               parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);
            """)
        return connection
    }

    @Test("write commits when the body returns")
    func commits() throws {
        try withTemporaryDatabase { path in
            let connection = try Self.makeConnection(path)
            let id = try connection.write { connection in
                #expect(connection.isInTransaction)
                try connection.execute("INSERT INTO t(name) VALUES (?)", ["a"])
                return connection.lastInsertRowID
            }
            #expect(id == 1)
            #expect(!connection.isInTransaction)
            // Visible to another connection, so it was committed.
            #expect(try Connection(path: path).count("t") == 1)
        }
    }

    @Test("write rolls back and rethrows the body's own error")
    func rollsBack() throws {
        try withTemporaryDatabase { path in
            let connection = try Self.makeConnection(path)
            #expect(throws: Boom(id: 7)) {
                try connection.write { connection in
                    try connection.execute("INSERT INTO t(name) VALUES (?)", ["a"])
                    try connection.execute("INSERT INTO t(name) VALUES (?)", ["b"])
                    try Self.failDeepInside(id: 7)
                }
            }
            #expect(!connection.isInTransaction)
            #expect(try connection.count("t") == 0)
        }
    }

    static func failDeepInside(id: Int) throws {
        do {
            throw Boom(id: id)
        } catch let boom as Boom {
            throw boom
        }
    }

    @Test("a SQLite error inside write is rethrown and earlier statements roll back")
    func sqliteErrorRollsBack() throws {
        try withTemporaryDatabase { path in
            let connection = try Self.makeConnection(path)
            let error = try #require(throws: SQLiteError.self) {
                try connection.write { connection in
                    try connection.execute("INSERT INTO t(name) VALUES (?)", ["a"])
                    try connection.execute("INSERT INTO t(name) VALUES (?)", ["a"])
                }
            }
            #expect(error.isUniqueConstraint)
            #expect(try connection.count("t") == 0)
            #expect(!connection.hasBusyStatement)
        }
    }

    @Test("a failing COMMIT rolls back and throws")
    func commitFailure() throws {
        try withTemporaryDatabase { path in
            let connection = try Self.makeConnection(path)
            // A deferred foreign key is checked at COMMIT.
            let error = try #require(throws: SQLiteError.self) {
                try connection.write { connection in
                    try connection.execute("INSERT INTO child(parent_id) VALUES (?)", [99])
                }
            }
            #expect(error.isForeignKeyConstraint)
            #expect(error.sql == "COMMIT")
            #expect(!connection.isInTransaction)
            #expect(try connection.count("child") == 0)
        }
    }

    @Test("transactions do not nest")
    func noNesting() throws {
        try withTemporaryDatabase { path in
            let connection = try Self.makeConnection(path)
            try connection.write { connection in
                try connection.execute("INSERT INTO t(name) VALUES (?)", ["outer"])
                #expect(throws: SQLiteError.self) {
                    try connection.write { _ in }
                }
            }
            #expect(try connection.count("t") == 1)
        }
    }

    @Test("read sees one snapshot for all its queries")
    func readSnapshot() throws {
        try withTemporaryDatabase { path in
            let writer = try Self.makeConnection(path)
            let reader = try Connection(path: path, readOnly: true)
            let (before, after) = try reader.read { reader in
                let before = try reader.count("t")
                try writer.execute("INSERT INTO t(name) VALUES (?)", ["new"])
                let after = try reader.count("t")
                return (before, after)
            }
            #expect(before == 0)
            #expect(after == 0)
            #expect(!reader.isInTransaction)
            #expect(try reader.count("t") == 1)
        }
    }
}
