import Dispatch
import SQLite
import Synchronization
import Testing

/// Counts closures running at once, and the connections they ran on.
final class Tally: Sendable {
    private let state = Mutex((current: 0, peak: 0, connections: Set<ObjectIdentifier>()))

    func enter(_ connection: Connection) {
        state.withLock { state in
            state.current += 1
            state.peak = max(state.peak, state.current)
            state.connections.insert(ObjectIdentifier(connection))
        }
    }

    func leave() {
        state.withLock { $0.current -= 1 }
    }

    var peak: Int { state.withLock { $0.peak } }
    var connectionCount: Int { state.withLock { $0.connections.count } }
}

/// A one-shot flag shared with pool closures.
final class Flag: Sendable {
    private let state = Mutex(false)
    func set() { state.withLock { $0 = true } }
    var isSet: Bool { state.withLock { $0 } }
}

@Suite struct DatabasePoolTests {
    static func makePool(_ path: String, readers: Int = 4) async throws -> DatabasePool {
        let pool = try DatabasePool(path: path, readers: readers)
        try await pool.write { connection in
            try connection.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, value INTEGER NOT NULL)")
        }
        return pool
    }

    @Test("concurrent reads from many tasks return the right rows")
    func concurrentReads() async throws {
        try await withTemporaryDatabase { path in
            let pool = try await Self.makePool(path)
            defer { pool.close() }
            #expect(pool.readerCount == 4)
            try await pool.write { connection in
                for id in 1...100 {
                    try connection.execute("INSERT INTO t(id, value) VALUES (?, ?)", [.integer(Int64(id)), .integer(Int64(id * id))])
                }
            }
            try await withThrowingTaskGroup(of: (Int, Int?).self) { group in
                for id in 1...100 {
                    group.addTask {
                        let value = try await pool.read { connection in
                            try connection.fetchOne("SELECT value FROM t WHERE id = ?", [.integer(Int64(id))]) { $0.int(at: 0) }
                        }
                        return (id, value)
                    }
                }
                var answered = 0
                for try await (id, value) in group {
                    #expect(value == id * id)
                    answered += 1
                }
                #expect(answered == 100)
            }
        }
    }

    @Test("writes run one at a time")
    func serializedWrites() async throws {
        try await withTemporaryDatabase { path in
            let pool = try await Self.makePool(path)
            defer { pool.close() }
            try await pool.write { try $0.execute("INSERT INTO t(id, value) VALUES (1, 0)") }
            let tally = Tally()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<40 {
                    group.addTask {
                        try await pool.write { connection in
                            tally.enter(connection)
                            defer { tally.leave() }
                            // Read, then write from Swift: lost updates would show if writes overlapped.
                            let value = try connection.fetchOne("SELECT value FROM t WHERE id = 1") { $0.int(at: 0) } ?? 0
                            try connection.execute("UPDATE t SET value = ? WHERE id = 1", [.integer(Int64(value + 1))])
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(tally.peak == 1)
            #expect(tally.connectionCount == 1)  // one writer connection
            #expect(try await pool.read { try $0.fetchOne("SELECT value FROM t") { $0.int(at: 0) } } == 40)
        }
    }

    @Test("a read sees data committed before it")
    func readsCommittedData() async throws {
        try await withTemporaryDatabase { path in
            let pool = try await Self.makePool(path)
            defer { pool.close() }
            for id in 1...3 {
                try await pool.write { try $0.execute("INSERT INTO t(id, value) VALUES (?, 0)", [.integer(Int64(id))]) }
                #expect(try await pool.read { try $0.count("t") } == id)
            }
        }
    }

    @Test("a long read blocks neither another reader nor the writer, and keeps its snapshot")
    func longReadDoesNotBlock() async throws {
        try await withTemporaryDatabase { path in
            let pool = try await Self.makePool(path, readers: 2)
            defer { pool.close() }
            let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
            let gate = DispatchSemaphore(value: 0)
            let longReadFinished = Flag()

            let longRead = Task {
                try await pool.read { connection in
                    let before = try connection.count("t")  // starts the snapshot
                    startedContinuation.yield()
                    // Bounded, so a broken pool fails the test instead of hanging it.
                    let released = gate.wait(timeout: .now() + 20) == .success
                    let after = try connection.count("t")
                    longReadFinished.set()
                    return (released, before, after)
                }
            }
            var iterator = started.makeAsyncIterator()
            await iterator.next()

            // Both complete only if they do not wait for the long read.
            try await pool.write { try $0.execute("INSERT INTO t(id, value) VALUES (1, 1)") }
            let (count, longReadWasRunning) = try await pool.read { connection in
                (try connection.count("t"), !longReadFinished.isSet)
            }
            #expect(count == 1)
            #expect(longReadWasRunning)

            gate.signal()
            let (released, before, after) = try await longRead.value
            #expect(released)
            #expect(before == 0)
            #expect(after == 0)
        }
    }

    @Test("errors come back through the async API, and failed writes roll back")
    func errorsPropagate() async throws {
        try await withTemporaryDatabase { path in
            let pool = try await Self.makePool(path)
            defer { pool.close() }
            await #expect(throws: Boom(id: 3)) {
                try await pool.write { connection in
                    try connection.execute("INSERT INTO t(id, value) VALUES (1, 1)")
                    throw Boom(id: 3)
                }
            }
            #expect(try await pool.read { try $0.count("t") } == 0)

            try await pool.write { try $0.execute("INSERT INTO t(id, value) VALUES (1, 1)") }
            let duplicate = await #expect(throws: SQLiteError.self) {
                try await pool.write { try $0.execute("INSERT INTO t(id, value) VALUES (?, ?)", [1, 2]) }
            }
            #expect(duplicate?.isUniqueConstraint == true)

            let readError = await #expect(throws: SQLiteError.self) {
                try await pool.read { try $0.execute("DELETE FROM t", []) }
            }
            #expect(readError?.code == 8)  // SQLITE_READONLY: readers cannot write
            await #expect(throws: Boom(id: 4)) {
                try await pool.read { _ in throw Boom(id: 4) }
            }
            // The pool still works after errors.
            #expect(try await pool.read { try $0.count("t") } == 1)
        }
    }

    @Test("synchronous variants work from a plain thread")
    func synchronousVariants() throws {
        try withTemporaryDatabase { path in
            let pool = try DatabasePool(path: path, readers: 1)
            defer { pool.close() }
            try pool.writeSync { try $0.execute("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2)") }
            #expect(try pool.readSync { try $0.count("t") } == 2)
            #expect(throws: Boom(id: 5)) {
                try pool.writeSync { _ in throw Boom(id: 5) }
            }
        }
    }

    @Test("use after close throws, and close is idempotent")
    func useAfterClose() async throws {
        try await withTemporaryDatabase { path in
            let pool = try await Self.makePool(path)
            try await pool.write { try $0.execute("INSERT INTO t(id, value) VALUES (1, 1)") }
            pool.close()
            pool.close()
            let readError = await #expect(throws: SQLiteError.self) {
                try await pool.read { try $0.count("t") }
            }
            #expect(readError?.isMisuse == true)
            await #expect(throws: SQLiteError.self) {
                try await pool.write { _ in }
            }
            #expect(throws: SQLiteError.self) {
                try pool.readSync { _ in }
            }
            // The connections are closed and the data is on disk.
            let connection = try Connection(path: path, readOnly: true)
            #expect(try connection.count("t") == 1)
        }
    }

    @Test("opening a pool in a missing directory throws")
    func openFailure() throws {
        try withTemporaryDatabase { path in
            let error = try #require(throws: SQLiteError.self) {
                try DatabasePool(path: path + ".missing/db.sqlite")
            }
            #expect(error.code == 14)
        }
    }
}
