internal import Database

/// The rules of the organization tree: references exist, a parent change never makes a
/// cycle, partners see their subtree only, and edits are optimistic (version / If-Match).
public struct OrganizationService: Sendable {
    let store: Store

    init(store: Store) {
        self.store = store
    }

    func create(_ new: NewOrganization, _ context: RequestContext) async throws -> Organization {
        try await store.write { connection in
            var errors = new.errors
            try Self.checkReferences(parentID: new.parentID, regionCode: new.regionCode, into: &errors, in: connection)
            guard errors.isEmpty, let name = new.name, let kind = new.kind, let region = new.regionCode else {
                throw AppError.invalid(errors)
            }
            let organization = try OrganizationRepository.insert(
                name: name, kind: kind, parentID: new.parentID, regionCode: region.digits, now: context.now, in: connection)
            try AuditLog.insert(context.audit("create", "organization", id: organization.id), into: connection)
            return organization
        }
    }

    /// The organization with its children, both within the caller's scope; nil when outside.
    func find(_ id: Int64, _ context: RequestContext) async throws -> (Organization, [Organization])? {
        let scope = context.scope
        return try await store.read { connection in
            guard let organization = try OrganizationRepository.find(id, scope: scope, in: connection) else { return nil }
            return (organization, try OrganizationRepository.children(of: id, scope: scope, in: connection))
        }
    }

    func list(_ filter: OrganizationFilter, page: Page, _ context: RequestContext) async throws -> [Organization] {
        let scope = context.scope
        return try await store.read { connection in
            try OrganizationRepository.list(filter, scope: scope, after: page.after, limit: page.limit, in: connection)
        }
    }

    /// Applies `patch` when the caller's ETag is still current; returns the changed
    /// organization with its children, read in the same transaction.
    ///
    /// The cycle check and the update share one write transaction; SQLite runs one writer at
    /// a time, so two concurrent re-parentings cannot each pass the check and together close
    /// a cycle.
    func update(
        _ id: Int64, with patch: OrganizationPatch, ifMatch: String, _ context: RequestContext
    ) async throws -> (Organization, [Organization]) {
        let scope = context.scope
        return try await store.write { connection in
            guard let current = try OrganizationRepository.find(id, scope: scope, in: connection) else { throw AppError.notFound }
            var errors = patch.errors
            let parentID = patch.parentID ?? current.parentID
            try Self.checkReferences(
                parentID: patch.parentID ?? nil, regionCode: patch.regionCode, into: &errors, in: connection)
            if let parent = parentID, parent != current.parentID,
               try OrganizationRepository.subtree(of: id, in: connection).contains(parent) {
                errors.append(.init(field: "parent_id", code: "cycle", message: "is this organization or one below it"))
            }
            // The body's own errors come first: a stale ETag matters only for a valid change.
            if !errors.isEmpty { throw AppError.invalid(errors) }
            // Changing this row leaves its children's rows as they are: they are read once.
            let children = try OrganizationRepository.children(of: id, scope: scope, in: connection)
            if !IfMatch.matches(ifMatch, etag: current.etag(children: children)) { throw AppError.preconditionFailed }
            guard let updated = try OrganizationRepository.update(
                id, version: current.version, name: patch.name ?? current.name, kind: patch.kind ?? current.kind,
                parentID: parentID, regionCode: patch.regionCode?.digits ?? current.regionCode, now: context.now,
                in: connection)
            else { throw AppError.preconditionFailed }
            try AuditLog.insert(context.audit("update", "organization", id: id), into: connection)
            return (updated, children)
        }
    }

    // A parent and a region that do not exist are field errors, reported with the others.
    private static func checkReferences(
        parentID: Int64?, regionCode: RegionCode?, into errors: inout [FieldError], in connection: DatabaseConnection
    ) throws {
        if let parentID, try OrganizationRepository.find(parentID, scope: .all, in: connection) == nil {
            errors.append(.init(field: "parent_id", code: "not_found", message: "no organization has this id"))
        }
        if let regionCode, try RegionRepository.level(of: regionCode, in: connection) == nil {
            errors.append(.init(field: "region_code", code: "not_found", message: "is not a Kemendagri region code"))
        }
    }
}
