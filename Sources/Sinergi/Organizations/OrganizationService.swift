internal import Foundation
internal import HTTPServer
public import SQLite

/// The rules of the organization tree: references exist, a parent change never makes a
/// cycle, partners see their subtree only, and edits are optimistic (version / If-Match).
public struct OrganizationService: Sendable {
    let database: DatabasePool

    public init(database: DatabasePool) {
        self.database = database
    }

    /// What a create or a change asks for, already checked for form.
    struct Draft: Sendable {
        var name: String
        var kind: OrganizationKind
        var parentID: Int64?
        var regionCode: RegionCode
    }

    func create(_ draft: Draft, by principal: Principal, requestID: String) async throws -> Organization {
        try await database.write { connection in
            try Self.checkReferences(draft, in: connection)
            let organization = try OrganizationRepository.insert(
                name: draft.name, kind: draft.kind, parentID: draft.parentID, regionCode: draft.regionCode.digits,
                now: Timestamp.now(), in: connection)
            try AuditLog.insert(
                AuditEntry(principal: principal, action: "create", resourceType: "organization", resourceID: String(organization.id), requestID: requestID),
                into: connection)
            return organization
        }
    }

    /// The organization with its children, both within the caller's scope; nil when outside.
    func find(_ id: Int64, for principal: Principal) async throws -> (Organization, [Organization])? {
        let scope = Scope(principal)
        return try await database.read { connection in
            guard let organization = try OrganizationRepository.find(id, scope: scope, in: connection) else { return nil }
            return (organization, try OrganizationRepository.children(of: id, scope: scope, in: connection))
        }
    }

    /// Applies `change` to the current values when the caller's ETag is still current;
    /// returns the changed organization with its children, read in the same transaction.
    func update(
        _ id: Int64, ifMatch: String?, by principal: Principal, requestID: String,
        change: @escaping @Sendable (Organization) throws -> Draft
    ) async throws -> (Organization, [Organization]) {
        let scope = Scope(principal)
        return try await database.write { connection in
            guard let current = try OrganizationRepository.find(id, scope: scope, in: connection) else { throw AppError.notFound }
            // The body's own errors come first: a stale ETag matters only for a valid change.
            let draft = try change(current)
            if let ifMatch, !IfMatch.matches(ifMatch, etag: current.etag) { throw AppError.preconditionFailed }
            try Self.checkReferences(draft, in: connection)
            if let parent = draft.parentID, parent != current.parentID,
               try OrganizationRepository.subtree(of: id, in: connection).contains(parent) {
                throw AppError.conflict("Organization \(parent) is \(id) itself or below it; that parent would make a cycle.")
            }
            guard let updated = try OrganizationRepository.update(
                id, version: current.version, name: draft.name, kind: draft.kind, parentID: draft.parentID,
                regionCode: draft.regionCode.digits, now: Timestamp.now(), in: connection)
            else { throw AppError.preconditionFailed }
            try AuditLog.insert(
                AuditEntry(principal: principal, action: "update", resourceType: "organization", resourceID: String(id), requestID: requestID),
                into: connection)
            return (updated, try OrganizationRepository.children(of: id, scope: scope, in: connection))
        }
    }

    // A parent and a region that do not exist are field errors, reported together.
    private static func checkReferences(_ draft: Draft, in connection: Connection) throws {
        var errors: [Problem.FieldError] = []
        if let parent = draft.parentID, try OrganizationRepository.find(parent, scope: .all, in: connection) == nil {
            errors.append(.init(field: "parent_id", code: "not_found", message: "no organization has this id"))
        }
        if try RegionRepository.level(of: draft.regionCode, in: connection) == nil {
            errors.append(.init(field: "region_code", code: "not_found", message: "is not a Kemendagri region code"))
        }
        if !errors.isEmpty { throw AppError.invalid(errors) }
    }
}
