internal import Database

/// SQL for the premium table and the rule values, both read whole: they are a few rows.
enum PremiumRepository {
    private static let columns = """
        id, segment, class, effective_from, amount_idr, government_idr, wage_rate_bp, employer_rate_bp, wage_ceiling_idr
        """

    /// Every rate, for `PremiumTable`.
    static func table(in connection: DatabaseConnection) throws -> PremiumTable {
        PremiumTable(rates: try connection.fetchAll("SELECT \(columns) FROM premium_rates ORDER BY id", map: decode))
    }

    /// A page of rates, optionally of one segment or class, in table order.
    static func list(segment: Segment?, memberClass: Int?, after: Int64?, limit: Int, in connection: DatabaseConnection) throws -> [PremiumRate] {
        var conditions = ["id > ?"]
        var bindings: [SQLValue] = [.integer(after ?? 0)]
        if let segment {
            conditions.append("segment = ?")
            bindings.append(.text(segment.rawValue))
        }
        if let memberClass {
            conditions.append("class = ?")
            bindings.append(.integer(Int64(memberClass)))
        }
        bindings.append(.integer(Int64(limit)))
        return try connection.fetchAll(
            "SELECT \(columns) FROM premium_rates WHERE \(conditions.joined(separator: " AND ")) ORDER BY id LIMIT ?", bindings,
            map: decode)
    }

    /// The rule values in effect on `day`; the migration gives the first row, so there is one
    /// for every day since 2021.
    static func rules(on day: CalendarDate, in connection: DatabaseConnection) throws -> ContributionRules {
        let rules = try connection.fetchOne("""
            SELECT effective_from, due_day, arrears_cap_months, penalty_rate_bp, penalty_cap_months, penalty_cap_idr,
                   penalty_window_days, first_payment_from_days, first_payment_until_days
            FROM contribution_rules WHERE effective_from <= ? ORDER BY effective_from DESC LIMIT 1
            """, [.text(day.description)]) { row in
            ContributionRules(
                effectiveFrom: CalendarDate(try row.string("effective_from"))!, dueDay: try row.int("due_day"),
                arrearsCapMonths: try row.int("arrears_cap_months"), penaltyRateBP: try row.int64("penalty_rate_bp"),
                penaltyCapMonths: try row.int("penalty_cap_months"), penaltyCapIDR: try row.int64("penalty_cap_idr"),
                penaltyWindowDays: try row.int("penalty_window_days"), firstPaymentFromDays: try row.int("first_payment_from_days"),
                firstPaymentUntilDays: try row.int("first_payment_until_days"))
        }
        guard let rules else { throw AppError.unavailable("No contribution rules are in effect on \(day).") }
        return rules
    }

    private static func decode(_ row: DatabaseRow) throws -> PremiumRate {
        PremiumRate(
            id: try row.int64("id"), segment: Segment(rawValue: try row.string("segment"))!, memberClass: try row.int("class"),
            effectiveFrom: CalendarDate(try row.string("effective_from"))!, amountIDR: try row.optionalInt64("amount_idr"),
            governmentIDR: try row.int64("government_idr"), wageRateBP: try row.optionalInt64("wage_rate_bp"),
            employerRateBP: try row.optionalInt64("employer_rate_bp"), wageCeilingIDR: try row.optionalInt64("wage_ceiling_idr"))
    }
}
