internal import Database

/// SQL for schemes, their funders and beneficiaries. A partner's scope is the schemes one of
/// its organizations funds, applied inside each query.
enum SchemeRepository {
    private static let columns = """
        id, name, region_code, agreement_id, class, starts_on, ends_on, quota, beneficiaries, version, created_at, updated_at
        """

    /// The scheme's id: a partner sees a scheme that an organization of its tree funds.
    static func scopeCondition(_ scope: Scope, schemeColumn: String) -> (sql: String, bindings: [SQLValue]) {
        guard case .subtree = scope else { return ("1 = 1", []) }
        let (condition, bindings) = scope.condition(on: "scope_funders.organization_id")
        return ("EXISTS (SELECT 1 FROM scheme_funders scope_funders WHERE scope_funders.scheme_id = \(schemeColumn) AND \(condition))", bindings)
    }

    static func insert(_ new: NewScheme, sources: [PaymentSource], now: String, in connection: DatabaseConnection) throws -> Int64 {
        let id = try connection.fetchOne("""
            INSERT INTO schemes (name, region_code, agreement_id, class, starts_on, ends_on, quota, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
            """,
            [.text(new.name!), .text(new.regionCode!.digits), SQLValue(new.agreementID), .integer(Int64(new.memberClass!)),
             .text(new.startsOn!.description), SQLValue(new.endsOn?.description), .integer(new.quota!), .text(now), .text(now)]) {
            try $0.int64("id")
        }!
        for (position, funder) in new.funders.enumerated() {
            try connection.execute("""
                INSERT INTO scheme_funders (scheme_id, position, organization_id, share_bp, source, budget_idr) VALUES (?, ?, ?, ?, ?, ?)
                """,
                [.integer(id), .integer(Int64(position)), .integer(funder.organizationID), .integer(funder.shareBP),
                 .text(sources[position].rawValue), SQLValue(funder.budgetIDR)])
        }
        return id
    }

    static func find(_ id: Int64, scope: Scope, in connection: DatabaseConnection) throws -> Scheme? {
        let (condition, bindings) = scopeCondition(scope, schemeColumn: "schemes.id")
        guard let scheme = try connection.fetchOne(
            "SELECT \(columns) FROM schemes WHERE id = ? AND \(condition)", [.integer(id)] + bindings, map: decode)
        else { return nil }
        return try withFunders([scheme], scope: scope, in: connection)[0]
    }

    /// A page of schemes, optionally of a region (and everything in it) or funded by an organization.
    static func list(
        regionPrefix: String?, funder: Int64?, scope: Scope, after: Int64?, limit: Int, in connection: DatabaseConnection
    ) throws -> [Scheme] {
        let (condition, scopeBindings) = scopeCondition(scope, schemeColumn: "schemes.id")
        var conditions = ["id > ?", condition]
        var bindings: [SQLValue] = [.integer(after ?? 0)] + scopeBindings
        if let regionPrefix {
            conditions.append("substr(region_code, 1, ?) = ?")
            bindings += [.integer(Int64(regionPrefix.count)), .text(regionPrefix)]
        }
        if let funder {
            conditions.append("EXISTS (SELECT 1 FROM scheme_funders f WHERE f.scheme_id = schemes.id AND f.organization_id = ?)")
            bindings.append(.integer(funder))
        }
        bindings.append(.integer(Int64(limit)))
        let schemes = try connection.fetchAll(
            "SELECT \(columns) FROM schemes WHERE \(conditions.joined(separator: " AND ")) ORDER BY id LIMIT ?", bindings, map: decode)
        return try withFunders(schemes, scope: scope, in: connection)
    }

    /// Bumps the scheme's version (a billing run changed its funders' billed amounts).
    static func touch(_ id: Int64, now: String, in connection: DatabaseConnection) throws {
        try connection.execute("UPDATE schemes SET version = version + 1, updated_at = ? WHERE id = ?", [.text(now), .integer(id)])
    }

    // MARK: - Beneficiaries

    /// Takes `count` more places of the quota; false when fewer are left. Conditional, so
    /// concurrent adds cannot pass the quota together (and the CHECK stands behind it).
    static func takePlaces(_ count: Int, of scheme: Int64, now: String, in connection: DatabaseConnection) throws -> Bool {
        try connection.execute("""
            UPDATE schemes SET beneficiaries = beneficiaries + ?, version = version + 1, updated_at = ?
            WHERE id = ? AND beneficiaries + ? <= quota
            """, [.integer(Int64(count)), .text(now), .integer(scheme), .integer(Int64(count))]) == 1
    }

