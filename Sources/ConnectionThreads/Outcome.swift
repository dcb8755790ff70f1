internal import Dispatch
internal import Synchronization

/// A result handed from a connection's thread to a thread that blocks for it.
public final class Outcome<Value: Sendable>: Sendable {
    private let result = Mutex<Result<Value, any Error>?>(nil)
    private let delivered = DispatchSemaphore(value: 0)

    public init() {}

    /// Stores `result` and wakes the waiter; call once.
    public func deliver(_ result: Result<Value, any Error>) {
        self.result.withLock { $0 = result }
        delivered.signal()
    }

    /// Blocks until `deliver` is called and returns its result.
    public func wait() -> Result<Value, any Error> {
        delivered.wait()
        return result.withLock { $0! }
    }
}
