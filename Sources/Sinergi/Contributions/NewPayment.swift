/// What `POST /v1/invoices/{id}/payments` and `POST /v1/members/{id}/payments` ask for, read
/// and checked for form at once. A member's payment also names its period and source.
struct NewPayment: Sendable {
    var amountIDR: Int64?
    var paidOn: CalendarDate?
    var reference: String?
    var period: Period?
    var source: PaymentSource?
    var errors: [FieldError]

    /// The references of a settled billing run's ledger entries (`billing-run:<id>`).
    static let settlementPrefix = "billing-run:"

    /// Rupiah above this are no premium payment (a typo of zeros, most likely).
    static let maxAmountIDR: Int64 = 1 << 50

    init(_ input: inout JSONInput, forMember: Bool) {
        amountIDR = input.integer("amount_idr", required: true, in: 1...Self.maxAmountIDR)
        paidOn = input.date("paid_on", required: true)
        reference = input.text("reference", required: true, maxLength: 100)
        if let reference, reference.hasPrefix(Self.settlementPrefix) {
            input.fail("reference", code: "reserved", message: "references starting \(Self.settlementPrefix) are the ledger's own, for settled billing runs")
        }
        if forMember {
            period = input.period("period", required: true)
            source = input.choice("source", PaymentSource.self, required: true)
        }
        errors = input.errors
    }

    /// The form errors and the rules every payment keeps: it is not dated after `today`.
    func errors(today: CalendarDate) -> [FieldError] {
        var errors = errors
        if let paidOn, today < paidOn {
            errors.append(.init(field: "paid_on", code: "in_future", message: "must not be after today, \(today)"))
        }
        return errors
    }
}
