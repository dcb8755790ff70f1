internal import Glibc

/// The one conversion from Unix time to UTC calendar fields (gmtime_r), used by timestamps,
/// dates and log lines.
struct UTCTime: Sendable, Equatable {
    let year: Int
    let month: Int
    let day: Int
    let hour: Int
    let minute: Int
    let second: Int

    init(epochSeconds: Int) {
        var seconds = time_t(epochSeconds)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        year = Int(parts.tm_year) + 1900
        month = Int(parts.tm_mon) + 1
        day = Int(parts.tm_mday)
        hour = Int(parts.tm_hour)
        minute = Int(parts.tm_min)
        second = Int(parts.tm_sec)
    }

    /// Seconds since the Unix epoch, from the system clock.
    static func nowEpochSeconds() -> Int { Int(time(nil)) }
}
