internal import HTTPServer
internal import SQLite

/// `GET /v1/audit?actor=&resource=&from=&to=`: for admins, newest first.
struct AuditRoutes: Sendable {
    let database: DatabasePool
    let access: Access

    func register(on router: inout Router) {
        router.add(.get, "/v1/audit", access: access, roles: .adminOnly) { request, _ in
            let query = try request.queryParameters()
            let page = try Page(query)
            var filter = AuditFilter()
            var errors: [Problem.FieldError] = []
            if let actor = query["actor"] {
                if let id = Int64(actor) { filter.apiKeyID = id } else {
                    errors.append(.init(field: "actor", code: "invalid_format", message: "must be an API key id"))
                }
            }
            if let resource = query["resource"] {
                // `member` or `member:42`
                let parts = resource.split(separator: ":", maxSplits: 1).map(String.init)
                filter.resourceType = parts.first
                filter.resourceID = parts.count > 1 ? parts[1] : nil
            }
            for (name, bound) in [("from", \AuditFilter.from), ("to", \AuditFilter.to)] {
                guard let text = query[name] else { continue }
                guard let normalized = Self.timestampBound(text) else {
                    errors.append(.init(field: name, code: "invalid_format", message: "must be YYYY-MM-DD or an RFC 3339 UTC timestamp"))
                    continue
                }
                filter[keyPath: bound] = normalized
            }
            if !errors.isEmpty { throw AppError.invalid(errors) }
            let finalFilter = filter
            let records = try await database.read { connection in
                try AuditRepository.list(connection, filter: finalFilter, before: page.after, limit: page.limit)
            }
            return page.response(records, id: \.id) { record, json in
                json.beginObject()
                json.field("id", Int(record.id))
                json.field("occurred_at", record.occurredAt)
                json.field("api_key_id", record.apiKeyID.map(Int.init))
                json.field("role", record.role)
                json.field("action", record.action)
                json.field("resource_type", record.resourceType)
                json.field("resource_id", record.resourceID)
                json.field("request_id", record.requestID)
                json.endObject()
            }
        }
    }

    /// `2025-10-09` → `2025-10-09T00:00:00Z`; a `…Z` timestamp as it is.
    static func timestampBound(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Bool { range.allSatisfy { bytes[$0] >= 0x30 && bytes[$0] <= 0x39 } }
        if bytes.count == 10, digits(0..<4), bytes[4] == 0x2D, digits(5..<7), bytes[7] == 0x2D, digits(8..<10) {
            return text + "T00:00:00Z"
        }
        if bytes.count == 20, digits(0..<4), bytes[10] == UInt8(ascii: "T"), bytes[19] == UInt8(ascii: "Z") {
            return text
        }
        return nil
    }
}
