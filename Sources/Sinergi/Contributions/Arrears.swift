/// A member's (for PBPU, a family card's) unpaid premiums on a day (DOMAIN.md): every late
/// month since the first premium paid, of the last `arrearsCapMonths` (older ones are not
/// charged), with the service penalty that reactivation would carry, for information.
struct Arrears: Sendable, Equatable {
    struct Month: Sendable, Equatable {
        let memberID: Int64
        let period: Period
        /// Nil when the premium is a share of a wage the registry does not hold (PPU).
        let premiumIDR: Int64?
        let paidIDR: Int64
        /// What is still owed; nil when the premium is unknown.
        let dueIDR: Int64?
    }

    let memberIDs: [Int64]
    let asOf: CalendarDate
    let rules: ContributionRules
    let months: [Month]

    /// Distinct periods in arrears (a family card's members share their months).
    var monthsInArrears: Int { Set(months.map(\.period)).count }
    /// The total owed; nil when some month's premium is unknown.
    var amountIDR: Int64? {
        months.reduce(Int64(0) as Int64?) { total, month in total.flatMap { total in month.dueIDR.map { total + $0 } } }
    }
    var penaltyMonths: Int { min(monthsInArrears, rules.penaltyCapMonths) }
    var penaltyRateBP: Int64 { Int64(penaltyMonths) * rules.penaltyRateBP }

    /// The arrears of `members` on `today`, from each one's paid amounts by period.
    init(of members: [LedgerMember], paid: [Int64: [Period: Int64]], table: PremiumTable, rules: ContributionRules, on today: CalendarDate) {
        memberIDs = members.map(\.id)
        asOf = today
        self.rules = rules
        let lastLate = rules.lastLatePeriod(on: today)
        let firstCharged = lastLate.adding(months: 1 - rules.arrearsCapMonths)
        var months: [Month] = []
        for member in members where member.status != .deactivated {
            let ledger = paid[member.id] ?? [:]
            // Never paid: pending, awaiting its first premium; nothing is late yet.
            guard let start = ledger.keys.min() else { continue }
            var period = max(start, firstCharged)
            while period <= lastLate {
                let premium = table.premium(member.segment, class: member.memberClass, in: period)
                let paidIDR = ledger[period] ?? 0
                let due = Self.due(premium, paidIDR: paidIDR, segment: member.segment)
                if due != 0 {
                    months.append(Month(memberID: member.id, period: period, premiumIDR: premium?.totalIDR, paidIDR: paidIDR, dueIDR: due))
                }
                period = period.adding(months: 1)
            }
        }
        self.months = months.sorted { ($0.period, $0.memberID) < ($1.period, $1.memberID) }
    }

    /// What is still owed of a month's premium when `paidIDR` is paid: while nothing is paid,
    /// the state's top-up (PBPU class 3: Rp 7,000) is not the member's to pay; PBI premiums
    /// are all the state's, and owed in full. Nil when the premium is unknown and nothing paid.
    static func due(_ premium: MonthlyPremium?, paidIDR: Int64, segment: Segment) -> Int64? {
        guard let premium else { return paidIDR > 0 ? 0 : nil }
        let topUp = !segment.isPBI && paidIDR == 0 ? premium.governmentIDR : 0
        return max(0, premium.totalIDR - paidIDR - topUp)
    }
}
