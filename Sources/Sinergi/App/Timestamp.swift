/// RFC 3339 UTC timestamps, as the API and the database store them (`2025-10-09T03:00:00Z`).
public enum Timestamp {
    /// Now by the system clock, to the second. Request handling uses `RequestContext.now`,
    /// whose clock tests set.
    public static func now() -> String { format(epochSeconds: epochSeconds()) }

    /// The timestamp of a Unix time.
    public static func format(epochSeconds: Int) -> String {
        let time = UTCTime(epochSeconds: epochSeconds)
        func pad(_ value: Int, _ width: Int) -> String { String(zeroPadded: value, width: width) }
        return "\(pad(time.year, 4))-\(pad(time.month, 2))-\(pad(time.day, 2))T"
            + "\(pad(time.hour, 2)):\(pad(time.minute, 2)):\(pad(time.second, 2))Z"
    }

    /// Seconds since the Unix epoch.
    public static func epochSeconds() -> Int { UTCTime.nowEpochSeconds() }
}
