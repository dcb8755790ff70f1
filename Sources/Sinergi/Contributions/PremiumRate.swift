/// One row of the premium table (DOMAIN.md, Premiums): the monthly premium of a segment and
/// class from a date, fixed or a share of the wage. Data with effective dates, never constants:
/// new amounts come by regulation (KRIS).
public struct PremiumRate: Sendable, Equatable {
    public let id: Int64
    public let segment: Segment
    public let memberClass: Int
    public let effectiveFrom: CalendarDate
    /// The fixed monthly amount; nil when the premium is a share of the wage (PPU).
    public let amountIDR: Int64?
    /// The part of `amountIDR` the state pays for the member (PBPU class 3: Rp 7,000).
    public let governmentIDR: Int64
    /// PPU: the share of the counted wage, the employer's part of it, and the wage ceiling.
    public let wageRateBP: Int64?
    public let employerRateBP: Int64?
    public let wageCeilingIDR: Int64?
}

/// A member's premium for one month and the part of it the state tops up.
public struct MonthlyPremium: Sendable, Equatable {
    public let totalIDR: Int64
    public let governmentIDR: Int64
}

/// The premium table as loaded, answering the one question every use asks.
struct PremiumTable: Sendable {
    let rates: [PremiumRate]

    /// The rate in effect for `segment` and class in `period`: the latest that starts on or
    /// before the period's first day.
    func rate(_ segment: Segment, class memberClass: Int, in period: Period) -> PremiumRate? {
        let first = period.firstDay
        return rates.filter { $0.segment == segment && $0.memberClass == memberClass && $0.effectiveFrom <= first }
            .max { $0.effectiveFrom < $1.effectiveFrom }
    }

    /// The premium of a member of `segment` and class for `period`: the fixed amount, or for
    /// PPU 5 % (the rate's share) of the wage counted between `minimumWageIDR` and the ceiling,
    /// rounded down to the rupiah. Nil when no rate is in effect or, for PPU, the wage is unknown
    /// (the registry does not record wages).
    func premium(_ segment: Segment, class memberClass: Int, in period: Period, wageIDR: Int64? = nil, minimumWageIDR: Int64 = 0) -> MonthlyPremium? {
        guard let rate = rate(segment, class: memberClass, in: period) else { return nil }
        if let amount = rate.amountIDR { return MonthlyPremium(totalIDR: amount, governmentIDR: rate.governmentIDR) }
        guard let wage = wageIDR, let share = rate.wageRateBP, let ceiling = rate.wageCeilingIDR else { return nil }
        let counted = min(max(wage, minimumWageIDR), ceiling)
        return MonthlyPremium(totalIDR: counted * share / 10_000, governmentIDR: 0)
    }
}
