internal import Foundation

/// Hands batches from the thread that reads and checks rows to a thread of its own that
/// commits them, one at a time and in order, so reading the next batch overlaps writing the
/// last (on two cores, about twice the rows a second). At most `capacity` batches wait, which
/// bounds memory. The first failure stops the commits; `submit` and `finish` throw it.
final class CommitQueue<Batch: Sendable>: @unchecked Sendable {
    // @unchecked: every field is read and written with `condition` held.
    private let condition = NSCondition()
    private var waiting: [Batch] = []
    private var isFinished = false
    private var isDone = false
    private var failure: (any Error)?
    private let capacity: Int

    init(capacity: Int = 2, commit: @escaping @Sendable (Batch) throws -> Void) {
        self.capacity = capacity
        let thread = Thread { [self] in
            ImportRunner.yieldToRequests()
            run(commit)
        }
        thread.name = "import-commits"
        thread.start()
    }

    /// Queues `batch`, waiting while `capacity` batches wait already.
    func submit(_ batch: Batch) throws {
        condition.lock()
        defer { condition.unlock() }
        while waiting.count >= capacity && failure == nil { condition.wait() }
        if let failure { throw failure }
        waiting.append(batch)
        condition.broadcast()
    }

    /// Waits until every queued batch is committed; throws the first failure.
    func finish() throws {
        condition.lock()
        defer { condition.unlock() }
        isFinished = true
        condition.broadcast()
        while !isDone { condition.wait() }
        if let failure { throw failure }
    }

    private func run(_ commit: @Sendable (Batch) throws -> Void) {
        while true {
            condition.lock()
            while waiting.isEmpty && !isFinished { condition.wait() }
            guard !waiting.isEmpty, failure == nil else {
                isDone = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let batch = waiting.removeFirst()
            condition.unlock()
            do {
                try commit(batch)
            } catch {
                condition.lock()
                failure = error
                waiting = []
                condition.broadcast()
                condition.unlock()
            }
            condition.lock()
            condition.broadcast()  // room for the next batch
            condition.unlock()
        }
    }
}
