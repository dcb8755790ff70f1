
/// Reads of the audit log, for admins.
struct AuditService: Sendable {
    let store: Store

    /// A page of records matching `filter`, newest first: `page.after` is the id the page
    /// starts below.
    func list(_ filter: AuditFilter, page: Page) async throws -> [AuditRecord] {
        try await store.read { connection in
            try AuditRepository.list(connection, filter: filter, before: page.after, limit: page.limit)
        }
    }
}
