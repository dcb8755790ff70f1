internal import Foundation
internal import Synchronization

/// A token bucket per API key: `rate` requests a second on average, bursts up to `burst`.
public final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Double
    }

    private let rate: Double
    private let burst: Double
    private let buckets = Mutex<[Int64: Bucket]>([:])

    public init(ratePerSecond: Double, burst: Int) {
        self.rate = ratePerSecond
        self.burst = Double(burst)
    }

    /// Takes a token for `key`; nil when allowed, else the whole seconds to wait.
    public func take(for key: Int64, now: Double? = nil) -> Int? {
        let now = now ?? ProcessInfo.processInfo.systemUptime
        return buckets.withLock { buckets -> Int? in
            var bucket = buckets[key] ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = min(burst, bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
            defer { buckets[key] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up)))
        }
    }
}
