internal import Database

/// The rules of API keys: a partner key belongs to one organization that exists, other roles
/// to none; each creation and revocation is written with its audit row in one transaction.
struct APIKeyService: Sendable {
    let store: Store
    let protection: DataProtection
    /// Told of every key made or revoked, after the commit and before the answer.
    let changes: KeyChangeSignal

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
    /// together with the rules' and an organization that does not exist (`AppError.invalid`).
    /// `entry` is recorded with the new key's id.
    func create(_ draft: Draft, problems: [FieldError], audit entry: AuditEntry) async throws -> Created {
        // Organizations are never deleted, so the lookup may precede the write; the foreign
        // key stays the guarantee underneath. A primary-key lookup: on this thread (`readHere`).
        let errors = try await store.lookup { connection in try Self.problems(of: draft, besides: problems, in: connection) }
        guard errors.isEmpty, let name = draft.name, let role = draft.role else { throw AppError.invalid(errors) }
        let token = APIKeyToken.generate()
        let sealed = draft.allowsSignature ? protection.seal(token.secret) : nil
        let key = try await store.write { connection in
            var entry = entry
            let key = try APIKeyRepository.insert(
                connection, token: token, name: name, role: role, organizationID: draft.organizationID, sealedSecret: sealed,
                clientCertificateSHA256: draft.clientCertificateSHA256, now: Timestamp.now())
            entry.resourceID = String(key.id)
            try AuditLog.insert(entry, into: connection)
            return key
        }
        changes.signal()
        return Created(key: key, text: token.text)
    }

    /// Creates a key outside any request (`sinergi keys create`, tests), audited as the system;
    /// returns its text. Every process on the database accepts it from its next request.
    ///
    /// - Throws: `AppError.invalid` when the name or the organization breaks the rules a
    ///   request's would.
    func issue(
        role: Role, name: String, organizationID: Int64? = nil, clientCertificateSHA256: String? = nil, allowsSignature: Bool = false
    ) throws -> String {
        // The name passes the reader a request's name passes: code points, control characters.
        var input = JSONInput(object: ["name": .string(name)], prefix: "")
        let draft = Draft(
            name: input.text("name", required: true, maxLength: 200), role: role, organizationID: organizationID,
            clientCertificateSHA256: clientCertificateSHA256, allowsSignature: allowsSignature)
        let problems = input.errors
        let token = APIKeyToken.generate()
        let sealed = allowsSignature ? protection.seal(token.secret) : nil
        try store.writeSync { connection in
            let errors = try Self.problems(of: draft, besides: problems, in: connection)
            guard errors.isEmpty else { throw AppError.invalid(errors) }
            let key = try APIKeyRepository.insert(
                connection, token: token, name: name, role: role, organizationID: organizationID, sealedSecret: sealed,
                clientCertificateSHA256: clientCertificateSHA256, now: Timestamp.now())
            try AuditLog.insert(AuditEntry(systemAction: "create", resourceType: "api_key", resourceID: String(key.id)), into: connection)
        }
        changes.signal()
        return token.text
    }

    /// A page of keys, by id.
    func list(page: Page) async throws -> [APIKey] {
        try await store.read { connection in
            try APIKeyRepository.list(connection, after: page.after, limit: page.limit)
        }
    }

    /// The key with this id, revoked or not; nil when there is none.
    func find(_ id: Int64) async throws -> APIKey? {
        // A primary-key lookup: on this thread, which saves two hand-offs (see `readHere`).
        try await store.lookup { connection in try APIKeyRepository.find(connection, id: id) }
    }

    /// Revokes a usable key with its audit row; `AppError.notFound` when there is no such key
    /// or it was revoked already.
    func revoke(_ id: Int64, audit entry: AuditEntry) async throws {
        try await store.write { connection in
            guard try APIKeyRepository.revoke(connection, id: id, now: Timestamp.now()) else { throw AppError.notFound }
            try AuditLog.insert(entry, into: connection)
        }
        changes.signal()
    }

    /// `problems` and those of the rules: a partner key needs an organization that exists,
    /// other keys may not have one. Nothing more is said of a field that has a problem already.
    private static func problems(
        of draft: Draft, besides problems: [FieldError], in connection: DatabaseConnection
    ) throws -> [FieldError] {
        guard !problems.contains(where: { $0.field == "organization_id" }) else { return problems }
        switch (draft.role, draft.organizationID) {
        case (.partner?, nil):
            return problems + [.init(field: "organization_id", code: "required", message: "is required for a partner key")]
        case (let role?, _?) where role != .partner:
            return problems + [.init(field: "organization_id", code: "not_allowed", message: "only partner keys belong to an organization")]
        case (_, let organization?) where try OrganizationRepository.find(organization, scope: .all, in: connection) == nil:
            return problems + [.init(field: "organization_id", code: "not_found", message: "no organization has this id")]
        default:
            return problems
        }
    }
}
