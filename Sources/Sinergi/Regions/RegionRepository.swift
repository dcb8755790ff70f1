public import Database

/// SQL for `regions` and `region_populations`.
public enum RegionRepository {
    /// Whether `code` is a region, and its level: the one check every domain uses.
    public static func level(of code: RegionCode, in connection: DatabaseConnection) throws -> RegionLevel? {
        try connection.fetchOne("SELECT level FROM regions WHERE code = ?", [.text(code.digits)]) {
            try $0.value("level", as: RegionLevel.self)
        }
    }

    static func find(_ code: String, in connection: DatabaseConnection) throws -> Region? {
        try connection.fetchOne("SELECT code, name, level, parent_code, kind FROM regions WHERE code = ?", [.text(code)], map: decode)
    }

    /// The region and every region above it, the region first.
    static func chain(_ code: String, in connection: DatabaseConnection) throws -> [Region] {
        try connection.fetchAll("""
            WITH RECURSIVE chain(code, depth) AS (
                SELECT code, 0 FROM regions WHERE code = ?
                UNION ALL
                SELECT r.parent_code, c.depth + 1 FROM chain c JOIN regions r ON r.code = c.code WHERE r.parent_code IS NOT NULL
            )
            SELECT r.code, r.name, r.level, r.parent_code, r.kind FROM chain c JOIN regions r ON r.code = c.code ORDER BY c.depth
            """, [.text(code)], map: decode)
    }

    static func list(_ filter: RegionFilter, after: String?, limit: Int, in connection: DatabaseConnection) throws -> [Region] {
        var conditions = ["code > ?"]
        var bindings: [SQLValue] = [.text(after ?? "")]
        if let level = filter.level {
            conditions.append("level = ?")
            bindings.append(.text(level.rawValue))
        }
        if let parent = filter.parent {
            conditions.append("parent_code = ?")
            bindings.append(.text(parent))
        }
        bindings.append(.integer(Int64(limit)))
        return try connection.fetchAll(
            "SELECT code, name, level, parent_code, kind FROM regions WHERE \(conditions.joined(separator: " AND ")) ORDER BY code LIMIT ?",
            bindings, map: decode)
    }

    /// Figures by year, newest first.
    static func populations(_ code: String, in connection: DatabaseConnection) throws -> [RegionPopulation] {
        try connection.fetchAll(
            "SELECT year, population, source FROM region_populations WHERE region_code = ? ORDER BY year DESC", [.text(code)]
        ) { RegionPopulation(year: try $0.int("year"), population: try $0.int64("population"), source: try $0.string("source")) }
    }

    static func upsertPopulation(_ code: String, year: Int, population: Int64, source: String, now: String, in connection: DatabaseConnection) throws {
        try connection.execute("""
            INSERT INTO region_populations (region_code, year, population, source, updated_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (region_code, year) DO UPDATE SET population = excluded.population, source = excluded.source,
                updated_at = excluded.updated_at
            """, [.text(code), .integer(Int64(year)), .integer(population), .text(source), .text(now)])
    }

    /// The codes of `parent`'s children of `level`, in order.
    static func children(of parent: String, level: RegionLevel, in connection: DatabaseConnection) throws -> [String] {
        try connection.fetchAll(
            "SELECT code FROM regions WHERE level = ? AND parent_code = ? ORDER BY code", [.text(level.rawValue), .text(parent)]
        ) { try $0.string("code") }
    }

    /// The rows of the bulk load, which `RegionsLoader` inserts a batch at a time.
    static let regionRow = AppendedRow.Shape(table: "regions", columns: ["code", "name", "level", "parent_code", "kind"])
    static let populationRow = AppendedRow.Shape(
        table: "region_populations", columns: ["region_code", "year", "population", "source", "updated_at"])

    static func count(in connection: DatabaseConnection) throws -> Int {
        try connection.fetchOne("SELECT count(*) AS regions FROM regions") { try $0.int("regions") } ?? 0
    }

    /// A region from a row of `code, name, level, parent_code, kind`.
    private static func decode(_ row: DatabaseRow) throws -> Region {
        Region(
            code: try row.string("code"), name: try row.string("name"), level: try row.value("level", as: RegionLevel.self),
            parentCode: try row.optionalString("parent_code"), kind: try row.optionalString("kind"))
    }
}
