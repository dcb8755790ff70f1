/// When a request body that is still arriving times out: after the idle timeout without a
/// byte, or once it falls behind a minimum average rate.
///
/// The rate is measured from the end of the head, after a grace: a body of `n` bytes has
/// until `grace + n / rate` to arrive, so small bodies and short pauses are fine, while a
/// large upload must keep moving. Without it a client sending a byte just within the idle
/// timeout could hold a connection for as long as its declared length lasts. Apache's
/// mod_reqtimeout (`body=…,MinRate=…`) extends its deadline in the same way.
struct BodyDeadline: Sendable, Equatable {
    /// Longest pause between two reads, in nanoseconds.
    var idleTimeout: UInt64
    /// Time the rate starts counting from after the head, in nanoseconds.
    var grace: UInt64
    /// Slowest average rate; 0 turns the check off.
    var minimumBytesPerSecond: Int

    /// The deadline, in monotonic nanoseconds, of a body whose head ended at `startedAt`
    /// and of which `bytesRead` bytes (framing included) have arrived by `now`.
    func deadline(now: UInt64, startedAt: UInt64, bytesRead: Int) -> UInt64 {
        let idle = now.addingSaturated(idleTimeout)
        guard minimumBytesPerSecond > 0 else { return idle }
        let (earned, overflow) = UInt64(max(0, bytesRead)).multipliedReportingOverflow(by: 1_000_000_000)
        let allowance = overflow ? UInt64.max : earned / UInt64(minimumBytesPerSecond)
        return min(idle, startedAt.addingSaturated(grace).addingSaturated(allowance))
    }
}

extension UInt64 {
    fileprivate func addingSaturated(_ other: UInt64) -> UInt64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}
