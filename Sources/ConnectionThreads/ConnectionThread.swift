public import Dispatch
internal import Foundation

/// Threads that each own one connection and run a `JobQueue`'s jobs on it.
public enum ConnectionThread {
    /// Starts a thread that opens its connection with `open`, then runs `queue`'s jobs until the
    /// queue closes, then calls `close`. Returns once the connection is open, or with the error
    /// that prevented it. `finished` is signalled as the thread exits.
    public static func start<Connection>(
        name: String,
        queue: JobQueue<Connection>,
        finished: DispatchSemaphore,
        open: @escaping @Sendable () throws -> Connection,
        close: @escaping @Sendable (Connection) -> Void
    ) -> Result<Void, any Error> {
        let opened = Outcome<Void>()
        let thread = Thread {
            defer { finished.signal() }
            // The connection is created, used and closed on this thread only.
            let connection: Connection
            do {
                connection = try open()
            } catch {
                opened.deliver(.failure(error))
                return
            }
            opened.deliver(.success(()))
            while let job = queue.next() {
                job(connection)
            }
            close(connection)
        }
        thread.name = name
        thread.start()
        return opened.wait()
    }
}
