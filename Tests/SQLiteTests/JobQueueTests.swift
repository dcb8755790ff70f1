@testable import SQLite
import Synchronization
import Testing

@Suite struct JobQueueTests {
    @Test("closing runs queued jobs in order, then stops, and refuses new jobs")
    func drainsOnClose() throws {
        try withTemporaryDatabase { path in
            let connection = try Connection(path: path)
            let queue = JobQueue()
            let log = Mutex<[Int]>([])
            for number in 1...3 {
                try queue.submit { _ in log.withLock { $0.append(number) } }
            }
            #expect(queue.close(consumers: 1))
            #expect(!queue.close(consumers: 1))
            let error = try #require(throws: SQLiteError.self) {
                try queue.submit { _ in log.withLock { $0.append(99) } }
            }
            #expect(error.isMisuse)

            // This thread plays the consumer.
            while let job = queue.next() {
                job(connection)
            }
            #expect(log.withLock { $0 } == [1, 2, 3])
        }
    }
}
