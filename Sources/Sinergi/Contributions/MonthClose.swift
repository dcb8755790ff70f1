internal import Database

/// `sinergi billing close-month YYYY-MM`: members whose premium for the month is still unpaid
/// after its due date become `inactive`, with history (DOMAIN.md: unpaid on the due date →
/// inactive). Only members who pay premiums through the ledger are concerned: not PBI (the
/// state pays those outside it) and not those who have not paid a first premium yet (pending,
/// or active from a later month). Idempotent: a second close of the month changes nothing.
///
/// One statement over the registry, not a loop: the month's premium per segment and class
/// comes from `PremiumTable` (the one premium function) into the statement as values. A PPU
/// premium depends on a wage the registry does not hold, so any payment counts for it.
enum MonthClose {
    enum Refusal: Error, CustomStringConvertible {
        case notDueYet(Period, due: CalendarDate)
        var description: String {
            switch self {
            case .notDueYet(let period, let due): "the premium for \(period) is due until \(due); close the month after that day"
            }
        }
    }

    static func run(_ period: Period, store: Store, clock: ServiceClock) throws -> Int {
        try store.writeSync { connection in
            let today = clock.today
            let rules = try PremiumRepository.rules(on: period.firstDay, in: connection)
            let due = period.day(rules.dueDay)
            guard due < today else { throw Refusal.notDueYet(period, due: due) }
            let table = try PremiumRepository.table(in: connection)
            var premiums: [(segment: Segment, memberClass: Int, amountIDR: Int64)] = []
            for segment in Segment.allCases where !segment.isPBI {
                for memberClass in 1...3 {
                    guard let premium = table.premium(segment, class: memberClass, in: period) else { continue }
                    premiums.append((segment, memberClass, premium.totalIDR))
                }
            }
            return try ContributionRepository.closeMonth(
                period, premiums: premiums, reason: "premium for \(period) unpaid after \(due)", requestID: "close-month-\(period)",
                now: clock.now, in: connection)
        }
    }
}
