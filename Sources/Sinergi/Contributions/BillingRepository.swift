internal import Database

/// SQL for billing runs, invoices, their lines and payments, and the settlement of a run.
enum BillingRepository {
    private static let invoiceColumns = """
        id, billing_run_id, scheme_id, period, organization_id, lines, total_idr, paid_idr, version, created_at, updated_at
        """

    /// Records the run; nil when the scheme's period is billed already (the UNIQUE decides, so
    /// a repeated or concurrent run writes nothing).
    static func insertRun(
        scheme: Int64, period: Period, plan: BillingPlan, beneficiaries: Int, context: RequestContext, in connection: DatabaseConnection
    ) throws -> Int64? {
        try connection.fetchOne("""
            INSERT INTO billing_runs (scheme_id, period, beneficiaries, total_idr, api_key_id, role, request_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id
            """,
            [.integer(scheme), .text(period.description), .integer(Int64(beneficiaries)), .integer(plan.totalIDR),
             .integer(context.principal.apiKeyID), .text(context.principal.role.rawValue), .text(context.requestID), .text(context.now)]) {
            try $0.int64("id")
        }
    }

    /// Writes the run's invoices and their lines.
    static func insertInvoices(
        run: Int64, scheme: Scheme, period: Period, plan: BillingPlan, now: String, in connection: DatabaseConnection
    ) throws {
        for invoice in plan.invoices {
            let funder = scheme.funders[invoice.position]
            let id = try connection.fetchOne("""
                INSERT INTO invoices (billing_run_id, scheme_id, period, position, organization_id, lines, total_idr, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """,
                [.integer(run), .integer(scheme.id), .text(period.description), .integer(Int64(invoice.position)),
                 .integer(funder.organizationID), .integer(Int64(invoice.lines.count)), .integer(invoice.totalIDR), .text(now), .text(now)]) {
                try $0.int64("id")
            }!
            // 500 lines to a statement: 2,000 parameters, within both engines' limits.
            for start in stride(from: 0, to: invoice.lines.count, by: 500) {
                let chunk = invoice.lines[start..<min(start + 500, invoice.lines.count)]
                let rows = Array(repeating: "(?, ?, ?, ?)", count: chunk.count).joined(separator: ", ")
                try connection.execute(
                    "INSERT INTO invoice_lines (invoice_id, member_id, premium_idr, share_idr) VALUES \(rows)",
                    chunk.flatMap { [SQLValue.integer(id), .integer($0.memberID), .integer($0.premiumIDR), .integer($0.shareIDR)] })
            }
        }
    }

    static func run(scheme: Int64, period: Period, in connection: DatabaseConnection) throws -> BillingRun? {
        guard let run = try connection.fetchOne("""
            SELECT id, scheme_id, period, beneficiaries, total_idr, settled_at, created_at FROM billing_runs WHERE scheme_id = ? AND period = ?
            """, [.integer(scheme), .text(period.description)], map: { row in
            (id: try row.int64("id"), beneficiaries: try row.int64("beneficiaries"), total: try row.int64("total_idr"),
             settledAt: try row.optionalString("settled_at"), createdAt: try row.string("created_at"))
        })
        else { return nil }
        let invoices = try connection.fetchAll(
            "SELECT \(invoiceColumns) FROM invoices WHERE billing_run_id = ? ORDER BY position", [.integer(run.id)], map: decodeInvoice)
        return BillingRun(
            id: run.id, schemeID: scheme, period: period.description, beneficiaries: run.beneficiaries, totalIDR: run.total,
            settledAt: run.settledAt, createdAt: run.createdAt, invoices: invoices)
    }

    /// The invoice, if it is addressed to an organization in `scope`.
    static func invoice(_ id: Int64, scope: Scope, in connection: DatabaseConnection) throws -> Invoice? {
        let (condition, bindings) = scope.condition(on: "organization_id")
        return try connection.fetchOne(
            "SELECT \(invoiceColumns) FROM invoices WHERE id = ? AND \(condition)", [.integer(id)] + bindings, map: decodeInvoice)
    }

    static func payments(of invoice: Int64, in connection: DatabaseConnection) throws -> [InvoicePayment] {
        try connection.fetchAll("""
            SELECT id, invoice_id, amount_idr, paid_on, reference, created_at FROM invoice_payments WHERE invoice_id = ? ORDER BY id
            """, [.integer(invoice)], map: decodePayment)
    }

    static func payment(of invoice: Int64, reference: String, in connection: DatabaseConnection) throws -> InvoicePayment? {
        try connection.fetchOne("""
            SELECT id, invoice_id, amount_idr, paid_on, reference, created_at FROM invoice_payments WHERE invoice_id = ? AND reference = ?
            """, [.integer(invoice), .text(reference)], map: decodePayment)
    }

    /// Adds `amount` to what is paid on the invoice; false when that would pass its total.
    static func pay(_ amount: Int64, on invoice: Int64, now: String, in connection: DatabaseConnection) throws -> Bool {
        try connection.execute("""
            UPDATE invoices SET paid_idr = paid_idr + ?, version = version + 1, updated_at = ? WHERE id = ? AND paid_idr + ? <= total_idr
            """, [.integer(amount), .text(now), .integer(invoice), .integer(amount)]) == 1
    }

