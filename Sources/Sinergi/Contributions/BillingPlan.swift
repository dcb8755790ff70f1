/// What one billing run of a scheme bills, before anything is written: each beneficiary's
/// premium for the period split among the funders by `ShareSplit`, one invoice per funder with
/// a line per beneficiary. A pure function of its inputs, so the property tests can run it on
/// any share set and the same run always gives the same figures.
struct BillingPlan: Sendable, Equatable {
    struct Line: Sendable, Equatable {
        let memberID: Int64
        let premiumIDR: Int64
        let shareIDR: Int64
    }

    struct Invoice: Sendable, Equatable {
        /// The funder's place in the scheme's order.
        let position: Int
        let lines: [Line]
        var totalIDR: Int64 { lines.reduce(0) { $0 + $1.shareIDR } }
    }

    let invoices: [Invoice]

    var totalIDR: Int64 { invoices.reduce(0) { $0 + $1.totalIDR } }

    /// `premiums` are the beneficiaries' premiums for the period; `sharesBP` the funders', in order.
    init(premiums: [(memberID: Int64, premiumIDR: Int64)], sharesBP: [Int64]) {
        var lines = Array(repeating: [Line](), count: sharesBP.count)
        for beneficiary in premiums {
            let parts = ShareSplit.split(beneficiary.premiumIDR, sharesBP: sharesBP)
            for (position, part) in parts.enumerated() {
                lines[position].append(Line(memberID: beneficiary.memberID, premiumIDR: beneficiary.premiumIDR, shareIDR: part))
            }
        }
        invoices = lines.enumerated().map { Invoice(position: $0.offset, lines: $0.element) }
    }
}
