internal import Database
internal import PostgreSQL
internal import Synchronization

/// `Store.append` on PostgreSQL: the rows that arrive while a batch is being written wait for
/// the next one, which writes them all in one multi-row INSERT (one statement, one commit, one
/// round trip) and answers each after it. No timer: an idle appender writes a row at once.
/// Rows of a batch fail together, as SQLite's grouped records do.
final class RowAppender: Sendable {
    private typealias Waiter = (row: AppendedRow, continuation: CheckedContinuation<Void, any Error>)
    private struct State {
        var pending: [Waiter] = []
        var isWriting = false
        var batches = 0
    }

    /// Rows per statement at most (7 columns: 3,500 parameters, far below PostgreSQL's 65,535).
    static let maxRows = 500
    private let pool: PGPool
    private let state = Mutex(State())

    init(pool: PGPool) {
        self.pool = pool
    }

    /// Batches written so far, for tests.
    var batchCount: Int { state.withLock { $0.batches } }

    /// Inserts `row` and returns once it is committed.
    func append(_ row: AppendedRow) async throws {
        try await withCheckedThrowingContinuation { continuation in
            let startsWriter = state.withLock { state -> Bool in
                state.pending.append((row, continuation))
                guard !state.isWriting else { return false }
                state.isWriting = true
                return true
            }
            // Straight onto the pool: a task would need a thread of the cooperative pool, and
            // blocking callers (tests' synchronous clients) can hold all of them.
            if startsWriter { pool.submit { self.writeUntilEmpty($0) } }
        }
    }

    /// Writes batches on one pool connection until none is pending; without a connection,
    /// fails what is pending.
    private func writeUntilEmpty(_ connection: Result<PGConnection, any Error>) {
        while let batch = nextBatch() {
            let result = Result {
                let connection = DatabaseConnection(try connection.get())
                // All rows share one insert today (the audit log); others would get theirs.
                for (shape, rows) in Dictionary(grouping: batch.map(\.row), by: \.shape) {
                    try connection.execute(shape.insert(rows: rows.count), rows.flatMap(\.values))
                }
            }
            for waiter in batch { waiter.continuation.resume(with: result) }
        }
    }

    /// The next rows to write, or nil (and no writer any more) when none is pending.
    private func nextBatch() -> [Waiter]? {
        state.withLock { state in
            guard !state.pending.isEmpty else {
                state.isWriting = false
                return nil
            }
            let taken = Array(state.pending.prefix(Self.maxRows))
            state.pending.removeFirst(taken.count)
            state.batches += 1
            return taken
        }
    }
}
