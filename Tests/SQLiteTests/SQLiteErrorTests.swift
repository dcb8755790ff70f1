import Foundation
import SQLite
import Testing

@Suite struct SQLiteErrorTests {
    @Test("a UNIQUE violation carries codes, message and SQL, but not the bound value")
    func uniqueViolation() throws {
        try withTemporaryDatabase { path in
            let connection = try Connection(path: path)
            try connection.execute("CREATE TABLE members(id INTEGER PRIMARY KEY, nik TEXT NOT NULL UNIQUE)")
            let secret = "SECRET-NIK-3171234567890001"
            let sql = "INSERT INTO members(nik) VALUES (?)"
            try connection.execute(sql, [.text(secret)])
            let error = try #require(throws: SQLiteError.self) {
                try connection.execute(sql, [.text(secret)])
            }
            #expect(error.code == 19)
            #expect(error.extendedCode == 2067)
            #expect(error.message == "UNIQUE constraint failed: members.nik")
            #expect(error.sql == sql)
            #expect(error.isConstraint)
            #expect(error.isUniqueConstraint)
            #expect(!error.isForeignKeyConstraint)
            #expect(!error.isBusy)
            #expect(error.description.contains("UNIQUE constraint failed: members.nik"))
            #expect(error.description.contains(sql))
            for text in [error.description, String(reflecting: error), "\(error)", error.localizedDescription] {
                #expect(!text.contains(secret))
            }
            // The failed statement was reset: nothing is left stepping.
            #expect(!connection.hasBusyStatement)
        }
    }

    @Test("a duplicate primary key is a unique constraint too")
    func primaryKeyViolation() throws {
        try withTemporaryDatabase { path in
            let connection = try Connection(path: path)
            try connection.execute("CREATE TABLE t(code TEXT PRIMARY KEY) WITHOUT ROWID; CREATE TABLE r(id INTEGER PRIMARY KEY)")
            try connection.execute("INSERT INTO t VALUES ('a'); INSERT INTO r VALUES (1)")
            let textKey = try #require(throws: SQLiteError.self) { try connection.execute("INSERT INTO t VALUES (?)", ["a"]) }
            #expect(textKey.extendedCode == 1555)
            #expect(textKey.isUniqueConstraint)
            let rowid = try #require(throws: SQLiteError.self) { try connection.execute("INSERT INTO r VALUES (?)", [1]) }
            #expect(rowid.isUniqueConstraint)
        }
    }

    @Test("foreign key, NOT NULL and CHECK failures have their own extended codes")
    func otherConstraints() throws {
        try withTemporaryDatabase { path in
            let connection = try Connection(path: path)
            try connection.execute("""
                CREATE TABLE parent(id INTEGER PRIMARY KEY);
                CREATE TABLE child(id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent(id),
                                   amount INTEGER CHECK (amount > 0));
                """)
            let foreignKey = try #require(throws: SQLiteError.self) {
                try connection.execute("INSERT INTO child(parent_id, amount) VALUES (?, ?)", [99, 1])
            }
            #expect(foreignKey.extendedCode == 787)
            #expect(foreignKey.isForeignKeyConstraint)
            #expect(!foreignKey.isUniqueConstraint)

            try connection.execute("INSERT INTO parent(id) VALUES (1)")
            let notNull = try #require(throws: SQLiteError.self) {
                try connection.execute("INSERT INTO child(parent_id, amount) VALUES (?, ?)", [nil, 1])
            }
            #expect(notNull.isNotNullConstraint)
            #expect(notNull.extendedCode == 1299)

            let check = try #require(throws: SQLiteError.self) {
                try connection.execute("INSERT INTO child(parent_id, amount) VALUES (?, ?)", [1, -5])
            }
            #expect(check.isCheckConstraint)
            #expect(check.extendedCode == 275)
            #expect(check.isConstraint)
        }
    }

    @Test("syntax errors name the SQL, from prepare and from scripts")
    func syntaxErrors() throws {
        try withTemporaryDatabase { path in
            let connection = try Connection(path: path)
            let prepared = try #require(throws: SQLiteError.self) { try connection.prepare("SELEKT 1") }
            #expect(prepared.code == 1)
            #expect(prepared.message.contains("syntax error"))
            #expect(prepared.sql == "SELEKT 1")

            let script = "CREATE TABLE a(x); CREATE TABLE a(x)"
            let scripted = try #require(throws: SQLiteError.self) { try connection.execute(script) }
            #expect(scripted.code == 1)
            #expect(scripted.message.contains("already exists"))
            #expect(scripted.sql == script)
        }
    }

    @Test("binding mistakes are SQLITE_RANGE")
    func bindingMistakes() throws {
        try withTemporaryDatabase { path in
            let connection = try Connection(path: path)
            let statement = try connection.prepare("SELECT :a, ?")
            let tooFew = try #require(throws: SQLiteError.self) { try statement.bind([1]) }
            #expect(tooFew.code == 25)
            let unknownName = try #require(throws: SQLiteError.self) { try statement.bind(1, named: "missing") }
            #expect(unknownName.code == 25)
            let outOfRange = try #require(throws: SQLiteError.self) { try statement.bind(1, at: 3) }
            #expect(outOfRange.code == 25)
            #expect(outOfRange.sql == "SELECT :a, ?")
        }
    }

    @Test("failing to open is SQLITE_CANTOPEN")
    func openFailure() throws {
        try withTemporaryDatabase { path in
            // A read-only connection cannot create the file.
            let readOnly = try #require(throws: SQLiteError.self) { try Connection(path: path, readOnly: true) }
            #expect(readOnly.code == 14)
            let missingDirectory = try #require(throws: SQLiteError.self) {
                try Connection(path: path + ".d/nested/db.sqlite")
            }
            #expect(missingDirectory.code == 14)
        }
    }
}
