internal import Synchronization

/// Where the service reads the time of day. Every date rule (class and facility changes,
/// statuses that start next month) reads it through `RequestContext`, so a test sets the day
/// instead of rewriting rows.
public struct ServiceClock: Sendable {
    private let read: @Sendable () -> Int

    /// A clock reading `epochSeconds`.
    public init(epochSeconds: @escaping @Sendable () -> Int) {
        read = epochSeconds
    }

    /// The system's clock.
    public static let system = ServiceClock(epochSeconds: UTCTime.nowEpochSeconds)

    /// Seconds since the Unix epoch.
    public var epochSeconds: Int { read() }
    /// Now as an RFC 3339 UTC timestamp, to the second.
    public var now: String { Timestamp.format(epochSeconds: read()) }
    /// The current UTC day.
    public var today: CalendarDate { CalendarDate(epochSeconds: read()) }
}

/// A clock that stands still until a test moves it.
public final class ManualClock: Sendable {
    private let seconds: Mutex<Int>

    /// Starts at midnight UTC of `day`.
    public init(_ day: CalendarDate) {
        seconds = Mutex(Self.epochSeconds(of: day))
    }

    /// Sets the clock to midnight UTC of `day`.
    public func set(_ day: CalendarDate) {
        seconds.withLock { $0 = Self.epochSeconds(of: day) }
    }

    /// The clock to give the application.
    public var clock: ServiceClock {
        ServiceClock { [self] in seconds.withLock { $0 } }
    }

    // Days from the civil date (H. Hinnant's days_from_civil), times 86,400.
    static func epochSeconds(of day: CalendarDate) -> Int {
        let y = day.month <= 2 ? day.year - 1 : day.year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = day.month
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + day.day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return (era * 146_097 + dayOfEra - 719_468) * 86_400
    }
}
