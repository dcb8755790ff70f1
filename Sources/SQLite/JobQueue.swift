internal import Dispatch
internal import Synchronization

/// A FIFO of jobs served by one or more dedicated threads, each owning one connection.
///
/// The semaphore counts wake-ups: one per submitted job, plus one per consumer thread when the
/// queue closes. A thread that wakes to an empty queue can only have been woken by `close`, so it
/// exits; jobs queued before `close` are therefore all run first.
final class JobQueue: Sendable {
    /// Work to run on a connection's thread.
    typealias Job = @Sendable (Connection) -> Void

    private struct State {
        var jobs: [Job] = []
        var head = 0
        var isClosed = false

        mutating func popFirst() -> Job? {
            guard head < jobs.count else { return nil }
            let job = jobs[head]
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            }
            return job
        }
    }

    private let state = Mutex(State())
    private let wakeUps = DispatchSemaphore(value: 0)

    /// Queues `job`; throws `SQLITE_MISUSE` once the queue is closed.
    func submit(_ job: @escaping Job) throws {
        let accepted = state.withLock { state in
            guard !state.isClosed else { return false }
            state.jobs.append(job)
            return true
        }
        guard accepted else {
            throw SQLiteError.misuse("database pool is closed")
        }
        wakeUps.signal()
    }

    /// Blocks until a job is available and returns it, or returns nil once closed and drained.
    /// Only for the queue's own threads.
    func next() -> Job? {
        wakeUps.wait()
        return state.withLock { $0.popFirst() }
    }

    /// Stops accepting jobs and lets each of `consumers` threads exit after the queued jobs are
    /// done. Returns false if the queue was already closed.
    @discardableResult
    func close(consumers: Int) -> Bool {
        let wasOpen = state.withLock { state in
            defer { state.isClosed = true }
            return !state.isClosed
        }
        guard wasOpen else { return false }
        for _ in 0..<consumers {
            wakeUps.signal()
        }
        return true
    }
}
