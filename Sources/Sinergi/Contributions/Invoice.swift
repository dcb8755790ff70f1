/// What a funder owes for one period of a scheme, and what it has paid.
public struct Invoice: Sendable, Equatable {
    public let id: Int64
    public let billingRunID: Int64
    public let schemeID: Int64
    public let period: String
    public let organizationID: Int64
    /// Beneficiary-months on it.
    public let lines: Int64
    public let totalIDR: Int64
    public let paidIDR: Int64
    public let version: Int64
    public let createdAt: String
    public let updatedAt: String

    public var outstandingIDR: Int64 { totalIDR - paidIDR }
    public var status: String { paidIDR == 0 ? (totalIDR == 0 ? "paid" : "open") : paidIDR < totalIDR ? "partly_paid" : "paid" }
    public var etag: String { "\"\(version)\"" }
}

/// One billing run: a scheme's period billed, an invoice per funder.
public struct BillingRun: Sendable, Equatable {
    public let id: Int64
    public let schemeID: Int64
    public let period: String
    public let beneficiaries: Int64
    public let totalIDR: Int64
    public let settledAt: String?
    public let createdAt: String
    public let invoices: [Invoice]
}

/// Money received on an invoice.
public struct InvoicePayment: Sendable, Equatable {
    public let id: Int64
    public let invoiceID: Int64
    public let amountIDR: Int64
    public let paidOn: String
    public let reference: String
    public let createdAt: String
}

/// One funder's figures over a range of periods of a scheme.
public struct StatementLine: Sendable, Equatable {
    public let organizationID: Int64
    public let shareBP: Int64
    public let source: PaymentSource
    public let invoices: Int64
    public let billedIDR: Int64
    public let paidIDR: Int64
    public let budgetIDR: Int64?
    /// The budget less everything billed to the funder in this scheme, all periods.
    public let budgetLeftIDR: Int64?
    public var outstandingIDR: Int64 { billedIDR - paidIDR }
}
