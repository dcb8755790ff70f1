internal import HTTPServer
internal import SQLite

/// The rules of API keys: a partner key belongs to one organization that exists, other roles
/// to none; each creation and revocation is written with its audit row in one transaction.
struct APIKeyService: Sendable {
    let database: DatabasePool
    let protection: DataProtection

    /// What a new key is asked to be; a field is nil when it was missing or malformed (and its
    /// problem recorded by the reader).
    struct Draft: Sendable {
        var name: String?
        var role: Role?
        var organizationID: Int64?
        var clientCertificateSHA256: String?
        var allowsSignature = false
    }

    /// A key just made, with its text: the only time the secret is seen.
    struct Created: Sendable {
        let key: APIKey
        let text: String
    }

    /// Creates a key for a request. `problems` are those the reader found in the body, reported
    /// together with the rules' (`AppError.invalid`). `entry` is recorded with the new key's id.
    func create(_ draft: Draft, problems: [Problem.FieldError], audit entry: AuditEntry) async throws -> Created {
        let errors = problems + Self.ruleErrors(draft, besides: problems)
        guard errors.isEmpty, let name = draft.name, let role = draft.role else { throw AppError.invalid(errors) }
        let token = APIKeyToken.generate()
        let sealed = draft.allowsSignature ? protection.seal(token.secret) : nil
        let key = try await database.write { connection in
            if let organization = draft.organizationID,
               try OrganizationRepository.find(organization, scope: .all, in: connection) == nil {
                throw AppError.notFound
            }
            var entry = entry
            let key = try APIKeyRepository.insert(
                connection, token: token, name: name, role: role, organizationID: draft.organizationID, sealedSecret: sealed,
                clientCertificateSHA256: draft.clientCertificateSHA256, now: Timestamp.now())
            entry.resourceID = String(key.id)
            try AuditLog.insert(entry, into: connection)
            return key
        }
        return Created(key: key, text: token.text)
    }

    /// Creates a key outside any request (`sinergi keys create`, tests), audited as the system;
    /// returns its text. Every process on the database accepts it from its next request.
    func issue(
        role: Role, name: String, organizationID: Int64? = nil, clientCertificateSHA256: String? = nil, allowsSignature: Bool = false
    ) throws -> String {
        let token = APIKeyToken.generate()
        let sealed = allowsSignature ? protection.seal(token.secret) : nil
        try database.writeSync { connection in
            let key = try APIKeyRepository.insert(
                connection, token: token, name: name, role: role, organizationID: organizationID, sealedSecret: sealed,
                clientCertificateSHA256: clientCertificateSHA256, now: Timestamp.now())
            try AuditLog.insert(AuditEntry(systemAction: "create", resourceType: "api_key", resourceID: String(key.id)), into: connection)
        }
        return token.text
    }

    /// A page of keys, by id.
    func list(page: Page) async throws -> [APIKey] {
        try await database.read { connection in
            try APIKeyRepository.list(connection, after: page.after, limit: page.limit)
        }
    }

    /// The key with this id, revoked or not; nil when there is none.
    func find(_ id: Int64) throws -> APIKey? {
        // A primary-key lookup: on this thread, which saves two hand-offs (see `readHere`).
        try database.readHere { connection in try APIKeyRepository.find(connection, id: id) }
    }

    /// Revokes a usable key with its audit row; `AppError.notFound` when there is no such key
    /// or it was revoked already.
    func revoke(_ id: Int64, audit entry: AuditEntry) async throws {
        try await database.write { connection in
            guard try APIKeyRepository.revoke(connection, id: id, now: Timestamp.now()) else { throw AppError.notFound }
            try AuditLog.insert(entry, into: connection)
        }
    }

    /// A partner key needs an organization, other keys may not have one; nothing more is said
    /// of a field that has a problem already.
    private static func ruleErrors(_ draft: Draft, besides problems: [Problem.FieldError]) -> [Problem.FieldError] {
        guard !problems.contains(where: { $0.field == "organization_id" }) else { return [] }
        return switch draft.role {
        case .partner? where draft.organizationID == nil:
            [.init(field: "organization_id", code: "required", message: "is required for a partner key")]
        case let role? where role != .partner && draft.organizationID != nil:
            [.init(field: "organization_id", code: "not_allowed", message: "only partner keys belong to an organization")]
        default:
            []
        }
    }
}
