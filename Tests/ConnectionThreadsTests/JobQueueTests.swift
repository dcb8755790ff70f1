import ConnectionThreads
import Synchronization
import Testing

@Suite struct JobQueueTests {
    @Test("closing runs queued jobs in order, then stops, and refuses new jobs")
    func drainsOnClose() {
        let queue = JobQueue<Int>()
        let log = Mutex<[Int]>([])
        for number in 1...3 {
            #expect(queue.submit { resource in log.withLock { $0.append(number * resource) } })
        }
        #expect(queue.close(consumers: 1))
        #expect(!queue.close(consumers: 1))
        #expect(!queue.submit { _ in log.withLock { $0.append(99) } })

        // This thread plays the consumer, with 10 as its resource.
        while let job = queue.next() {
            job(10)
        }
        #expect(log.withLock { $0 } == [10, 20, 30])
    }
}
