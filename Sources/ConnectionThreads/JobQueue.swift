internal import Dispatch
internal import Synchronization

/// A FIFO of jobs served by one or more dedicated threads, each owning one `Resource` (a
/// database connection). Shared by the SQLite and PostgreSQL pools.
///
/// The semaphore counts wake-ups: one per submitted job, plus one per consumer thread when the
/// queue closes. A thread that wakes to an empty queue can only have been woken by `close`, so it
/// exits; jobs queued before `close` are therefore all run first.
public final class JobQueue<Resource>: Sendable {
    /// Work to run on a resource's thread.
    public typealias Job = @Sendable (Resource) -> Void

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

    public init() {}

    /// Queues `job`; false (and the job dropped) once the queue is closed.
    public func submit(_ job: @escaping Job) -> Bool {
        let accepted = state.withLock { state in
            guard !state.isClosed else { return false }
            state.jobs.append(job)
            return true
        }
        if accepted { wakeUps.signal() }
        return accepted
    }

    /// Blocks until a job is available and returns it, or returns nil once closed and drained.
    /// Only for the queue's own threads.
    public func next() -> Job? {
        wakeUps.wait()
        return state.withLock { $0.popFirst() }
    }

    /// Stops accepting jobs and lets each of `consumers` threads exit after the queued jobs are
    /// done. Returns false if the queue was already closed.
    @discardableResult
    public func close(consumers: Int) -> Bool {
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
