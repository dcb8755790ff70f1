public import Database

/// SQL for `organizations`. Each function takes the connection and the caller's scope.
public enum OrganizationRepository {
    /// The ids of an organization and all its descendants, given the root as the one binding.
    /// Every scope check and report uses this recursive CTE.
    static let subtreeSQL = """
        WITH RECURSIVE subtree(id) AS (
            SELECT id FROM organizations WHERE id = ?
            UNION
            SELECT o.id FROM organizations o JOIN subtree s ON o.parent_id = s.id
        ) SELECT id FROM subtree
        """

    static let columns = "id, name, kind, parent_id, region_code, version, created_at, updated_at"

    /// An organization and all its descendants.
    public static func subtree(of root: Int64, in connection: DatabaseConnection) throws -> [Int64] {
        try connection.fetchAll(subtreeSQL, [.integer(root)]) { try $0.int64("id") }
    }

    static func insert(
        name: String, kind: OrganizationKind, parentID: Int64?, regionCode: String, now: String, in connection: DatabaseConnection
    ) throws -> Organization {
        try connection.fetchOne("""
            INSERT INTO organizations (name, kind, parent_id, region_code, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?) RETURNING \(columns)
            """,
            [.text(name), .text(kind.rawValue), SQLValue(parentID), .text(regionCode), .text(now), .text(now)], map: decode)!
    }

    static func find(_ id: Int64, scope: Scope, in connection: DatabaseConnection) throws -> Organization? {
        let (condition, bindings) = scope.condition(on: "id")
        return try connection.fetchOne(
            "SELECT \(columns) FROM organizations WHERE id = ? AND \(condition)", [.integer(id)] + bindings, map: decode)
    }

    static func children(of id: Int64, scope: Scope, in connection: DatabaseConnection) throws -> [Organization] {
        let (condition, bindings) = scope.condition(on: "id")
        return try connection.fetchAll(
            "SELECT \(columns) FROM organizations WHERE parent_id = ? AND \(condition) ORDER BY id", [.integer(id)] + bindings,
            map: decode)
    }

    /// A page of organizations in scope matching `filter`, by id.
    static func list(
        _ filter: OrganizationFilter, scope: Scope, after: Int64?, limit: Int, in connection: DatabaseConnection
    ) throws -> [Organization] {
        let (scopeCondition, scopeBindings) = scope.condition(on: "id")
        var conditions = ["id > ?", scopeCondition]
        var bindings: [SQLValue] = [.integer(after ?? 0)] + scopeBindings
        if let kind = filter.kind {
            conditions.append("kind = ?")
            bindings.append(.text(kind.rawValue))
        }
        if let parentID = filter.parentID {
            conditions.append("parent_id = ?")
            bindings.append(.integer(parentID))
        }
        if let regionPrefix = filter.regionPrefix {
            // Codes are hierarchical: everything in 35 starts with "35".
            conditions.append("substr(region_code, 1, ?) = ?")
            bindings.append(contentsOf: [.integer(Int64(regionPrefix.count)), .text(regionPrefix)])
        }
        bindings.append(.integer(Int64(limit)))
        return try connection.fetchAll(
            "SELECT \(columns) FROM organizations WHERE \(conditions.joined(separator: " AND ")) ORDER BY id LIMIT ?",
            bindings, map: decode)
    }

    /// Writes the new values if the row is still at `version`; nil when it is not.
    static func update(
        _ id: Int64, version: Int64, name: String, kind: OrganizationKind, parentID: Int64?, regionCode: String, now: String,
        in connection: DatabaseConnection
    ) throws -> Organization? {
        try connection.fetchOne("""
            UPDATE organizations SET name = ?, kind = ?, parent_id = ?, region_code = ?, updated_at = ?, version = version + 1
            WHERE id = ? AND version = ? RETURNING \(columns)
            """,
            [.text(name), .text(kind.rawValue), SQLValue(parentID), .text(regionCode), .text(now), .integer(id), .integer(version)],
            map: decode)
    }

    /// An organization from a row of `columns`.
    private static func decode(_ row: DatabaseRow) throws -> Organization {
        Organization(
            id: try row.int64("id"), name: try row.string("name"), kind: try row.value("kind", as: OrganizationKind.self),
            parentID: try row.optionalInt64("parent_id"), regionCode: try row.string("region_code"),
            version: try row.int64("version"), createdAt: try row.string("created_at"), updatedAt: try row.string("updated_at"))
    }
}
