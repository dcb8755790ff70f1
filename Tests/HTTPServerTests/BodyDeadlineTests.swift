@testable import HTTPServer
import Testing

// Unit tests for `BodyDeadline`: the idle timeout and the minimum average rate, in
// nanoseconds, without sockets or clocks.

@Suite("BodyDeadline")
struct BodyDeadlineTests {
    static let second: UInt64 = 1_000_000_000
    /// Idle 30 s, grace 10 s, at least 1,000 bytes a second.
    static let deadline = BodyDeadline(idleTimeout: 30 * second, grace: 10 * second, minimumBytesPerSecond: 1000)

    @Test("before any byte, the grace decides when it is shorter than the idle timeout")
    func nothingRead() {
        #expect(Self.deadline.deadline(now: 100 * Self.second, startedAt: 100 * Self.second, bytesRead: 0) == 110 * Self.second)
    }

    @Test("each rate's worth of bytes adds a second to the grace")
    func bytesEarnTime() {
        // 5,000 bytes: 10 s + 5 s from the start.
        #expect(Self.deadline.deadline(now: 101 * Self.second, startedAt: 100 * Self.second, bytesRead: 5000) == 115 * Self.second)
        // 500 bytes: half a second.
        #expect(Self.deadline.deadline(now: 101 * Self.second, startedAt: 100 * Self.second, bytesRead: 500) == 110 * Self.second + Self.second / 2)
    }

    @Test("a body ahead of the rate still times out after the idle timeout without a byte")
    func idleStillApplies() {
        // 1 MB earns 1,000 s, but the last byte came at 105 s.
        #expect(Self.deadline.deadline(now: 105 * Self.second, startedAt: 100 * Self.second, bytesRead: 1_000_000) == 135 * Self.second)
    }

    @Test("a body behind the rate has a deadline already past")
    func behind() {
        // 2,000 bytes after 20 s: due at 12 s.
        let due = Self.deadline.deadline(now: 120 * Self.second, startedAt: 100 * Self.second, bytesRead: 2000)
        #expect(due == 112 * Self.second)
        #expect(due < 120 * Self.second)
    }

    @Test("0 turns the rate off: only the idle timeout is left")
    func off() {
        let idleOnly = BodyDeadline(idleTimeout: 30 * Self.second, grace: 10 * Self.second, minimumBytesPerSecond: 0)
        #expect(idleOnly.deadline(now: 500 * Self.second, startedAt: 100 * Self.second, bytesRead: 1) == 530 * Self.second)
    }

    @Test("huge counts and times saturate instead of trapping")
    func saturates() {
        let slow = BodyDeadline(idleTimeout: .max, grace: .max, minimumBytesPerSecond: 1)
        #expect(slow.deadline(now: 1, startedAt: 1, bytesRead: .max) == .max)
        #expect(Self.deadline.deadline(now: 1, startedAt: 1, bytesRead: .max) == 1 + 30 * Self.second)
    }
}