    /// The scheme a member is an active beneficiary of, if any.
    static func activeScheme(of member: Int64, in connection: DatabaseConnection) throws -> Int64? {
        try connection.fetchOne(
            "SELECT scheme_id FROM scheme_beneficiaries WHERE member_id = ? AND removed_at IS NULL", [.integer(member)]) {
            try $0.int64("scheme_id")
        }
    }

    /// The last period a scheme was billed for the member through a place that ended, if any:
    /// a new place starts after it, so no month is billed twice.
    static func lastBilledPeriod(of member: Int64, in connection: DatabaseConnection) throws -> Period? {
        try connection.fetchOne(
            "SELECT max(until_period) AS until_period FROM scheme_beneficiaries WHERE member_id = ?", [.integer(member)]) {
            try $0.optionalString("until_period").flatMap(Period.init)
        } ?? nil
    }

    /// The last period the scheme has a billing run for, if any.
    static func lastRunPeriod(of scheme: Int64, in connection: DatabaseConnection) throws -> Period? {
        try connection.fetchOne("SELECT max(period) AS period FROM billing_runs WHERE scheme_id = ?", [.integer(scheme)]) {
            try $0.optionalString("period").flatMap(Period.init)
        } ?? nil
    }

    /// The last period the scheme invoiced the member for, if any.
    static func lastInvoicedPeriod(of member: Int64, in scheme: Int64, in connection: DatabaseConnection) throws -> Period? {
        try connection.fetchOne("""
            SELECT max(i.period) AS period FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE i.scheme_id = ? AND l.member_id = ?
            """, [.integer(scheme), .integer(member)]) { try $0.optionalString("period").flatMap(Period.init) } ?? nil
    }

    /// Where each of `members` began in the scheme: its first billed period there.
    static func firstPeriods(of members: [Int64], in scheme: Int64, in connection: DatabaseConnection) throws -> [Int64: Period] {
        guard !members.isEmpty else { return [:] }
        let placeholders = Array(repeating: "?", count: members.count).joined(separator: ", ")
        let rows = try connection.fetchAll("""
            SELECT member_id, min(from_period) AS from_period FROM scheme_beneficiaries
            WHERE scheme_id = ? AND member_id IN (\(placeholders)) GROUP BY member_id
            """, [.integer(scheme)] + members.map { .integer($0) }) { (try $0.int64("member_id"), Period(try $0.string("from_period"))!) }
        return Dictionary(rows) { first, _ in first }
    }

    /// The members of `members` whose premium for `period` a scheme bills.
    static func billedByScheme(_ members: [Int64], in period: Period, in connection: DatabaseConnection) throws -> Set<Int64> {
        guard !members.isEmpty else { return [] }
        let placeholders = Array(repeating: "?", count: members.count).joined(separator: ", ")
        return Set(try connection.fetchAll("""
            SELECT DISTINCT member_id FROM scheme_beneficiaries
            WHERE member_id IN (\(placeholders)) AND from_period <= ? AND (until_period IS NULL OR until_period >= ?)
            """, members.map { .integer($0) } + [.text(period.description), .text(period.description)]) { try $0.int64("member_id") })
    }

    /// Adds the beneficiary; false when the member is active in a scheme already (the partial
    /// UNIQUE index decides).
    static func addBeneficiary(_ member: Int64, to scheme: Int64, from period: Period, now: String, in connection: DatabaseConnection) throws -> Bool {
        try connection.execute("""
            INSERT INTO scheme_beneficiaries (scheme_id, member_id, from_period, added_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING
            """, [.integer(scheme), .integer(member), .text(period.description), .text(now)]) == 1
    }

    /// Ends the member's place in the scheme after `period`; false when it has none.
    static func removeBeneficiary(_ member: Int64, from scheme: Int64, after period: Period, now: String, in connection: DatabaseConnection) throws -> Bool {
        guard try connection.execute("""
            UPDATE scheme_beneficiaries SET removed_at = ?, until_period = ?
            WHERE scheme_id = ? AND member_id = ? AND removed_at IS NULL
            """, [.text(now), .text(period.description), .integer(scheme), .integer(member)]) == 1
        else { return false }
        try connection.execute(
            "UPDATE schemes SET beneficiaries = beneficiaries - 1, version = version + 1, updated_at = ? WHERE id = ?",
            [.text(now), .integer(scheme)])
        return true
    }

