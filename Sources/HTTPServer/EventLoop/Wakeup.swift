internal import CSystemLinux
internal import Glibc
internal import Synchronization

/// An eventfd that wakes a loop blocked in epoll_wait when another thread gives it work.
/// Writes are coalesced: only the first wake-up after the loop drained it is written.
final class Wakeup: Sendable {
    let fd: Int32
    private let isPending = Atomic<Bool>(false)

    init() throws {
        fd = csl_eventfd()
        guard fd >= 0 else { throw SocketError("eventfd") }
    }

    deinit { close(fd) }

    /// Wakes the loop, from any thread.
    func signal() {
        guard !isPending.exchange(true, ordering: .acquiringAndReleasing) else { return }
        var one: UInt64 = 1
        _ = write(fd, &one, 8)
    }

    /// Clears the wake-up; only the loop calls this, before it runs the queued work. Reading
    /// before clearing the flag means a signal racing with this call either finds the flag
    /// still set (its work was queued before the loop runs the queue) or writes anew.
    func drain() {
        var value: UInt64 = 0
        _ = read(fd, &value, 8)
        isPending.store(false, ordering: .releasing)
    }
}
