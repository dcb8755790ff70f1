internal import HTTPServer
internal import Synchronization

/// The answer of a list endpoint in the format the client asked for: a JSON page, or the
/// whole filtered set as CSV (API.md), streamed in batches read one after another, so an
/// export of a million rows holds one batch in memory and no reader for long.
struct Listing<Item: Sendable>: Sendable {
    let representation: Representation<Item>
    /// An item's cursor position.
    let position: @Sendable (Item) -> Int64
    /// Rows a CSV export reads at a time.
    var batchSize = 1000

    /// The response for `context.format`. `fetch` reads the rows of one page; for CSV it is
    /// called with pages of `batchSize` from the start until a page comes back short.
    func response(
        page: Page, context: RequestContext, name: String,
        fetch: @escaping @Sendable (Page) async throws -> [Item]
    ) async throws -> Response {
        switch context.format {
        case .json:
            let items = try await fetch(page)
            return page.response(items, id: position) { item, json in
                representation.write(item, for: context.principal, into: &json)
            }
        case .csv:
            return csv(for: context.principal, name: name, fetch: fetch)
        }
    }

    /// `response` for a list under a parent (a member, a scheme, a facility) the caller may not
    /// see: `fetch` answers nil for such a parent, which is a 404, not an empty list. Its first
    /// page (for CSV, the first batch) is read once, before the answer starts, and serves the
    /// listing's first call, so nothing is read or audited twice.
    func nestedResponse(
        page: Page, context: RequestContext, name: String,
        fetch: @escaping @Sendable (Page) async throws -> [Item]?
    ) async throws -> Response {
        let firstPage = context.format == .csv ? Page(limit: batchSize, after: nil) : page
        guard let first = try await fetch(firstPage) else { throw AppError.notFound }
        return try await response(page: page, context: context, name: name) { batch in
            batch.after == firstPage.after ? first : try await fetch(batch) ?? []
        }
    }

    private func csv(
        for principal: Principal, name: String, fetch: @escaping @Sendable (Page) async throws -> [Item]
    ) -> Response {
        // Calls come one after another: the server asks for the next piece once the last is
        // written. The state is still behind a lock, as the calls may run on other threads.
        let cursor = Mutex(ExportCursor())
        let (representation, position, batchSize) = (representation, position, batchSize)
        var headers = HTTPHeaders([("Content-Type", "text/csv; charset=utf-8; header=present")])
        headers.add("Content-Disposition", "attachment; filename=\"\(name).csv\"")
        return Response(status: .ok, headers: headers) {
            let state = cursor.withLock { $0 }
            guard !state.finished else { return nil }
            var csv = CSVWriter(reservingCapacity: 256 * batchSize)
            if !state.started { csv.header(representation.columnNames) }
            let items = try await fetch(Page(limit: batchSize, after: state.after))
            for item in items { representation.writeRecord(of: item, for: principal, into: &csv) }
            cursor.withLock { cursor in
                cursor.started = true
                cursor.after = items.last.map(position) ?? cursor.after
                cursor.finished = items.count < batchSize
            }
            return csv.take()
        }
    }
}

/// Where a CSV export has got to.
private struct ExportCursor: Sendable {
    var after: Int64?
    var started = false
    var finished = false
}