    static func beneficiaries(of scheme: Int64, after: Int64?, limit: Int, in connection: DatabaseConnection) throws -> [Beneficiary] {
        try connection.fetchAll("""
            SELECT id, scheme_id, member_id, from_period, until_period, added_at, removed_at FROM scheme_beneficiaries
            WHERE scheme_id = ? AND id > ? ORDER BY id LIMIT ?
            """, [.integer(scheme), .integer(after ?? 0), .integer(Int64(limit))]) { row in
            Beneficiary(
                id: try row.int64("id"), schemeID: try row.int64("scheme_id"), memberID: try row.int64("member_id"),
                fromPeriod: try row.string("from_period"), untilPeriod: try row.optionalString("until_period"),
                addedAt: try row.string("added_at"), removedAt: try row.optionalString("removed_at"))
        }
    }

    /// The beneficiaries billed for `period`: in the scheme then, not deactivated, and with
    /// nothing in the ledger for the period (a member who paid the month before joining is not
    /// billed for it again).
    static func billable(_ scheme: Int64, in period: Period, in connection: DatabaseConnection) throws -> [(memberID: Int64, segment: Segment, memberClass: Int)] {
        try connection.fetchAll("""
            SELECT DISTINCT b.member_id, m.segment, m.class FROM scheme_beneficiaries b JOIN members m ON m.id = b.member_id
            WHERE b.scheme_id = ? AND b.from_period <= ? AND (b.until_period IS NULL OR b.until_period >= ?)
              AND m.status <> 'deactivated'
              AND NOT EXISTS (SELECT 1 FROM contributions c WHERE c.member_id = b.member_id AND c.period = ?)
            ORDER BY b.member_id
            """, [.integer(scheme), .text(period.description), .text(period.description), .text(period.description)]) { row in
            (memberID: try row.int64("member_id"), segment: Segment(rawValue: try row.string("segment"))!, memberClass: try row.int("class"))
        }
    }

    // MARK: - Funders

    /// Counts `amount` against the funder's budget; false when it would pass it.
    static func bill(_ amount: Int64, funder position: Int, of scheme: Int64, in connection: DatabaseConnection) throws -> Bool {
        try connection.execute("""
            UPDATE scheme_funders SET billed_idr = billed_idr + ?
            WHERE scheme_id = ? AND position = ? AND (budget_idr IS NULL OR billed_idr + ? <= budget_idr)
            """, [.integer(amount), .integer(scheme), .integer(Int64(position)), .integer(amount)]) == 1
    }

    /// The schemes with their funders; a funder outside `scope` without its money figures.
    private static func withFunders(_ schemes: [Scheme], scope: Scope, in connection: DatabaseConnection) throws -> [Scheme] {
        guard !schemes.isEmpty else { return [] }
        let placeholders = Array(repeating: "?", count: schemes.count).joined(separator: ", ")
        let (visible, bindings) = scope.condition(on: "organization_id")
        let rows = try connection.fetchAll("""
            SELECT scheme_id, position, organization_id, share_bp, source,
                   CASE WHEN \(visible) THEN budget_idr END AS budget_idr, CASE WHEN \(visible) THEN billed_idr END AS billed_idr
            FROM scheme_funders WHERE scheme_id IN (\(placeholders)) ORDER BY scheme_id, position
            """, bindings + bindings + schemes.map { .integer($0.id) }) { row in
            (try row.int64("scheme_id"), SchemeFunder(
                position: try row.int("position"), organizationID: try row.int64("organization_id"), shareBP: try row.int64("share_bp"),
                source: PaymentSource(rawValue: try row.string("source"))!, budgetIDR: try row.optionalInt64("budget_idr"),
                billedIDR: try row.optionalInt64("billed_idr")))
        }
        let funders = Dictionary(grouping: rows, by: \.0).mapValues { $0.map(\.1) }
        return schemes.map { scheme in
            Scheme(
                id: scheme.id, name: scheme.name, regionCode: scheme.regionCode, agreementID: scheme.agreementID,
                memberClass: scheme.memberClass, startsOn: scheme.startsOn, endsOn: scheme.endsOn, quota: scheme.quota,
                beneficiaries: scheme.beneficiaries, funders: funders[scheme.id] ?? [], version: scheme.version,
                createdAt: scheme.createdAt, updatedAt: scheme.updatedAt)
        }
    }

    private static func decode(_ row: DatabaseRow) throws -> Scheme {
        Scheme(
            id: try row.int64("id"), name: try row.string("name"), regionCode: try row.string("region_code"),
            agreementID: try row.optionalInt64("agreement_id"), memberClass: try row.int("class"), startsOn: try row.string("starts_on"),
            endsOn: try row.optionalString("ends_on"), quota: try row.int64("quota"), beneficiaries: try row.int64("beneficiaries"),
            funders: [], version: try row.int64("version"), createdAt: try row.string("created_at"), updatedAt: try row.string("updated_at"))
    }
}
