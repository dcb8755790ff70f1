import PostgreSQL
import Testing

@Suite(PostgreSQLTestDatabase.isConfigured)
struct PGPoolTests {
    @Test("concurrent serializable transactions that conflict are retried until each has run once")
    func serializationFailuresAreRetried() async throws {
        let pool = try PGPool(url: PostgreSQLTestDatabase.url!, size: 4)
        defer { pool.close() }
        let table = PostgreSQLTestDatabase.uniqueName("budget")
        try await pool.run { try $0.execute("CREATE TABLE \(table) (n int NOT NULL)"); try $0.execute("INSERT INTO \(table) VALUES (0)") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await pool.transaction(.serializable, attempts: 50) { connection in
                        // Read, then write what was read: two at once cannot both commit.
                        let n = try connection.fetchOne("SELECT n FROM \(table)", []) { $0.int(at: 0) } ?? 0
                        try connection.execute("UPDATE \(table) SET n = $1", [.integer(Int64(n + 1))])
                    }
                }
            }
            try await group.waitForAll()
        }
        let total = try await pool.run { try $0.fetchOne("SELECT n FROM \(table)", []) { $0.int(at: 0) } }
        try await pool.run { try $0.execute("DROP TABLE \(table)") }
        // Read committed would lose updates here; serializable with retries loses none.
        #expect(total == 20)
    }

    @Test("a connection whose server process is gone fails one job, then is reconnected")
    func brokenConnectionsReconnect() async throws {
        let pool = try PGPool(url: PostgreSQLTestDatabase.url!, size: 1)
        defer { pool.close() }
        let pid = try await pool.run { try $0.fetchOne("SELECT pg_backend_pid()", []) { $0.int(at: 0) } }
        let killer = try PostgreSQLTestDatabase.connect()
        #expect(try killer.fetchOne("SELECT pg_terminate_backend($1)", [.integer(Int64(pid!))]) { $0.bool(at: 0) } == true)
        await #expect {
            try await pool.run { try $0.fetchOne("SELECT 1", []) { $0.int(at: 0) } }
        } throws: { error in
            (error as? PGError)?.isConnectionFailure == true
        }
        let after = try await pool.run { try $0.fetchOne("SELECT pg_backend_pid()", []) { $0.int(at: 0) } }
        #expect(after != nil && after != pid)
    }

    @Test("a closed pool refuses work with a misuse error")
    func closedPool() async throws {
        let pool = try PGPool(url: PostgreSQLTestDatabase.url!, size: 2)
        pool.close()
        await #expect {
            try await pool.run { _ in 1 }
        } throws: { error in
            (error as? PGError)?.isMisuse == true
        }
    }
}
