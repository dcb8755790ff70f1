internal import ConnectionThreads
internal import Dispatch
internal import Foundation
internal import Synchronization

/// One writer connection and several read-only reader connections to a WAL database, each on
/// its own thread, plus a thread that checkpoints the write-ahead log so that commits never do.
///
/// Closures run on the connection's thread, so blocking SQLite calls never hold the caller's
/// thread or Swift's cooperative pool. Writes run one at a time in submission order; reads run
/// on whichever reader is idle, concurrently with each other and with the write. A connection
/// must not escape its closure. Cancelling the calling task does not cancel a queued job.
public final class DatabasePool: Sendable {
    /// The database file path.
    public let path: String
    /// The number of reader connections.
    public let readerCount: Int
    private let writerQueue: JobQueue
    private let readerQueue: JobQueue
    private let checkpointQueue: JobQueue
    /// The database file grows by this much at a time.
    static let fileChunkBytes: Int32 = 16 << 20
    private let checkpoints: Counter

    /// Checkpoints finished so far (the writer's final pass included), for tests.
    public var checkpointCount: Int { checkpoints.value }
    /// Signalled by each connection thread once it has closed its connection and is exiting.
    private let threadsFinished: DispatchSemaphore
    private let threadCount: Int
    private let busyTimeout: Duration
    private let closed = Atomic<Bool>(false)

    /// Opens the writer (creating the file and switching it to WAL), then `readers` read-only
    /// connections, each on a new thread.
    ///
    /// Throws the first `SQLiteError` from opening; connections already open are closed first.
    ///
    /// `checkpointFrames` log frames (pages) start a checkpoint. SQLite's own default is 1,000.
    /// Every checkpoint ends with a pause of the writer (the last pages, and two syncs, tens of
    /// milliseconds on the reference VM) so that the log can start over; 40,000 pages (about
    /// 160 MiB of log) make that pause rare: under a stream of registrations once every few
    /// seconds instead of several times a second (POST /v1/members at 16 connections: about
    /// 6,500/s at 10,000 pages, 8,600/s at 40,000; the log file keeps its largest size).
    public init(path: String, readers: Int = 4, busyTimeout: Duration = .seconds(5), checkpointFrames: Int = 40_000) throws {
        precondition(readers >= 1, "a DatabasePool needs at least one reader")
        let writerQueue = JobQueue()
        let readerQueue = JobQueue()
        let checkpointQueue = JobQueue()
        let checkpointRequested = Atomic<Bool>(false)
        let checkpoints = Counter()
        let threadsFinished = DispatchSemaphore(value: 0)
        var started = 0

        // The writer first: readers cannot create the file or turn WAL on. Its commits never
        // checkpoint: copying the log into the database and syncing it would stall every
        // caller waiting for the writer, so a thread of its own does that.
        var failure: (any Error)?
        started += 1
        if case .failure(let error) = Self.startThread(
            name: "SQLite writer", queue: writerQueue, finished: threadsFinished,
            open: {
                let connection = try Self.openWriting(path: path, busyTimeout: busyTimeout)
                try connection.onWALCommit { frames in
                    guard frames >= checkpointFrames,
                          !checkpointRequested.exchange(true, ordering: .acquiringAndReleasing)
                    else { return }
                    try? checkpointQueue.enqueue { connection in
                        // PASSIVE copies what it can without blocking the writer or readers.
                        // The writer appends meanwhile, so each pass leaves what arrived during
                        // it; a few passes bring that down to a little.
                        // Each pass also syncs the log, so the writer's final pass has only the
                        // last few pages to sync and copy: it pauses the writer for that long.
                        for _ in 0..<64 {
                            let left = try? connection.fetchOne("PRAGMA wal_checkpoint(PASSIVE)") { $0.int(at: 1) - $0.int(at: 2) }
                            guard let left, left > 64 else { break }
                        }
                        // A PASSIVE pass syncs the database file only when it copied the whole
                        // log, which it never does while writes go on: without this, the
                        // writer's final pass would sync every page copied here (160 MiB, a
                        // pause of 40-90 ms seen in GET p99) instead of the last few.
                        Self.syncFile(path)
                        // A log that is never wholly copied is never started over, and would
                        // grow without end. The writer, between two jobs, copies the little
                        // that is left; its next commit can then restart the log.
                        try? writerQueue.enqueue { writer in
                            try? writer.execute("PRAGMA wal_checkpoint(PASSIVE)")
                            checkpoints.increment()
                            checkpointRequested.store(false, ordering: .releasing)
                        }
                    }
                }
                return connection
            }
        ) {
            failure = error
        }
        if failure == nil {
            started += 1
            if case .failure(let error) = Self.startThread(
                name: "SQLite checkpointer", queue: checkpointQueue, finished: threadsFinished,
                open: { try Self.openWriting(path: path, busyTimeout: busyTimeout) }
            ) {
                failure = error
            }
        }
        var reader = 0
        while failure == nil, reader < readers {
            reader += 1
            started += 1
            if case .failure(let error) = Self.startThread(
                name: "SQLite reader \(reader)", queue: readerQueue, finished: threadsFinished,
                open: { try Self.openReader(path: path, busyTimeout: busyTimeout) }
            ) {
                failure = error
            }
        }
        if let failure {
            writerQueue.close(consumers: 1)
            checkpointQueue.close(consumers: 1)
            readerQueue.close(consumers: readers)
            for _ in 0..<started {
                threadsFinished.wait()
            }
            throw failure
        }

        self.path = path
        self.readerCount = readers
        self.writerQueue = writerQueue
        self.readerQueue = readerQueue
        self.checkpointQueue = checkpointQueue
        self.checkpoints = checkpoints
        self.threadsFinished = threadsFinished
        self.threadCount = started
        self.busyTimeout = busyTimeout
    }

