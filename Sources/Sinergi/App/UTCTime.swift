internal import Glibc

/// The one conversion from Unix time to UTC calendar fields, used by timestamps, dates and
/// log lines. Pure arithmetic (H. Hinnant's `civil_from_days`) rather than `gmtime_r`, which
/// takes glibc's global time-zone lock on every call: with two event loops stamping log
/// lines, audit records and dates on every request, that lock was contended (strace: about
/// one futex call per request more than without it).
struct UTCTime: Sendable, Equatable {
    let year: Int
    let month: Int
    let day: Int
    let hour: Int
    let minute: Int
    let second: Int

    init(epochSeconds: Int) {
        let days = epochSeconds >= 0 ? epochSeconds / 86_400 : (epochSeconds - 86_399) / 86_400
        let secondOfDay = epochSeconds - days * 86_400
        hour = secondOfDay / 3600
        minute = secondOfDay % 3600 / 60
        second = secondOfDay % 60
        // Days since 1970-01-01 to a civil date, in eras of 400 years that start on 1 March.
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Seconds since the Unix epoch, from the system clock.
    static func nowEpochSeconds() -> Int { Int(time(nil)) }
}
