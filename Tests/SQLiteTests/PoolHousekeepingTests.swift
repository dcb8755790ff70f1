import Foundation
import SQLite
import Testing

/// `readHere` (a connection per calling thread) and the checkpointer that keeps commits from
/// checkpointing.
@Suite struct PoolHousekeepingTests {
    @Test("readHere reads committed rows on the calling thread and fails once the pool is closed")
    func readHere() async throws {
        try await withTemporaryDatabase { path in
            let pool = try DatabasePool(path: path, readers: 1)
            try await pool.write { try $0.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, value TEXT)") }
            try await pool.write { try $0.execute("INSERT INTO t VALUES (1, 'one')", []) }
            let value = try pool.readHere { try $0.fetchOne("SELECT value FROM t WHERE id = 1") { $0.string(at: 0) } }
            #expect(value == "one")
            // The same thread keeps its connection and sees later commits.
            try await pool.write { try $0.execute("UPDATE t SET value = 'uno' WHERE id = 1", []) }
            let again = try pool.readHere { try $0.fetchOne("SELECT value FROM t WHERE id = 1") { $0.string(at: 0) } }
            #expect(again == "uno")
            #expect(throws: SQLiteError.self) { try pool.readHere { try $0.execute("INSERT INTO t VALUES (2, 'x')", []) } }
            pool.close()
            #expect(throws: SQLiteError.self) { try pool.readHere { _ in 1 } }
        }
    }

    @Test("the write-ahead log stays bounded: checkpoints run and the log starts over")
    func walStaysBounded() async throws {
        try await withTemporaryDatabase { path in
            let pool = try DatabasePool(path: path, readers: 1, checkpointFrames: 1_000)
            defer { pool.close() }
            try await pool.write { try $0.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, body BLOB)") }
            // 6,000 commits of one 4 KiB row each: about 50 MB of log without checkpoints.
            let body = [UInt8](repeating: 7, count: 4096)
            var largest = 0
            for id in 1...6_000 {
                try await pool.write { try $0.execute("INSERT INTO t VALUES (?, ?)", [.integer(Int64(id)), .blob(body)]) }
                if id % 500 == 0 {
                    largest = max(largest, (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0)
                }
            }
            #expect(largest > 0)
            #expect(largest < 25_000_000, "the log reached \(largest) bytes")
        }
    }
}
