internal import Database

/// SQL for `import_jobs` and `import_errors`.
enum ImportRepository {
    static let columns = """
        id, organization_id, scope_organization_id, status, failure, file_name, bytes_total, resume_offset, resume_line,
        rows_total, rows_done, accepted, rejected, duplicates, warnings, api_key_id, role, request_id, created_at,
        started_at, finished_at, updated_at
        """

    static func insert(
        organizationID: Int64?, scopeOrganizationID: Int64?, fileName: String, bytesTotal: Int64, principal: Principal?,
        requestID: String, now: String, in connection: DatabaseConnection
    ) throws -> ImportJob {
        try connection.fetchOne("""
            INSERT INTO import_jobs (organization_id, scope_organization_id, status, file_name, bytes_total, api_key_id,
                role, request_id, created_at, updated_at)
            VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?)
            RETURNING \(columns)
            """,
            [SQLValue(organizationID), SQLValue(scopeOrganizationID), .text(fileName), .integer(bytesTotal),
             SQLValue(principal?.apiKeyID), .text(principal?.role.rawValue ?? "cli"), .text(requestID), .text(now), .text(now)],
            map: decode)!
    }

    /// The job if the scope sees its organization (a job for no organization is staff's alone).
    static func find(_ id: Int64, scope: Scope, in connection: DatabaseConnection) throws -> ImportJob? {
        let (condition, bindings) = scope.condition(on: "organization_id")
        return try connection.fetchOne(
            "SELECT \(columns) FROM import_jobs WHERE id = ? AND \(condition)", [.integer(id)] + bindings, map: decode)
    }

    /// Jobs in the scope, by id.
    static func list(scope: Scope, status: ImportJob.Status?, after: Int64?, limit: Int, in connection: DatabaseConnection) throws -> [ImportJob] {
        let (condition, bindings) = scope.condition(on: "organization_id")
        var sql = "SELECT \(columns) FROM import_jobs WHERE \(condition)"
        var values = bindings
        if let status {
            sql += " AND status = ?"
            values.append(.text(status.rawValue))
        }
        if let after {
            sql += " AND id > ?"
            values.append(.integer(after))
        }
        sql += " ORDER BY id LIMIT ?"
        values.append(.integer(Int64(limit)))
        return try connection.fetchAll(sql, values, map: decode)
    }

    /// Jobs not finished, oldest first: what runners look for.
    static func unfinished(in connection: DatabaseConnection) throws -> [Int64] {
        try connection.fetchAll("SELECT id FROM import_jobs WHERE status IN ('queued', 'running') ORDER BY id") { try $0.int64("id") }
    }

    /// PostgreSQL: takes job `id`'s session advisory lock if no session holds it; keyed by
    /// schema, so databases shared by test schemas do not collide. The lock goes with the session.
    static func tryLock(_ id: Int64, in connection: DatabaseConnection) throws -> Bool {
        try connection.fetchOne(
            "SELECT pg_try_advisory_lock(hashtextextended(current_schema() || ':import:' || ?, 0)) AS locked",
            [.text(String(id))]) { try $0.bool("locked") } ?? false
    }

    /// Marks the job running (again) and sets the row count a first pass found.
    static func start(_ id: Int64, rowsTotal: Int64, now: String, in connection: DatabaseConnection) throws {
        try connection.execute("""
            UPDATE import_jobs SET status = 'running', rows_total = ?, started_at = coalesce(started_at, ?), updated_at = ?
            WHERE id = ? AND status IN ('queued', 'running')
            """, [.integer(rowsTotal), .text(now), .text(now), .integer(id)])
    }

    /// Adds a batch's counts and moves the resume point; false when the job was not at `from`
    /// (another runner moved it), which must roll the batch back.
    static func advance(
        _ id: Int64, from offset: Int64, by progress: ImportProgress, now: String, in connection: DatabaseConnection
    ) throws -> Bool {
        try connection.execute("""
            UPDATE import_jobs SET rows_done = rows_done + ?, accepted = accepted + ?, rejected = rejected + ?,
                duplicates = duplicates + ?, warnings = warnings + ?, resume_offset = ?, resume_line = ?, updated_at = ?
            WHERE id = ? AND resume_offset = ? AND status = 'running'
            """,
            [.integer(progress.rows), .integer(progress.accepted), .integer(progress.rejected), .integer(progress.duplicates),
             .integer(progress.warnings), .integer(progress.resumeOffset), .integer(progress.resumeLine), .text(now),
             .integer(id), .integer(offset)]) == 1
    }

    static func finish(_ id: Int64, now: String, in connection: DatabaseConnection) throws {
        try connection.execute(
            "UPDATE import_jobs SET status = 'done', finished_at = ?, updated_at = ? WHERE id = ? AND status = 'running'",
            [.text(now), .text(now), .integer(id)])
    }

    static func fail(_ id: Int64, reason: String, now: String, in connection: DatabaseConnection) throws {
        try connection.execute("""
            UPDATE import_jobs SET status = 'failed', failure = ?, finished_at = ?, updated_at = ?
            WHERE id = ? AND status IN ('queued', 'running')
            """, [.text(reason), .text(now), .text(now), .integer(id)])
    }

    /// The problems of refused rows, in file order.
    static let errorShape = AppendedRow.Shape(table: "import_errors", columns: ["import_id", "row_number", "line", "field", "code", "message"])

    static func insertErrors(_ rows: [[SQLValue]], in connection: DatabaseConnection) throws {
        for start in stride(from: 0, to: rows.count, by: 500) {
            let chunk = Array(rows[start..<min(start + 500, rows.count)])
            try connection.execute(errorShape.insert(rows: chunk.count), chunk.flatMap { $0 })
        }
    }

    static func errors(of id: Int64, after: Int64?, limit: Int, in connection: DatabaseConnection) throws -> [ImportError] {
        try connection.fetchAll("""
            SELECT id, row_number, line, field, code, message FROM import_errors
            WHERE import_id = ? AND id > ? ORDER BY id LIMIT ?
            """, [.integer(id), .integer(after ?? 0), .integer(Int64(limit))]
        ) { row in
            ImportError(
                id: try row.int64("id"), rowNumber: try row.int64("row_number"), line: try row.int64("line"),
                field: try row.string("field"), code: try row.string("code"), message: try row.string("message"))
        }
    }

    static func decode(_ row: DatabaseRow) throws -> ImportJob {
        ImportJob(
            id: try row.int64("id"), organizationID: try row.optionalInt64("organization_id"),
            scopeOrganizationID: try row.optionalInt64("scope_organization_id"),
            status: ImportJob.Status(rawValue: try row.string("status")) ?? .failed, failure: try row.optionalString("failure"),
            fileName: try row.string("file_name"), bytesTotal: try row.int64("bytes_total"),
            resumeOffset: try row.int64("resume_offset"), resumeLine: try row.int64("resume_line"),
            rowsTotal: try row.optionalInt64("rows_total"), rowsDone: try row.int64("rows_done"), accepted: try row.int64("accepted"),
            rejected: try row.int64("rejected"), duplicates: try row.int64("duplicates"), warnings: try row.int64("warnings"),
            apiKeyID: try row.optionalInt64("api_key_id"), role: try row.string("role"), requestID: try row.string("request_id"),
            createdAt: try row.string("created_at"), startedAt: try row.optionalString("started_at"),
            finishedAt: try row.optionalString("finished_at"), updatedAt: try row.string("updated_at"))
    }
}