    deinit {
        // Do not wait here: the last reference may be dropped by a job on one of our own threads.
        writerQueue.close(consumers: 1)
        checkpointQueue.close(consumers: 1)
        readerQueue.close(consumers: readerCount)
    }

    /// Runs `body` on the writer inside `Connection.write` (BEGIN IMMEDIATE … COMMIT, ROLLBACK on
    /// throw) and returns its result; throws what `body` or SQLite threw, or `SQLITE_MISUSE`
    /// after `close()`.
    @discardableResult
    public func write<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await run(on: writerQueue) { connection in
            try connection.write(body)
        }
    }

    /// Runs `body` on an idle reader inside `Connection.read` (one snapshot for all its queries)
    /// and returns its result; throws what `body` or SQLite threw, or `SQLITE_MISUSE` after `close()`.
    public func read<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await run(on: readerQueue) { connection in
            try connection.read(body)
        }
    }

    /// Queues `job` on the writer's thread, outside any transaction: `GroupCommit` runs its
    /// batches this way, so they need no task and no thread of Swift's cooperative pool.
    func submitToWriter(_ job: @escaping @Sendable (Connection) -> Void) throws {
        try writerQueue.enqueue(job)
    }

    /// Runs `body` on the calling thread, inside `Connection.read`, with this thread's own
    /// read-only connection (opened on first use, closed when the thread exits).
    ///
    /// For short lookups from long-lived threads such as event loops: it saves the hand-off to
    /// a reader thread and back, but blocks the caller while SQLite works, so a query that
    /// may scan belongs in `read(_:)`. Throws `SQLITE_MISUSE` after `close()`.
    public func readHere<T>(_ body: (Connection) throws -> T) throws -> T {
        try lookupHere { connection in try connection.read(body) }
    }

    /// `readHere` for a closure that runs one statement: SQLite's implicit transaction around
    /// that statement is its snapshot, so the BEGIN and COMMIT of `readHere` are saved (two
    /// statements fewer on each request's key check and primary-key lookup).
    public func lookupHere<T>(_ body: (Connection) throws -> T) throws -> T {
        guard isOpen else { throw SQLiteError.misuse("database pool is closed") }
        let connection = try ThreadReaders.connection(for: self) {
            try Self.openReader(path: path, busyTimeout: busyTimeout)
        }
        return try body(connection)
    }

    /// Whether `close()` has not been called.
    var isOpen: Bool { !closed.load(ordering: .relaxed) }

    /// `write(_:)` that blocks the calling thread until done, for command-line tools. Never call
    /// it from a pool closure or from async code.
    @discardableResult
    public func writeSync<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) throws -> T {
        try runSync(on: writerQueue) { connection in
            try connection.write(body)
        }
    }

    /// `read(_:)` that blocks the calling thread until done, for command-line tools. Never call
    /// it from a pool closure or from async code.
    public func readSync<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) throws -> T {
        try runSync(on: readerQueue) { connection in
            try connection.read(body)
        }
    }

    /// Lets queued jobs finish, then closes every connection and ends its thread; later calls
    /// throw `SQLITE_MISUSE`. Blocks until done; calling it again does nothing. Never call it
    /// from a pool closure (it would wait for itself).
    public func close() {
        closed.store(true, ordering: .relaxed)
        // Readers and the checkpointer first, the writer last: SQLite copies the log into the
        // database file and deletes it only when the last connection to close can write, so a
        // backup of the file alone after shutdown holds everything.
        let readersWereOpen = readerQueue.close(consumers: readerCount)
        checkpointQueue.close(consumers: 1)
        guard readersWereOpen else { return }
        for _ in 0..<(threadCount - 1) {
            threadsFinished.wait()
        }
        // Connections that `readHere` opened on other threads may outlive this call; a last
        // TRUNCATE checkpoint copies the log into the file whoever closes last.
        try? writerQueue.enqueue { writer in try? writer.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
        writerQueue.close(consumers: 1)
        threadsFinished.wait()
    }

    // MARK: - Jobs

    private func run<T: Sendable>(
        on queue: JobQueue,
        _ work: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            do {
                try queue.enqueue { connection in
                    continuation.resume(with: Result { try work(connection) })
                }
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }

    private func runSync<T: Sendable>(
        on queue: JobQueue,
        _ work: @escaping @Sendable (Connection) throws -> T
    ) throws -> T {
        let outcome = Outcome<T>()
        try queue.enqueue { connection in
            outcome.deliver(Result { try work(connection) })
        }
        return try outcome.wait().get()
    }

    // MARK: - Threads

    /// Starts a thread that opens its connection with `open` and runs `queue`'s jobs on it.
    private static func startThread(
        name: String,
        queue: JobQueue,
        finished: DispatchSemaphore,
        open: @escaping @Sendable () throws -> Connection
    ) -> Result<Void, any Error> {
        // Closing cannot fail for lack of statements: the jobs are done and their statements
        // released. If it did, deinit would still close the handle with sqlite3_close_v2.
        ConnectionThread.start(name: name, queue: queue, finished: finished, open: open, close: { try? $0.close() })
    }

    /// Writes the file's dirty pages to disk (fdatasync acts on the file, whichever descriptor
    /// names it). A failure only means the writer's final pass syncs more.
    private static func syncFile(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fdatasync(descriptor)
        _ = Glibc.close(descriptor)
    }

    /// Opens a read-write connection (the writer's or the checkpointer's), growing the file
    /// `fileChunkBytes` at a time.
    private static func openWriting(path: String, busyTimeout: Duration) throws -> Connection {
        let connection = try Connection(path: path, busyTimeout: busyTimeout)
        try connection.setFileChunkSize(fileChunkBytes)
        return connection
    }

    /// Opens a read-only connection and checks that the database is in WAL mode, without which
    /// readers and the writer would block one another.
    private static func openReader(path: String, busyTimeout: Duration) throws -> Connection {
        let connection = try Connection(path: path, readOnly: true, busyTimeout: busyTimeout)
        let sql = "PRAGMA journal_mode"
        let mode = try connection.prepare(sql).firstString()
        guard mode?.lowercased() == "wal" else {
            throw SQLiteError.notInWALMode(mode, sql: sql)
        }
        return connection
    }
}

/// A count shared with the closures of the pool's threads.
private final class Counter: Sendable {
    private let count = Atomic<Int>(0)

    var value: Int { count.load(ordering: .relaxed) }

    func increment() {
        count.add(1, ordering: .relaxed)
    }
}
