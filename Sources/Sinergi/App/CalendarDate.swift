/// A calendar date as the API writes it (`2025-10-09`), checked to exist: 31 February and
/// 29 February of a common year are refused. Dates compare as text does, so they sort and
/// compare the same in Swift and in SQL.
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Nil unless `year`-`month`-`day` is a real date in 1900-9999.
    public init?(year: Int, month: Int, day: Int) {
        guard (1900...9999).contains(year), (1...12).contains(month),
              (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        (self.year, self.month, self.day) = (year, month, day)
    }

    /// Parses exactly `YYYY-MM-DD`.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The UTC day of a Unix time, the time zone of every timestamp the service writes.
    public init(epochSeconds: Int) {
        let time = UTCTime(epochSeconds: epochSeconds)
        self.init(year: time.year, month: time.month, day: time.day)!
    }

    /// The same day `months` later; a day the target month lacks becomes its last day
    /// (31 January + 1 month = 28 or 29 February).
    public func adding(months: Int) -> CalendarDate {
        let index = year * 12 + (month - 1) + months
        let (newYear, newMonth) = (index / 12, index % 12 + 1)
        return CalendarDate(year: newYear, month: newMonth, day: min(day, Self.daysIn(month: newMonth, year: newYear)))!
    }

    /// The day `days` later (earlier when negative).
    public func adding(days: Int) -> CalendarDate {
        CalendarDate(epochSeconds: ManualClock.epochSeconds(of: self) + days * 86_400)
    }

    /// The first day of the following month.
    public var firstOfNextMonth: CalendarDate {
        let next = adding(months: 1)
        return CalendarDate(year: next.year, month: next.month, day: 1)!
    }

    public var description: String {
        "\(String(zeroPadded: year, width: 4))-\(String(zeroPadded: month, width: 2))-\(String(zeroPadded: day, width: 2))"
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
