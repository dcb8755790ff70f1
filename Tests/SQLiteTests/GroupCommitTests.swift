import Dispatch
import SQLite
import Testing

/// Holds the writer inside a job until released, so that jobs submitted meanwhile gather into
/// the next batch.
final class WriterGate: Sendable {
    private let entered: AsyncStream<Void>
    private let enteredContinuation: AsyncStream<Void>.Continuation
    private let released = DispatchSemaphore(value: 0)

    init() {
        (entered, enteredContinuation) = AsyncStream<Void>.makeStream()
    }

    /// Blocks the writer thread (never a cooperative one) until `release()`.
    func hold() {
        enteredContinuation.yield()
        released.wait()
    }

    /// Returns once a job is inside `hold()`.
    func waitUntilHeld() async {
        var iterator = entered.makeAsyncIterator()
        _ = await iterator.next()
    }

    func release() {
        released.signal()
    }
}

@Suite struct GroupCommitTests {
    static func makePool(_ path: String) async throws -> DatabasePool {
        let pool = try DatabasePool(path: path, readers: 1)
        try await pool.write { connection in
            try connection.execute("""
                CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT UNIQUE);
                CREATE TABLE parent(id INTEGER PRIMARY KEY);
                CREATE TABLE child(id INTEGER PRIMARY KEY,
                                   parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);
                """)
        }
        return pool
    }

    /// Runs `jobs` in one batch: a first job holds the writer while each job is submitted (an
    /// immediate task runs up to its first suspension, which comes after `write` has queued
    /// the job), then lets go. Returns each job's outcome, in order.
    static func inOneBatch(
        _ writes: GroupCommit,
        _ jobs: [@Sendable (Connection) throws -> Int]
    ) async throws -> [Result<Int, any Error>] {
        let gate = WriterGate()
        let holder = Task { try await writes.write { _ in gate.hold() } }
        await gate.waitUntilHeld()
        var tasks: [Task<Int, any Error>] = []
        for job in jobs {
            tasks.append(Task.immediate { try await writes.write(job) })
        }
        gate.release()
        try await holder.value
        var results: [Result<Int, any Error>] = []
        for task in tasks {
            results.append(await task.result)
        }
        return results
    }

