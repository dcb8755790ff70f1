internal import Database

/// SQL for the ledger (`contributions`) and the status changes payments make.
enum ContributionRepository {
    private static let columns = "id, member_id, period, source, amount_idr, paid_on, reference, billing_run_id, created_at"
    private static let memberColumns = "id, segment, class, status, family_card_no, registered_at"

    static func member(_ id: Int64, scope: Scope, in connection: DatabaseConnection) throws -> LedgerMember? {
        let (condition, bindings) = scope.condition(on: "registered_organization_id")
        return try connection.fetchOne(
            "SELECT \(memberColumns) FROM members WHERE id = ? AND \(condition)", [.integer(id)] + bindings, map: decodeMember)
    }

    /// The members whose premiums are settled together with `member`'s: for PBPU every member
    /// of the family card who is not deactivated (DOMAIN.md), otherwise the member alone.
    static func payingTogether(with member: LedgerMember, in connection: DatabaseConnection) throws -> [LedgerMember] {
        guard member.segment == .pbpu else { return [member] }
        return try connection.fetchAll("""
            SELECT \(memberColumns) FROM members
            WHERE family_card_no = ? AND segment = 'PBPU' AND status <> 'deactivated' ORDER BY id
            """, [.text(member.familyCardNo)], map: decodeMember)
    }

    /// What is paid for each of `members` per period, all periods.
    static func paid(_ members: [Int64], in connection: DatabaseConnection) throws -> [Int64: [Period: Int64]] {
        var paid: [Int64: [Period: Int64]] = [:]
        for start in stride(from: 0, to: members.count, by: 500) {
            let chunk = members[start..<min(start + 500, members.count)]
            let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            for (member, period, amount) in try connection.fetchAll("""
                SELECT member_id, period, sum(amount_idr) AS paid FROM contributions WHERE member_id IN (\(placeholders))
                GROUP BY member_id, period
                """, chunk.map { .integer($0) }, map: { row in
                (try row.int64("member_id"), Period(try row.string("period"))!, try row.int64("paid"))
            }) {
                paid[member, default: [:]][period] = amount
            }
        }
        return paid
    }

    /// The entries one payment wrote (all of them share its request), found by the payer's
    /// source and reference: empty when there is none, so a repeated payment is a no-op.
    static func entries(of member: Int64, source: PaymentSource, reference: String, in connection: DatabaseConnection) throws -> [Contribution] {
        try connection.fetchAll("""
            SELECT \(columns) FROM contributions WHERE reference = ? AND request_id =
                (SELECT request_id FROM contributions WHERE member_id = ? AND source = ? AND reference = ?)
            ORDER BY id
            """, [.text(reference), .integer(member), .text(source.rawValue), .text(reference)], map: decode)
    }

    /// Records an entry; nil when the member has an entry of this source and reference already.
    static func insert(
        member: Int64, period: Period, source: PaymentSource, amount: Int64, paidOn: CalendarDate, reference: String,
        context: RequestContext, in connection: DatabaseConnection
    ) throws -> Contribution? {
        try connection.fetchOne("""
            INSERT INTO contributions (member_id, period, source, amount_idr, paid_on, reference, api_key_id, role, request_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING \(columns)
            """,
            [.integer(member), .text(period.description), .text(source.rawValue), .integer(amount), .text(paidOn.description),
             .text(reference), .integer(context.principal.apiKeyID), .text(context.principal.role.rawValue), .text(context.requestID),
             .text(context.now)], map: decode)
    }

    /// A page of a member's ledger, oldest first.
    static func list(member: Int64, after: Int64?, limit: Int, in connection: DatabaseConnection) throws -> [Contribution] {
        try connection.fetchAll(
            "SELECT \(columns) FROM contributions WHERE member_id = ? AND id > ? ORDER BY id LIMIT ?",
            [.integer(member), .integer(after ?? 0), .integer(Int64(limit))], map: decode)
    }

    /// Premiums collected per period and source from `from` to `to`, optionally for members of
    /// a region (and everything in it): the gotong royong view in one query.
    static func revenue(from: Period, to: Period, regionPrefix: String?, in connection: DatabaseConnection) throws -> [(period: String, source: PaymentSource, amountIDR: Int64)] {
        var bindings: [SQLValue] = [.text(from.description), .text(to.description)]
        var region = ""
        if let regionPrefix {
            region = "AND member_id IN (SELECT id FROM members WHERE substr(region_code, 1, ?) = ?)"
            bindings += [.integer(Int64(regionPrefix.count)), .text(regionPrefix)]
        }
        return try connection.fetchAll("""
            SELECT period, source, sum(amount_idr) AS amount FROM contributions
            WHERE period >= ? AND period <= ? \(region) GROUP BY period, source ORDER BY period, source
            """, bindings) { row in
            (period: try row.string("period"), source: PaymentSource(rawValue: try row.string("source"))!, amountIDR: try row.int64("amount"))
        }
    }

