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

    @Test("a checkpoint runs after enough log and the log then starts over instead of growing")
    func walStartsOver() async throws {
        try await withTemporaryDatabase { path in
            let pool = try DatabasePool(path: path, readers: 1, checkpointFrames: 1_000)
            defer { pool.close() }
            try await pool.write { try $0.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, body BLOB)") }
            let body = [UInt8](repeating: 7, count: 4096)
            var id: Int64 = 0
            func insert() async throws {
                id += 1
                let row = id
                try await pool.write { try $0.execute("INSERT INTO t VALUES (?, ?)", [.integer(row), .blob(body)]) }
            }
            // 1,500 pages of log: past the threshold. The checkpoint runs on other threads, so
            // keep writing (bounded) until it reports done; no sleeping.
            for _ in 0..<1_500 { try await insert() }
            var writes = 0
            while pool.checkpointCount == 0, writes < 100_000 {
                try await insert()
                writes += 1
            }
            #expect(pool.checkpointCount > 0, "no checkpoint after \(writes) more writes")
            // The next commit restarts the log at its beginning: 100 more pages do not make
            // the file longer.
            try await insert()
            let size = { (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0 }
            let before = size()
            for _ in 0..<100 { try await insert() }
            #expect(size() == before, "the log grew from \(before) to \(size()) bytes")
        }
    }
}
