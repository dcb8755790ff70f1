internal import ConnectionThreads

/// The pool's queues: jobs for one of its connections' threads.
typealias JobQueue = ConnectionThreads.JobQueue<Connection>

extension ConnectionThreads.JobQueue where Resource == Connection {
    /// Queues `job`; throws `SQLITE_MISUSE` once the queue is closed.
    func enqueue(_ job: @escaping Job) throws {
        guard submit(job) else { throw SQLiteError.misuse("database pool is closed") }
    }
}
