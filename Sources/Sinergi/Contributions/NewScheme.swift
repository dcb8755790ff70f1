/// What `POST /v1/schemes` asks for, every field read and checked for form at once; the
/// service checks the region and the funders' organizations.
struct NewScheme: Sendable {
    struct Funder: Sendable {
        var organizationID: Int64
        var shareBP: Int64
        var budgetIDR: Int64?
        var source: PaymentSource?
    }

    var name: String?
    var regionCode: RegionCode?
    var agreementID: Int64?
    var memberClass: Int?
    var startsOn: CalendarDate?
    var endsOn: CalendarDate?
    var quota: Int64?
    var funders: [Funder] = []
    var errors: [FieldError]

    /// A scheme has at most this many funders.
    static let maxFunders = 20

    init(_ input: inout JSONInput) {
        name = input.text("name", required: true)
        regionCode = input.regionCode("region_code", required: true)
        agreementID = input.integer("agreement_id", in: 1...Int64.max)
        memberClass = input.integer("class", required: true, in: 1...3).map(Int.init)
        startsOn = input.date("starts_on", required: true)
        endsOn = input.date("ends_on")
        quota = input.integer("quota", required: true, in: 1...10_000_000)
        if let startsOn, let endsOn, endsOn < startsOn {
            input.fail("ends_on", code: "before_start", message: "must not be before starts_on")
        }
        if let items = input.array("funders", required: true, count: 1...Self.maxFunders) {
            var complete = true
            var seen: Set<Int64> = []
            for (index, item) in items.enumerated() {
                let prefix = "funders[\(index)]"
                guard case .object(let object) = item else {
                    input.fail(prefix, code: "invalid_type", message: "must be an object")
                    complete = false
                    continue
                }
                var funder = JSONInput(object: object, prefix: prefix)
                let organization = funder.integer("organization_id", required: true, in: 1...Int64.max)
                let share = funder.integer("share_bp", required: true, in: 1...10_000)
                let budget = funder.integer("budget_idr", in: 0...Int64(1) << 52)
                let source = funder.choice("source", PaymentSource.self)
                if let organization, !seen.insert(organization).inserted {
                    funder.fail("organization_id", code: "duplicate", message: "names a funder already named in this scheme")
                }
                input.absorb(funder)
                guard let organization, let share, funder.errors.isEmpty else {
                    complete = false
                    continue
                }
                funders.append(Funder(organizationID: organization, shareBP: share, budgetIDR: budget, source: source))
            }
            if complete, funders.map(\.shareBP).reduce(0, +) != 10_000 {
                input.fail("funders", code: "shares_not_10000", message: "the funders' share_bp must add up to 10,000")
            }
        }
        errors = input.errors
    }
}
