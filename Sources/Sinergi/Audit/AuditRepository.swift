internal import Database

/// SQL for `audit_log`, which accepts INSERT only (its triggers refuse UPDATE and DELETE).
enum AuditRepository {
    static func insert(_ connection: DatabaseConnection, _ entry: AuditEntry, at time: String) throws {
        let row = row(entry, at: time)
        try connection.execute(row.shape.insertOne, row.values)
    }

    private static let shape = AppendedRow.Shape(
        table: "audit_log", columns: ["occurred_at", "api_key_id", "role", "action", "resource_type", "resource_id", "request_id"])

    /// `entry` as a row of `audit_log`, for `Store.append`.
    static func row(_ entry: AuditEntry, at time: String) -> AppendedRow {
        AppendedRow(
            shape: shape,
            values: [.text(time), SQLValue(entry.apiKeyID), .text(entry.role), .text(entry.action), .text(entry.resourceType),
                     SQLValue(entry.resourceID), .text(entry.requestID)])
    }

    /// Newest first, filtered; `before` is the cursor (an id).
    static func list(_ connection: DatabaseConnection, filter: AuditFilter, before: Int64?, limit: Int) throws -> [AuditRecord] {
        var conditions = ["id < ?"]
        var bindings: [SQLValue] = [.integer(before ?? Int64.max)]
        if let actor = filter.apiKeyID {
            conditions.append("api_key_id = ?")
            bindings.append(.integer(actor))
        }
        if let type = filter.resourceType {
            conditions.append("resource_type = ?")
            bindings.append(.text(type))
        }
        if let id = filter.resourceID {
            conditions.append("resource_id = ?")
            bindings.append(.text(id))
        }
        if let from = filter.from {
            conditions.append("occurred_at >= ?")
            bindings.append(.text(from))
        }
        if let before = filter.before {
            conditions.append("occurred_at < ?")
            bindings.append(.text(before))
        }
        bindings.append(.integer(Int64(limit)))
        return try connection.fetchAll("""
            SELECT id, occurred_at, api_key_id, role, action, resource_type, resource_id, request_id
            FROM audit_log WHERE \(conditions.joined(separator: " AND ")) ORDER BY id DESC LIMIT ?
            """, bindings) { row in
            AuditRecord(
                id: try row.int64("id"), occurredAt: try row.string("occurred_at"), apiKeyID: try row.optionalInt64("api_key_id"),
                role: try row.string("role"), action: try row.string("action"), resourceType: try row.string("resource_type"),
                resourceID: try row.optionalString("resource_id"), requestID: try row.string("request_id"))
        }
    }
}

/// A stored audit record.
struct AuditRecord: Sendable {
    let id: Int64
    let occurredAt: String
    let apiKeyID: Int64?
    let role: String
    let action: String
    let resourceType: String
    let resourceID: String?
    let requestID: String
}

/// `GET /v1/audit` filters.
struct AuditFilter: Sendable {
    var apiKeyID: Int64?
    var resourceType: String?
    var resourceID: String?
    /// Records at this timestamp or later.
    var from: String?
    /// Records before this timestamp.
    var before: String?
}
