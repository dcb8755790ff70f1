import SQLite
import Testing

@Suite struct StatementTests {
    static let values: [SQLiteValue] = [
        .integer(.min), .integer(.max), .integer(0), .integer(-1),
        .real(3.25), .real(-1e300), .real(0),
        .text(""), .text("héllo wörld 🌏 ∑\u{0}after NUL\u{0}"), .text("a\u{0}"),
        .blob([0, 0, 1, 255, 0]), .blob([]), .blob([0]),
        .null,
    ]

    static func typeName(_ value: SQLiteValue) -> String {
        switch value {
        case .integer: "integer"
        case .real: "real"
        case .text: "text"
        case .blob: "blob"
        case .null: "null"
        }
    }

    @Test("binds each value by index and reads it back", arguments: values)
    func bindsByIndex(value: SQLiteValue) throws {
        try withTemporaryDatabase { path in
            let connection = try Connection(path: path)
            // No declared type: no affinity, so each value keeps its storage class.
            try connection.execute("CREATE TABLE t(v)")
            let insert = try connection.prepare("INSERT INTO t(v) VALUES (?)")
            try insert.bind(value, at: 1)
            #expect(try insert.step() == false)

            let select = try connection.prepare("SELECT v, typeof(v) FROM t")
            #expect(try select.step())
            #expect(select.value(at: 0) == value)
            #expect(select.string(at: 1) == Self.typeName(value))
            #expect(select.isNull(at: 0) == value.isNull)
            switch value {
            case .integer(let integer):
                #expect(select.int64(at: 0) == integer)
                #expect(select.optionalInt64(at: 0) == integer)
            case .real(let real):
                #expect(select.double(at: 0) == real)
                #expect(select.optionalDouble(at: 0) == real)
            case .text(let text):
                #expect(select.string(at: 0) == text)
                #expect(select.string(at: 0).utf8.count == text.utf8.count)
                #expect(select.optionalString(at: 0) == text)
            case .blob(let bytes):
                #expect(select.blob(at: 0) == bytes)
                #expect(select.optionalBlob(at: 0) == bytes)
            case .null:
                #expect(select.optionalInt64(at: 0) == nil)
                #expect(select.optionalString(at: 0) == nil)
                #expect(select.optionalBlob(at: 0) == nil)
                #expect(select.int64(at: 0) == 0)
                #expect(select.string(at: 0) == "")
            }
            #expect(try select.step() == false)
        }
    }

    @Test("binds each value by name and reads it back", arguments: values, [":", "@", "$"])
    func bindsByName(value: SQLiteValue, prefix: String) throws {
        try withTemporaryDatabase { path in
            let connection = try Connection(path: path)
            let select = try connection.prepare("SELECT \(prefix)other, \(prefix)v")
            try select.bind(.text("other"), named: "\(prefix)other")
            try select.bind(value, named: "v")
            #expect(try select.step())
            #expect(select.value(at: 0) == .text("other"))
            #expect(select.value(at: 1) == value)
        }
    }

    @Test("typed bind overloads round-trip")
    func typedOverloads() throws {
        try withTemporaryDatabase { path in
            let connection = try Connection(path: path)
            let select = try connection.prepare("SELECT ?, ?, ?, ?, ?, ?, ?")
            try select.bind(Int64.min, at: 1)
            try select.bind(Int.max, at: 2)
            try select.bind(2.5, at: 3)
            try select.bind("teks", at: 4)
            try select.bind([1, 0, 2] as [UInt8], at: 5)
            try select.bindNull(at: 6)
            try select.bind(SQLiteValue(true), at: 7)
            #expect(try select.step())
            #expect(select.int64(at: 0) == .min)
            #expect(select.int(at: 1) == .max)
            #expect(select.double(at: 2) == 2.5)
            #expect(select.string(at: 3) == "teks")
            #expect(select.blob(at: 4) == [1, 0, 2])
            #expect(select.isNull(at: 5))
            #expect(select.bool(at: 6))
            #expect(select.optionalInt(at: 5) == nil)
            #expect(select.optionalBool(at: 6) == true)
        }
    }

    @Test("literals and optionals make the expected values")
    func literals() {
        let values: [SQLiteValue] = [1, 2.5, "x", true, nil]
        #expect(values == [.integer(1), .real(2.5), .text("x"), .integer(1), .null])
        #expect(SQLiteValue(nil as String?) == .null)
        #expect(SQLiteValue("y" as String?) == .text("y"))
        #expect(SQLiteValue(7 as Int?) == .integer(7))
        #expect(SQLiteValue([0] as [UInt8]?) == .blob([0]))
    }

    @Test("steps through every row, then reports done")
    func iteratesRows() throws {
        try withTemporaryDatabase { path in
            let connection = try Connection(path: path)
            try connection.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)")
            for id in 1...5 {
                try connection.execute("INSERT INTO t(id, name) VALUES (?, ?)", [.integer(Int64(id)), .text("n\(id)")])
            }
            let select = try connection.prepare("SELECT id, name AS label FROM t WHERE id >= ? ORDER BY id")
            #expect(select.columnCount == 2)
            #expect(select.columnName(at: 0) == "id")
            #expect(select.columnName(at: 1) == "label")
            #expect(select.parameterCount == 1)

            try select.bind([2])
            var seen: [String] = []
            while try select.step() {
                seen.append("\(select.int(at: 0)):\(select.string(at: 1))")
            }
            #expect(seen == ["2:n2", "3:n3", "4:n4", "5:n5"])

            // reset keeps bindings; clearBindings sets them to NULL.
            select.reset()
            #expect(try select.step())
            #expect(select.int(at: 0) == 2)
            select.reset()
            select.clearBindings()
            #expect(try select.step() == false)  // id >= NULL matches nothing

            let all = try connection.fetchAll("SELECT id FROM t ORDER BY id DESC") { $0.int64(at: 0) }
            #expect(all == [5, 4, 3, 2, 1])
            #expect(try connection.fetchOne("SELECT name FROM t WHERE id = ?", [3]) { $0.string(at: 0) } == "n3")
            #expect(try connection.fetchOne("SELECT name FROM t WHERE id = ?", [42]) { $0.string(at: 0) } == nil)
        }
    }

    @Test("rejects more than one statement, and empty SQL")
    func rejectsScripts() throws {
        try withTemporaryDatabase { path in
            let connection = try Connection(path: path)
            let multiple = try #require(throws: SQLiteError.self) {
                try connection.prepare("SELECT 1; SELECT 2")
            }
            #expect(multiple.isMisuse)
            #expect(multiple.sql == "SELECT 1; SELECT 2")
            #expect(throws: SQLiteError.self) { try connection.prepare("   -- nothing") }
            // Trailing whitespace, semicolons and comments are fine.
            let statement = try connection.prepare("SELECT 1;  -- done\n ")
            #expect(try statement.step())
        }
    }

    @Test("a finalized statement throws instead of crashing")
    func finalizedStatement() throws {
        try withTemporaryDatabase { path in
            let connection = try Connection(path: path)
            let statement = try connection.prepare("SELECT ?")
            statement.finalize()
            statement.finalize()
            let error = try #require(throws: SQLiteError.self) { try statement.step() }
            #expect(error.isMisuse)
            #expect(throws: SQLiteError.self) { try statement.bind(1, at: 1) }
            #expect(statement.columnCount == 0)
        }
    }
}
