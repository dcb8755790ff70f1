/// A billing period: one calendar month, written `YYYY-MM` (API.md). Periods compare as their
/// text does, so they sort and compare the same in Swift and in SQL.
public struct Period: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1900...9999).contains(year), (1...12).contains(month) else { return nil }
        (self.year, self.month) = (year, month)
    }

    /// Parses exactly `YYYY-MM`.
    public init?(_ text: String) {
        guard text.utf8.count == 7, let first = CalendarDate(text + "-01") else { return nil }
        self.init(first)
    }

    /// The month `date` lies in.
    public init(_ date: CalendarDate) {
        (year, month) = (date.year, date.month)
    }

    /// The period `months` later (earlier when negative).
    public func adding(months: Int) -> Period {
        let index = year * 12 + (month - 1) + months
        return Period(year: index / 12, month: index % 12 + 1)!
    }

    /// Months from `other` to this period: 0 for the same month.
    public func months(since other: Period) -> Int {
        (year * 12 + month) - (other.year * 12 + other.month)
    }

    public var firstDay: CalendarDate { CalendarDate(year: year, month: month, day: 1)! }

    /// Day `day` of the month; the due day of a premium is at most 28, which every month has.
    public func day(_ day: Int) -> CalendarDate { CalendarDate(year: year, month: month, day: day)! }

    public var description: String { "\(String(zeroPadded: year, width: 4))-\(String(zeroPadded: month, width: 2))" }

    public static func < (lhs: Period, rhs: Period) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }
}
