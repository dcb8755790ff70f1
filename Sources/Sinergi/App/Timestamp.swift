internal import Glibc

/// RFC 3339 UTC timestamps, as the API and the database store them (`2025-10-09T03:00:00Z`).
public enum Timestamp {
    /// Now, to the second.
    public static func now() -> String { format(epochSeconds: Int(time(nil))) }

    /// The timestamp of a Unix time.
    public static func format(epochSeconds: Int) -> String {
        var seconds = time_t(epochSeconds)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String { String(zeroPadded: value, width: width) }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))Z"
    }

    /// Seconds since the Unix epoch.
    public static func epochSeconds() -> Int { Int(time(nil)) }
}
