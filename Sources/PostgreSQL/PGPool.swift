internal import ConnectionThreads
internal import Dispatch
internal import Synchronization

/// A fixed number of PostgreSQL connections, each on its own thread, serving one queue of jobs.
///
/// Closures run on a connection's thread, so libpq's blocking calls never hold the caller's
/// thread or Swift's cooperative pool. Unlike SQLite's pool there is no single writer: the
/// server runs concurrent writers, and a job gets whichever connection is idle. A connection
/// found broken (the server restarted, a failover) is reconnected before its next job; the job
/// that found it broken fails with `PGError.isConnectionFailure`.
public final class PGPool: Sendable {
    /// The number of connections.
    public let size: Int
    private let queue = JobQueue<PGConnection>()
    private let threadsFinished = DispatchSemaphore(value: 0)
    private let started: Int
    private let closed = Atomic<Bool>(false)

    /// Opens `size` connections to `url`, each on a new thread. Throws the first `PGError`
    /// from connecting; connections already open are closed first.
    public init(url: String, size: Int = 8, statementTimeout: Duration? = nil) throws {
        precondition(size >= 1, "a PGPool needs at least one connection")
        self.size = size
        var started = 0
        var failure: (any Error)?
        for index in 0..<size {
            let result = ConnectionThread.start(
                name: "PostgreSQL \(index + 1)", queue: queue, finished: threadsFinished,
                open: { try PGConnection(url: url, statementTimeout: statementTimeout) },
                close: { $0.close() })
            started += 1
            if case .failure(let error) = result {
                failure = error
                break
            }
        }
        self.started = started
        if let failure {
            // The thread that failed has exited already; the others wait for the queue to close.
            queue.close(consumers: started - 1)
            for _ in 0..<started { threadsFinished.wait() }
            throw failure
        }
    }

    /// Runs `work` on an idle connection (autocommit: each statement its own transaction).
    public func run<T: Sendable>(_ work: @escaping @Sendable (PGConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            submit { connection in continuation.resume(with: Result { try work(connection.get()) }) }
        }
    }

    /// Queues `work` for an idle connection and returns at once: no task waits for it, so it
    /// needs no thread of Swift's cooperative pool, for work that reports its own outcome.
    /// `work` gets the connection, reconnected first when it was broken, or the error that
    /// left none: a failed reconnect, or a closed pool (then at once, on the calling thread).
    public func submit(_ work: @escaping @Sendable (Result<PGConnection, any Error>) -> Void) {
        let accepted = queue.submit { connection in
            work(Result { try Self.reconnectedIfBroken(connection) })
        }
        if !accepted { work(.failure(PGError.misuse("pool is closed"))) }
    }

    /// `run` that blocks the calling thread, for command-line tools. Never call it from a pool
    /// closure or from async code.
    public func runSync<T: Sendable>(_ work: @escaping @Sendable (PGConnection) throws -> T) throws -> T {
        let outcome = Outcome<T>()
        submit { connection in outcome.deliver(Result { try work(connection.get()) }) }
        return try outcome.wait().get()
    }

    /// Runs `work` in a transaction at `isolation`, again (up to `attempts` times in all) when
    /// it loses to a concurrent transaction (`PGError.isRetryable`), so a serialization failure
    /// or deadlock reaches the caller only when every attempt lost.
    public func transaction<T: Sendable>(
        _ isolation: PGIsolation = .readCommitted, attempts: Int = 5,
        _ work: @escaping @Sendable (PGConnection) throws -> T
    ) async throws -> T {
        try await run { connection in try Self.retrying(isolation, attempts: attempts, on: connection, work) }
    }

    /// `transaction` that blocks the calling thread, for command-line tools.
    public func transactionSync<T: Sendable>(
        _ isolation: PGIsolation = .readCommitted, attempts: Int = 5,
        _ work: @escaping @Sendable (PGConnection) throws -> T
    ) throws -> T {
        try runSync { connection in try Self.retrying(isolation, attempts: attempts, on: connection, work) }
    }

    private static func retrying<T>(
        _ isolation: PGIsolation, attempts: Int, on connection: PGConnection, _ work: (PGConnection) throws -> T
    ) throws -> T {
        var attempt = 1
        while true {
            do {
                return try connection.transaction(isolation, work)
            } catch let error as PGError where error.isRetryable && attempt < attempts {
                attempt += 1
            }
        }
    }

    /// Lets queued jobs finish, then closes every connection and ends its thread; later calls
    /// throw a misuse error. Blocks until done; calling it again does nothing.
    public func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        queue.close(consumers: started)
        for _ in 0..<started { threadsFinished.wait() }
    }

    /// `connection`, reconnected first when the server dropped it.
    private static func reconnectedIfBroken(_ connection: PGConnection) throws -> PGConnection {
        if connection.isBroken { try connection.reset() }
        return connection
    }
}
