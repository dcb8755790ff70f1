internal import Database

/// SQL for `employers`. Every read counts the employer's registered members in the same
/// statement, so a page of employers is one query.
enum EmployerRepository {
    /// The columns `decode` reads. `registered_employees` is a correlated subquery served by
    /// the `members_employer` index; written against `employers` unaliased so that the same
    /// list works after `RETURNING` (SQLite and PostgreSQL both allow subqueries there).
    static let columns = """
        id, name, nib, region_code, reported_employees,
        (SELECT count(*) FROM members
         WHERE members.employer_id = employers.id AND members.segment = 'PPU_BU' AND members.status <> 'deactivated')
            AS registered_employees,
        version, created_at, updated_at
        """

    /// Inserts the employer; nil when its NIB is registered already (the UNIQUE index said
    /// so, without a lookup first).
    static func insert(
        name: String, nib: NIB, regionCode: String, reportedEmployees: Int64, now: String, in connection: DatabaseConnection
    ) throws -> Employer? {
        try connection.fetchOne("""
            INSERT INTO employers (name, nib, region_code, reported_employees, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (nib) DO NOTHING RETURNING \(columns)
            """,
            [.text(name), .text(nib.digits), .text(regionCode), .integer(reportedEmployees), .text(now), .text(now)],
            map: decode)
    }

    static func find(_ id: Int64, in connection: DatabaseConnection) throws -> Employer? {
        try connection.fetchOne("SELECT \(columns) FROM employers WHERE id = ?", [.integer(id)], map: decode)
    }

    /// Employers registered.
    static func count(in connection: DatabaseConnection) throws -> Int64 {
        try connection.fetchOne("SELECT count(*) AS employers FROM employers") { try $0.int64("employers") } ?? 0
    }

    /// The id of the employer registered under `nib`, if any.
    static func id(withNIB nib: NIB, in connection: DatabaseConnection) throws -> Int64? {
        try connection.fetchOne("SELECT id FROM employers WHERE nib = ?", [.text(nib.digits)]) { try $0.int64("id") }
    }

    /// A page of employers; `regionPrefix` matches a region and everything in it.
    static func list(_ filter: EmployerFilter, after: Int64?, limit: Int, in connection: DatabaseConnection) throws -> [Employer] {
        var conditions = ["id > ?"]
        var bindings: [SQLValue] = [.integer(after ?? 0)]
        if let regionPrefix = filter.regionPrefix {
            // Codes are hierarchical: everything in 35 starts with "35".
            conditions.append("substr(region_code, 1, ?) = ?")
            bindings.append(contentsOf: [.integer(Int64(regionPrefix.count)), .text(regionPrefix)])
        }
        bindings.append(.integer(Int64(limit)))
        return try connection.fetchAll(
            "SELECT \(columns) FROM employers WHERE \(conditions.joined(separator: " AND ")) ORDER BY id LIMIT ?",
            bindings, map: decode)
    }

    /// An employer from a row of `columns`.
    private static func decode(_ row: DatabaseRow) throws -> Employer {
        Employer(
            id: try row.int64("id"), name: try row.string("name"), nib: try row.string("nib"),
            regionCode: try row.string("region_code"), reportedEmployees: try row.int64("reported_employees"),
            registeredEmployees: try row.int64("registered_employees"), version: try row.int64("version"),
            createdAt: try row.string("created_at"), updatedAt: try row.string("updated_at"))
    }
}
