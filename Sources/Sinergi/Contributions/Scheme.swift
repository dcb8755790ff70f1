/// A sharing scheme (Skema Sharing Iuran): funders share the premiums of up to `quota`
/// beneficiaries in one class, in fixed shares, from `startsOn` to `endsOn`.
public struct Scheme: Sendable, Equatable {
    public let id: Int64
    public let name: String
    public let regionCode: String
    public let agreementID: Int64?
    public let memberClass: Int
    public let startsOn: String
    public let endsOn: String?
    public let quota: Int64
    /// Beneficiaries not removed.
    public let beneficiaries: Int64
    /// In the scheme's fixed order, which the rounding remainder follows.
    public let funders: [SchemeFunder]
    /// Bumped by every change: beneficiaries added or removed, a billing run.
    public let version: Int64
    public let createdAt: String
    public let updatedAt: String

    public var etag: String { "\"\(version)\"" }

    /// Whether `period` lies within the scheme's dates.
    func covers(_ period: Period) -> Bool {
        guard let start = CalendarDate(startsOn), Period(start) <= period else { return false }
        guard let endsOn, let end = CalendarDate(endsOn) else { return true }
        return period <= Period(end)
    }
}

/// One funder of a scheme: its share in basis points and, optionally, its budget for the
/// scheme's life, against which every billing run counts. A partner sees the budget and the
/// billed amount of its own tree's funders only; its co-funders' are nil.
public struct SchemeFunder: Sendable, Equatable {
    public let position: Int
    public let organizationID: Int64
    public let shareBP: Int64
    public let source: PaymentSource
    public let budgetIDR: Int64?
    /// Billed so far, all periods.
    public let billedIDR: Int64?

    public var budgetLeftIDR: Int64? { budgetIDR.flatMap { budget in billedIDR.map { budget - $0 } } }
}

/// A member's place in a scheme.
public struct Beneficiary: Sendable, Equatable {
    public let id: Int64
    public let schemeID: Int64
    public let memberID: Int64
    public let fromPeriod: String
    public let untilPeriod: String?
    public let addedAt: String
    public let removedAt: String?
}