    static func insertPayment(
        _ amount: Int64, on invoice: Int64, paidOn: CalendarDate, reference: String, context: RequestContext, in connection: DatabaseConnection
    ) throws -> InvoicePayment? {
        try connection.fetchOne("""
            INSERT INTO invoice_payments (invoice_id, amount_idr, paid_on, reference, api_key_id, role, request_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id, invoice_id, amount_idr, paid_on, reference, created_at
            """,
            [.integer(invoice), .integer(amount), .text(paidOn.description), .text(reference), .integer(context.principal.apiKeyID),
             .text(context.principal.role.rawValue), .text(context.requestID), .text(context.now)], map: decodePayment)
    }

    /// Marks the run settled when every invoice of it is paid, once: true for the call that did.
    static func settle(run: Int64, now: String, in connection: DatabaseConnection) throws -> Bool {
        try connection.execute("""
            UPDATE billing_runs SET settled_at = ?
            WHERE id = ? AND settled_at IS NULL AND NOT EXISTS (SELECT 1 FROM invoices WHERE billing_run_id = ? AND paid_idr < total_idr)
            """, [.text(now), .integer(run), .integer(run)]) == 1
    }

    /// The ledger entries of a settled run: per beneficiary and source, the funders' shares.
    static func recordSettlement(run: Int64, paidOn: CalendarDate, context: RequestContext, in connection: DatabaseConnection) throws -> [Int64] {
        try connection.execute("""
            INSERT INTO contributions (member_id, period, source, amount_idr, paid_on, reference, billing_run_id, api_key_id, role, request_id, created_at)
            SELECT l.member_id, i.period, f.source, sum(l.share_idr), ?, ?, i.billing_run_id, ?, ?, ?, ?
            FROM invoice_lines l
            JOIN invoices i ON i.id = l.invoice_id
            JOIN scheme_funders f ON f.scheme_id = i.scheme_id AND f.position = i.position
            WHERE i.billing_run_id = ? AND l.share_idr > 0
            GROUP BY l.member_id, i.period, f.source, i.billing_run_id
            """,
            [.text(paidOn.description), .text(NewPayment.settlementPrefix + String(run)), .integer(context.principal.apiKeyID),
             .text(context.principal.role.rawValue), .text(context.requestID), .text(context.now), .integer(run)])
        return try connection.fetchAll("""
            SELECT DISTINCT l.member_id FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE i.billing_run_id = ? ORDER BY l.member_id
            """, [.integer(run)]) { try $0.int64("member_id") }
    }

    /// Per funder of the scheme, its invoices from `from` to `to`; only funders in `scope`.
    static func statement(scheme: Int64, from: Period, to: Period, scope: Scope, in connection: DatabaseConnection) throws -> [StatementLine] {
        let (condition, bindings) = scope.condition(on: "f.organization_id")
        return try connection.fetchAll("""
            SELECT f.organization_id, f.share_bp, f.source, f.budget_idr, f.billed_idr,
                   count(i.id) AS invoices, coalesce(sum(i.total_idr), 0) AS billed, coalesce(sum(i.paid_idr), 0) AS paid
            FROM scheme_funders f
            LEFT JOIN invoices i ON i.scheme_id = f.scheme_id AND i.position = f.position AND i.period >= ? AND i.period <= ?
            WHERE f.scheme_id = ? AND \(condition)
            GROUP BY f.position, f.organization_id, f.share_bp, f.source, f.budget_idr, f.billed_idr
            ORDER BY f.position
            """, [.text(from.description), .text(to.description), .integer(scheme)] + bindings) { row in
            let budget = try row.optionalInt64("budget_idr")
            return StatementLine(
                organizationID: try row.int64("organization_id"), shareBP: try row.int64("share_bp"),
                source: PaymentSource(rawValue: try row.string("source"))!, invoices: try row.int64("invoices"),
                billedIDR: try row.int64("billed"), paidIDR: try row.int64("paid"), budgetIDR: budget,
                budgetLeftIDR: try budget.map { $0 - (try row.int64("billed_idr")) })
        }
    }

    private static func decodeInvoice(_ row: DatabaseRow) throws -> Invoice {
        Invoice(
            id: try row.int64("id"), billingRunID: try row.int64("billing_run_id"), schemeID: try row.int64("scheme_id"),
            period: try row.string("period"), organizationID: try row.int64("organization_id"), lines: try row.int64("lines"),
            totalIDR: try row.int64("total_idr"), paidIDR: try row.int64("paid_idr"), version: try row.int64("version"),
            createdAt: try row.string("created_at"), updatedAt: try row.string("updated_at"))
    }

    private static func decodePayment(_ row: DatabaseRow) throws -> InvoicePayment {
        InvoicePayment(
            id: try row.int64("id"), invoiceID: try row.int64("invoice_id"), amountIDR: try row.int64("amount_idr"),
            paidOn: try row.string("paid_on"), reference: try row.string("reference"), createdAt: try row.string("created_at"))
    }
}
