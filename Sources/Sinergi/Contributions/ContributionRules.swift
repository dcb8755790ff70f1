/// The rule values of premiums from a date (DOMAIN.md): configuration with effective dates,
/// as one 2025 report already gives other penalty caps.
public struct ContributionRules: Sendable, Equatable {
    public let effectiveFrom: CalendarDate
    /// A month's premium is due by this day of that month; unpaid after it, the member is inactive.
    public let dueDay: Int
    /// At most this many months of arrears are charged to reactivate (24).
    public let arrearsCapMonths: Int
    /// The service penalty on inpatient care after reactivation, for information: this rate of
    /// the INA-CBG package per month in arrears, for at most `penaltyCapMonths`, at most
    /// `penaltyCapIDR`, within `penaltyWindowDays` after reactivation.
    public let penaltyRateBP: Int64
    public let penaltyCapMonths: Int
    public let penaltyCapIDR: Int64
    public let penaltyWindowDays: Int
    /// A new PBPU member's first premium is paid from this many days after registration to that many.
    public let firstPaymentFromDays: Int
    public let firstPaymentUntilDays: Int

    /// The last period whose premium is late on `today`: this month once its due day has
    /// passed, else the month before.
    func lastLatePeriod(on today: CalendarDate) -> Period {
        today.day > dueDay ? Period(today) : Period(today).adding(months: -1)
    }
}