    @Test("each caller gets its own job's result, after commit")
    func deliversResults() async throws {
        try await withTemporaryDatabase { path in
            let pool = try await Self.makePool(path)
            defer { pool.close() }
            let writes = GroupCommit(database: pool)
            let names = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for index in 0..<100 {
                    group.addTask {
                        let id = try await writes.write { connection in
                            try connection.execute("INSERT INTO t(name) VALUES (?)", [.text("n\(index)")])
                            return connection.lastInsertRowID
                        }
                        // A reader sees the row as soon as write returns: it was committed.
                        let name = try await pool.read { connection in
                            try connection.fetchOne("SELECT name FROM t WHERE id = ?", [.integer(id)]) { $0.string(at: 0) }
                        }
                        return (index, name)
                    }
                }
                var names: [Int: String?] = [:]
                for try await (index, name) in group {
                    names[index] = name
                }
                return names
            }
            #expect(names.count == 100)
            for (index, name) in names {
                #expect(name == "n\(index)")
            }
        }
    }

    @Test("a job that throws rolls back only its own changes; the rest of its batch commits")
    func failingJobFailsAlone() async throws {
        try await withTemporaryDatabase { path in
            let pool = try await Self.makePool(path)
            defer { pool.close() }
            let writes = GroupCommit(database: pool)
            let before = writes.commitCount
            let results = try await Self.inOneBatch(writes, [
                { connection in try connection.execute("INSERT INTO t(id, name) VALUES (1, 'a')", []) },
                { connection in
                    try connection.execute("INSERT INTO t(id, name) VALUES (2, 'b')", [])
                    try connection.execute("INSERT INTO t(id, name) VALUES (3, 'a')", [])  // UNIQUE
                    return 0
                },
                { connection in
                    try connection.execute("INSERT INTO t(id, name) VALUES (4, 'c')", [])
                    throw Boom(id: 4)
                },
                { connection in try connection.execute("INSERT INTO t(id, name) VALUES (5, 'd')", []) },
            ])
            #expect(writes.commitCount - before == 2)  // the gate's batch, then these four
            #expect(try results[0].get() == 1)
            #expect(throws: SQLiteError.self) { try results[1].get() }
            if case .failure(let error as SQLiteError) = results[1] {
                #expect(error.isUniqueConstraint)
            }
            #expect(throws: Boom(id: 4)) { try results[2].get() }
            #expect(try results[3].get() == 1)
            let ids = try await pool.read { connection in
                try connection.fetchAll("SELECT id FROM t ORDER BY id") { $0.int(at: 0) }
            }
            #expect(ids == [1, 5])
        }
    }

    @Test("a job sees the changes of the jobs before it in its batch")
    func seesEarlierJobs() async throws {
        try await withTemporaryDatabase { path in
            let pool = try await Self.makePool(path)
            defer { pool.close() }
            let writes = GroupCommit(database: pool)
            let before = writes.commitCount
            let results = try await Self.inOneBatch(writes, [
                { connection in
                    try connection.execute("INSERT INTO t(id, name) VALUES (1, 'a')", [])
                    return try connection.count("t")
                },
                { connection in
                    try connection.execute("INSERT INTO t(id, name) VALUES (2, 'b')", [])
                    return try connection.count("t")
                },
                { connection in try connection.count("t") },
            ])
            #expect(writes.commitCount - before == 2)
            #expect(try results.map { try $0.get() } == [1, 2, 2])
        }
    }

    @Test("when COMMIT fails, every caller of the batch gets its error and nothing is stored")
    func commitFailureFailsAll() async throws {
        try await withTemporaryDatabase { path in
            let pool = try await Self.makePool(path)
            defer { pool.close() }
            let writes = GroupCommit(database: pool)
            let before = writes.commitCount
            let results = try await Self.inOneBatch(writes, [
                { connection in try connection.execute("INSERT INTO t(id, name) VALUES (1, 'a')", []) },
                // A deferred foreign key is checked at COMMIT, not at RELEASE of the savepoint.
                { connection in try connection.execute("INSERT INTO child(id, parent_id) VALUES (1, 99)", []) },
                { connection in try connection.execute("INSERT INTO t(id, name) VALUES (2, 'b')", []) },
            ])
            #expect(writes.commitCount - before == 1)  // the gate's batch only
            for result in results {
                let error = try #require(throws: SQLiteError.self) { try result.get() }
                #expect(error.isForeignKeyConstraint)
            }
            let (rows, children) = try await pool.read { connection in
                (try connection.count("t"), try connection.count("child"))
            }
            #expect(rows == 0 && children == 0)
            // The writer is usable afterwards.
            #expect(try await writes.write { try $0.execute("INSERT INTO t(name) VALUES ('z')", []) } == 1)
        }
    }

    @Test("a job that ends the transaction itself fails its whole batch, and later jobs do not autocommit")
    func jobEndingTransactionFailsBatch() async throws {
        try await withTemporaryDatabase { path in
            let pool = try await Self.makePool(path)
            defer { pool.close() }
            let writes = GroupCommit(database: pool)
            let results = try await Self.inOneBatch(writes, [
                { connection in try connection.execute("INSERT INTO t(id, name) VALUES (1, 'a')", []) },
                { connection in
                    try connection.execute("ROLLBACK", [])
                    return 0
                },
                { connection in try connection.execute("INSERT INTO t(id, name) VALUES (3, 'c')", []) },
            ])
            for result in results {
                let error = try #require(throws: SQLiteError.self) { try result.get() }
                #expect(error.isMisuse)
            }
            #expect(try await pool.read { try $0.count("t") } == 0)
        }
    }

    @Test("no batch holds more than maxBatch jobs")
    func maxBatch() async throws {
        try await withTemporaryDatabase { path in
            let pool = try await Self.makePool(path)
            defer { pool.close() }
            let writes = GroupCommit(database: pool, maxBatch: 4)
            let before = writes.commitCount
            let jobs = (1...10).map { id in
                { @Sendable (connection: Connection) in
                    try connection.execute("INSERT INTO t(id) VALUES (?)", [.integer(Int64(id))])
                }
            }
            let results = try await Self.inOneBatch(writes, jobs)
            #expect(try results.map { try $0.get() } == Array(repeating: 1, count: 10))
            #expect(writes.commitCount - before == 1 + 3)  // the gate's, then 4 + 4 + 2
            let ids = try await pool.read { connection in
                try connection.fetchAll("SELECT id FROM t ORDER BY rowid") { $0.int(at: 0) }
            }
            #expect(ids == Array(1...10))  // in submission order
        }
    }

    @Test("many concurrent callers share far fewer transactions than jobs")
    func groupsConcurrentCallers() async throws {
        try await withTemporaryDatabase { path in
            let pool = try await Self.makePool(path)
            defer { pool.close() }
            let writes = GroupCommit(database: pool)
            let before = writes.commitCount
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<500 {
                    group.addTask {
                        _ = try await writes.write { connection in
                            try connection.execute("INSERT INTO t(name) VALUES (?)", [.text("n\(index)")])
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await pool.read { try $0.count("t") } == 500)
            let commits = writes.commitCount - before
            #expect(commits >= 1 && commits < 100)
        }
    }
}
