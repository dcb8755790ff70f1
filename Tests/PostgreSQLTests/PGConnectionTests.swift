import PostgreSQL
import Testing

@Suite(PostgreSQLTestDatabase.isConfigured)
struct PGConnectionTests {
    @Test("every kind of value goes in as a parameter and comes back unchanged")
    func valuesRoundTrip() throws {
        let connection = try PostgreSQLTestDatabase.connect()
        let bytes = (0...255).map(UInt8.init)
        let sql = "SELECT $1::bigint, $2::bigint, $3::float8, $4::boolean, $5::text, $6::text, $7::bytea, $8::bytea, $9::text, 42::int4, 7::int2, SUM(x)::numeric FROM (VALUES (2), (3)) AS v(x)"
        let parameters: [PGValue] = [
            .integer(.min), .integer(.max), .real(-0.1), .boolean(true), .text("Nahdlatul Ulama, Sidoarjo — é ✓"), .text(""),
            .bytes(bytes), .bytes([]), .null,
        ]
        let row = try #require(try connection.fetchOne(sql, parameters) { row in
            (row.int64(at: 0), row.int64(at: 1), row.double(at: 2), row.bool(at: 3), row.string(at: 4), row.string(at: 5),
             row.blob(at: 6), row.blob(at: 7), row.optionalString(at: 8), row.int(at: 9), row.int(at: 10), row.int64(at: 11))
        })
        #expect(row.0 == .min && row.1 == .max && row.2 == -0.1 && row.3)
        #expect(row.4 == "Nahdlatul Ulama, Sidoarjo — é ✓" && row.5 == "")
        #expect(row.6 == bytes && row.7 == [] && row.8 == nil)
        #expect(row.9 == 42 && row.10 == 7 && row.11 == 5)
    }

    @Test("text with a NUL character is refused before it is sent, not cut short")
    func nulInTextIsRefused() throws {
        let connection = try PostgreSQLTestDatabase.connect()
        #expect {
            try connection.execute("SELECT $1::text", [.text("a\u{0}b")])
        } throws: { error in
            (error as? PGError)?.sqlState == "22021"
        }
        // The connection is still usable.
        #expect(try connection.fetchOne("SELECT 1", []) { $0.int(at: 0) } == 1)
    }

    @Test("constraint failures carry their SQLSTATE and the constraint's name, never the values")
    func constraintErrors() throws {
        let connection = try PostgreSQLTestDatabase.connect()
        let parent = PostgreSQLTestDatabase.uniqueName("parent"), child = PostgreSQLTestDatabase.uniqueName("child")
        try connection.execute("""
            CREATE TEMP TABLE \(parent) (id bigint PRIMARY KEY, code text NOT NULL UNIQUE, n int CHECK (n > 0));
            CREATE TEMP TABLE \(child) (id bigint PRIMARY KEY, parent_id bigint REFERENCES \(parent)(id));
            """)
        try connection.execute("INSERT INTO \(parent) (id, code, n) VALUES ($1, $2, $3)", [.integer(1), .text("3507"), .integer(1)])
        func failure(_ sql: String, _ parameters: [PGValue]) -> PGError? {
            do { try connection.execute(sql, parameters); return nil } catch { return error as? PGError }
        }
        let unique = failure("INSERT INTO \(parent) (id, code, n) VALUES ($1, $2, $3)", [.integer(2), .text("3507"), .integer(1)])
        #expect(unique?.isUniqueViolation == true && unique?.constraint == "\(parent)_code_key" && unique?.table == parent)
        #expect(unique.map { !$0.description.contains("3507") } == true)
        #expect(failure("INSERT INTO \(parent) (id, code, n) VALUES ($1, $2, $3)", [.integer(3), .text("x"), .integer(0)])?.isCheckViolation == true)
        #expect(failure("INSERT INTO \(parent) (id, code) VALUES ($1, $2)", [.integer(4), .null])?.isNotNullViolation == true)
        #expect(failure("INSERT INTO \(child) (id, parent_id) VALUES ($1, $2)", [.integer(1), .integer(99)])?.isForeignKeyViolation == true)
        #expect(try connection.execute("UPDATE \(parent) SET n = n + 1 WHERE id = $1", [.integer(1)]) == 1)
    }

    @Test("a statement is prepared once per connection, however often it runs")
    func statementsArePreparedOnce() throws {
        let connection = try PostgreSQLTestDatabase.connect()
        for value in 0..<5 {
            #expect(try connection.fetchOne("SELECT $1::int + 1", [.integer(Int64(value))]) { $0.int(at: 0) } == value + 1)
        }
        let prepared = try connection.fetchOne("SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", [.text("SELECT $1::int + 1")]) { $0.int(at: 0) }
        #expect(prepared == 1)
    }

    @Test("a transaction commits when its body returns and rolls back when it throws")
    func transactions() throws {
        struct Refused: Error {}
        let connection = try PostgreSQLTestDatabase.connect()
        let table = PostgreSQLTestDatabase.uniqueName("t")
        try connection.execute("CREATE TEMP TABLE \(table) (n int)")
        _ = try connection.transaction(.serializable) { try $0.execute("INSERT INTO \(table) VALUES (1)", []) }
        #expect(throws: Refused.self) {
            try connection.transaction { connection in
                try connection.execute("INSERT INTO \(table) VALUES (2)", [])
                throw Refused()
            }
        }
        #expect(!connection.isInTransaction)
        #expect(try connection.fetchAll("SELECT n FROM \(table) ORDER BY n", []) { $0.int(at: 0) } == [1])
    }

    @Test("a statement over the statement timeout is cancelled (57014)")
    func statementTimeout() throws {
        let connection = try PostgreSQLTestDatabase.connect(statementTimeout: .milliseconds(50))
        #expect {
            try connection.execute("SELECT pg_sleep(5)", [])
        } throws: { error in
            (error as? PGError)?.isQueryCanceled == true
        }
    }

    @Test("a server that cannot be reached is a connection failure, not a crash")
    func unreachableServer() {
        #expect {
            _ = try PGConnection(url: "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
        } throws: { error in
            (error as? PGError)?.isConnectionFailure == true
        }
    }
}
