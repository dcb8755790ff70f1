internal import HTTPServer

/// `GET /v1/audit?actor=&resource=&from=&to=`: for admins, newest first.
struct AuditRoutes: Sendable {
    let service: AuditService

    static let representation = Representation<AuditRecord>([
        .integer("id") { $0.id },
        .text("occurred_at") { $0.occurredAt },
        .integer("api_key_id") { $0.apiKeyID },
        .text("role") { $0.role },
        .text("action") { $0.action },
        .text("resource_type") { $0.resourceType },
        .text("resource_id") { $0.resourceID },
        .text("request_id") { $0.requestID },
    ])
    static let listing = Listing(representation: representation, position: \.id)

    func register(on router: inout APIRouter) {
        router.add(.get, "/v1/audit", roles: .adminOnly, formats: [.json, .csv]) { request, context in
            var query = try QueryInput(request)
            let (page, filter) = try Self.read(&query)
            return try await Self.listing.response(page: page, context: context, name: "audit") { page in
                try await service.list(filter, page: page)
            }
        }
    }

    /// The page and the filters, or one `AppError.invalid` naming every bad parameter,
    /// unknown ones included.
    static func read(_ query: inout QueryInput) throws(AppError) -> (Page, AuditFilter) {
        let page = query.page()
        var filter = AuditFilter()
        filter.apiKeyID = query.id("actor", of: "an API key's")
        if let resource = query.string("resource") {
            // `member` or `member:42`
            let parts = resource.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            if parts[0].isEmpty || !parts[0].utf8.allSatisfy({ (0x61...0x7A).contains($0) || $0 == UInt8(ascii: "_") })
                || parts.count > 1 && parts[1].isEmpty {
                query.fail("resource", code: "invalid_format",
                           message: "must be a resource type such as member, or a type and id such as member:42")
            } else {
                filter.resourceType = parts[0]
                filter.resourceID = parts.count > 1 ? parts[1] : nil
            }
        }
        let message = "must be a real date written YYYY-MM-DD or a UTC time written YYYY-MM-DDTHH:MM:SSZ"
        if let text = query.string("from") {
            filter.from = bound(text).map { $0.start }
            if filter.from == nil { query.fail("from", code: "invalid_format", message: message) }
        }
        if let text = query.string("to") {
            // A date includes its whole day; 9999-12-31 leaves no bound at all.
            if let bound = bound(text) { filter.before = bound.end } else { query.fail("to", code: "invalid_format", message: message) }
        }
        if let from = filter.from, let before = filter.before, before <= from {
            query.fail("to", code: "out_of_range", message: "must be after from (a date includes its whole day)")
        }
        try query.finish()
        return (page, filter)
    }

    /// Where records of `text` start, and the first second after it (nil after 9999-12-31)
    /// for a date, or the timestamp itself for a time: `2025-10-09` → `2025-10-09T00:00:00Z`
    /// and `2025-10-10T00:00:00Z`. Nil unless `text` is a date or a UTC time that exists.
    static func bound(_ text: String) -> (start: String, end: String?)? {
        let bytes = Array(text.utf8)
        if let date = CalendarDate(text) {
            let next = CalendarDate(year: date.year, month: date.month, day: date.day + 1)
                ?? CalendarDate(year: date.year, month: date.month + 1, day: 1)
                ?? CalendarDate(year: date.year + 1, month: 1, day: 1)
            return ("\(date)T00:00:00Z", next.map { "\($0)T00:00:00Z" })
        }
        // YYYY-MM-DDTHH:MM:SSZ, as the service writes every timestamp.
        guard bytes.count == 20, bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
              bytes[19] == UInt8(ascii: "Z"), CalendarDate(String(decoding: bytes[0..<10], as: UTF8.self)) != nil
        else { return nil }
        func number(_ range: Range<Int>, below limit: Int) -> Bool {
            guard bytes[range].allSatisfy({ (0x30...0x39).contains($0) }) else { return false }
            return bytes[range].reduce(0) { $0 * 10 + Int($1 - 0x30) } < limit
        }
        guard number(11..<13, below: 24), number(14..<16, below: 60), number(17..<19, below: 60) else { return nil }
        return (text, text)
    }
}
