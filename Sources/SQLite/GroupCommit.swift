internal import Synchronization

/// Group commit on a `DatabasePool`'s writer: jobs that arrive while one transaction is busy
/// share the next one, so a burst of small writes costs a few commits instead of one each (one
/// commit per write caps near 6,000/s here). Every caller still returns only after COMMIT.
///
/// There is no timer. A job that finds the writer idle is committed at once, so grouping adds
/// no latency without load; batches form only from jobs that arrive while a batch is busy.
///
/// A batch runs its jobs in submission order in one `BEGIN IMMEDIATE` transaction, each inside
/// its own savepoint, so a job sees the changes of the jobs before it. A job that throws rolls
/// back only its own changes, and only its caller gets the error. If the batch's transaction
/// fails (COMMIT fails, or an error makes SQLite roll the whole transaction back), every caller
/// of the batch gets that error and none of their changes remain. A job must not begin, commit
/// or roll back the transaction itself; doing so fails its batch with `SQLITE_MISUSE`.
/// Cancelling the calling task does not cancel a queued job.
public final class GroupCommit: Sendable {
    private struct State {
        /// Jobs waiting for the next batch, oldest first.
        var pending: [Job] = []
        /// Whether a batch is queued on or running on the writer; false once `pending` is empty.
        var isBusy = false
    }

    private let database: DatabasePool
    private let maxBatch: Int
    private let state = Mutex(State())
    private let commits = Atomic<Int>(0)

    /// Transactions committed so far, for tests of the grouping.
    public var commitCount: Int { commits.load(ordering: .relaxed) }

    /// Batches writes to `database`, at most `maxBatch` jobs per transaction, so that one burst
    /// cannot hold the write lock (and its callers' answers) for arbitrarily long.
    public init(database: DatabasePool, maxBatch: Int = 512) {
        precondition(maxBatch >= 1, "a GroupCommit needs room for at least one job per batch")
        self.database = database
        self.maxBatch = maxBatch
    }

    /// Runs `body` on the writer in a transaction shared with other callers and returns its
    /// result once that transaction has committed.
    ///
    /// Throws what `body` threw (its changes rolled back, the batch's other jobs unaffected),
    /// the batch's error when its transaction failed (even if `body` returned), or
    /// `SQLITE_MISUSE` after the pool is closed.
    @discardableResult
    public func write<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await enqueue { connection in try Self.runInSavepoint(body, on: connection) }
    }

    /// Like `write(_:)` for work that cannot fail on its own, such as one INSERT into an
    /// append-only log: it runs without a savepoint, which saves two statements a job, and if
    /// it throws the whole batch fails with it.
    public func append(_ body: @escaping @Sendable (Connection) throws -> Void) async throws {
        try await enqueue { connection in .success(try body(connection)) }
    }

    /// Queues `run` for the next batch and waits for its answer, given after COMMIT.
    private func enqueue<T: Sendable>(_ run: @escaping @Sendable (Connection) throws -> Result<T, any Error>) async throws -> T {
        // Unsafe rather than checked: this is on every audited read, and the continuation is
        // resumed exactly once, by the answer `run` returns when the batch commits or by
        // `fail` when it does not (the answer is then dropped).
        try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<T, any Error>) in
            submit(Job(
                run: { connection in
                    let result = try run(connection)
                    return { continuation.resume(with: result) }
                },
                fail: { error in continuation.resume(throwing: error) }
            ))
        }
    }

    // MARK: - Batches

    private func submit(_ job: Job) {
        let startsTurn = state.withLock { state in
            state.pending.append(job)
            guard !state.isBusy else { return false }
            state.isBusy = true
            return true
        }
        if startsTurn {
            scheduleTurn()
        }
    }

    /// Queues one batch on the writer's thread. Each batch is its own writer job, so other
    /// writes queued meanwhile take their turn between batches instead of waiting for a quiet
    /// moment. Nothing here needs Swift's cooperative pool: a pool busy with blocked threads
    /// cannot stall commits.
    private func scheduleTurn() {
        do {
            try database.submitToWriter { connection in self.takeTurn(on: connection) }
        } catch {
            let waiting = state.withLock { state in
                defer { state.pending = []; state.isBusy = false }
                return state.pending
            }
            for job in waiting {
                job.fail(error)
            }
        }
    }

    /// Commits the oldest waiting jobs (at most `maxBatch`); if more arrived meanwhile, queues
    /// the next turn, otherwise ends the busy period (under the lock, so a job submitted right
    /// after starts a new one).
    private func takeTurn(on connection: Connection) {
        let batch = state.withLock { state in
            let count = min(state.pending.count, maxBatch)
            defer { state.pending.removeFirst(count) }
            return Array(state.pending.prefix(count))
        }
        if !batch.isEmpty {
            commit(batch, on: connection)
        }
        let more = state.withLock { state in
            if state.pending.isEmpty { state.isBusy = false }
            return state.isBusy
        }
        if more {
            scheduleTurn()
        }
    }

    /// Runs `batch` in one transaction, then answers its callers: each with its own result once
    /// COMMIT succeeded, or all with the error that ended the transaction.
    private func commit(_ batch: [Job], on connection: Connection) {
        do {
            let answers = try connection.write { connection in
                try batch.map { job in try job.run(connection) }
            }
            commits.add(1, ordering: .relaxed)
            for answer in answers {
                answer()
            }
        } catch {
            // Also for jobs that failed on their own: their error (say, a UNIQUE conflict) may
            // have come from an earlier job's change that is now rolled back, so it is no
            // longer true.
            for job in batch {
                job.fail(error)
            }
        }
    }

    /// Runs `body` inside a savepoint and returns its outcome; when it throws, rolls back its
    /// changes only. Throws, failing the whole batch, when the transaction cannot go on.
    private static func runInSavepoint<T>(
        _ body: (Connection) throws -> T,
        on connection: Connection
    ) throws -> Result<T, any Error> {
        try connection.execute("SAVEPOINT group_commit_job", [])
        let result = Result { try body(connection) }
        // "If certain kinds of errors occur within a transaction, the transaction may or may not
        // be rolled back automatically" (SQLITE_FULL, SQLITE_IOERR, SQLITE_BUSY, SQLITE_NOMEM;
        // https://sqlite.org/lang_transaction.html). The earlier jobs' changes are then gone,
        // and later jobs would run in autocommit mode, durable before their batch commits.
        guard connection.isInTransaction else {
            if case .failure(let error) = result {
                throw error
            }
            throw SQLiteError.misuse("a group commit job ended its batch's transaction")
        }
        if case .failure = result {
            // "Unlike that plain ROLLBACK command (without the TO keyword) the ROLLBACK TO command
            // does not cancel the transaction" (https://sqlite.org/lang_savepoint.html); the
            // savepoint stays on the stack until RELEASE.
            try connection.execute("ROLLBACK TO group_commit_job", [])
        }
        try connection.execute("RELEASE group_commit_job", [])
        return result
    }
}

/// One caller's work, its result type erased so that a batch can hold jobs of any type.
private struct Job: Sendable {
    /// Runs the work in its own savepoint and returns how to answer its caller once the batch
    /// has committed. Throws only when the whole batch must fail.
    let run: @Sendable (Connection) throws -> @Sendable () -> Void
    /// Answers the caller with the batch's error instead.
    let fail: @Sendable (any Error) -> Void
}