    /// Makes a pending or inactive member active; false when it was neither.
    static func activate(_ member: Int64, now: String, in connection: DatabaseConnection) throws -> Bool {
        try connection.execute("""
            UPDATE members SET status = 'active', active_from = NULL, version = version + 1, updated_at = ?
            WHERE id = ? AND status IN ('pending', 'inactive')
            """, [.text(now), .integer(member)]) == 1
    }

    /// Marks inactive, with history, every active member who pays through the ledger (not PBI),
    /// has paid a premium for `period` or before, and has not paid `period` in full; returns how
    /// many. `premiums` are the month's premiums by segment and class; a PPU premium, which
    /// depends on a wage the registry does not hold, is paid by any payment.
    static func closeMonth(
        _ period: Period, premiums: [(segment: Segment, memberClass: Int, amountIDR: Int64)], reason: String, requestID: String,
        now: String, in connection: DatabaseConnection
    ) throws -> Int {
        var bindings: [SQLValue] = []
        // Numbered on both engines, so SQLite's UPDATE can take the INSERT's parameters.
        func parameter(_ value: SQLValue) -> String {
            bindings.append(value)
            return connection.engine == .postgresql ? "$\(bindings.count)" : "?\(bindings.count)"
        }
        let (reasonValue, requestValue, nowValue) = (parameter(.text(reason)), parameter(.text(requestID)), parameter(.text(now)))
        let cases = premiums.map {
            "WHEN segment = \(parameter(.text($0.segment.rawValue))) AND class = \(parameter(.integer(Int64($0.memberClass)))) THEN \(parameter(.integer($0.amountIDR)))"
        }
        let month = parameter(.text(period.description))
        let unpaid = """
            status = 'active' AND segment IN ('PPU_PN', 'PPU_BU', 'PBPU', 'BP')
            AND EXISTS (SELECT 1 FROM contributions c WHERE c.member_id = members.id AND c.period <= \(month))
            AND coalesce((SELECT sum(c.amount_idr) FROM contributions c WHERE c.member_id = members.id AND c.period = \(month)), 0)
                < CASE \(cases.joined(separator: " ")) ELSE 1 END
            """
        let history = """
            INSERT INTO member_history (member_id, field, old_value, new_value, reason, role, request_id, changed_at)
            SELECT id, 'status', 'active', 'inactive', \(reasonValue), 'system', \(requestValue), \(nowValue)
            """
        let update = "UPDATE members SET status = 'inactive', version = version + 1, updated_at = \(nowValue) WHERE \(unpaid)"
        switch connection.engine {
        case .postgresql:
            let sql = "WITH changed AS (\(update) RETURNING id) \(history) FROM changed"
            return try connection.execute(SQL(sqlite: sql, postgresql: sql), bindings)
        case .sqlite:
            // One writer: the INSERT and the UPDATE see the same rows.
            let changed = try connection.execute("\(history) FROM members WHERE \(unpaid)", bindings)
            _ = try connection.execute(update, bindings)
            return changed
        }
    }

    private static func decode(_ row: DatabaseRow) throws -> Contribution {
        Contribution(
            id: try row.int64("id"), memberID: try row.int64("member_id"), period: try row.string("period"),
            source: PaymentSource(rawValue: try row.string("source"))!, amountIDR: try row.int64("amount_idr"),
            paidOn: try row.string("paid_on"), reference: try row.string("reference"), billingRunID: try row.optionalInt64("billing_run_id"),
            createdAt: try row.string("created_at"))
    }

    private static func decodeMember(_ row: DatabaseRow) throws -> LedgerMember {
        LedgerMember(
            id: try row.int64("id"), segment: Segment(rawValue: try row.string("segment"))!, memberClass: try row.int("class"),
            status: MemberStatus(rawValue: try row.string("status"))!, familyCardNo: try row.string("family_card_no"),
            registeredAt: CalendarDate(String(try row.string("registered_at").prefix(10)))!)
    }
}
