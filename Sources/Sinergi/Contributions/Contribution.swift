/// One entry of the ledger: premium paid in for a member and period by one source.
public struct Contribution: Sendable, Equatable {
    public let id: Int64
    public let memberID: Int64
    public let period: String
    public let source: PaymentSource
    public let amountIDR: Int64
    public let paidOn: String
    public let reference: String
    /// The billing run whose settlement wrote it, for a scheme's shares.
    public let billingRunID: Int64?
    public let createdAt: String
}

/// What the ledger rules need to know of a member: no personal data, so nothing to decrypt.
struct LedgerMember: Sendable, Equatable {
    let id: Int64
    let segment: Segment
    let memberClass: Int
    let status: MemberStatus
    let familyCardNo: String
    let registeredAt: CalendarDate
}
