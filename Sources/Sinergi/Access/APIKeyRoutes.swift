internal import Crypto
internal import HTTPServer
internal import SQLite

/// `POST/GET /v1/api-keys`, `DELETE /v1/api-keys/{id}`: for admins.
struct APIKeyRoutes: Sendable {
    let database: DatabasePool
    let access: Access
    let protection: DataProtection

    func register(on router: inout Router) {
        router.add(.post, "/v1/api-keys", access: access, roles: .adminOnly, maxBodyBytes: 16 * 1024) { request, principal in
            try await create(request, principal)
        }
        router.add(.get, "/v1/api-keys", access: access, roles: .adminOnly) { request, _ in
            let page = try Page(try request.queryParameters())
            let keys = try await database.read { connection in
                try APIKeyRepository.list(connection, after: page.after, limit: page.limit)
            }
            return page.response(keys, id: \.id) { key, json in Self.write(key, into: &json) }
        }
        router.add(.delete, "/v1/api-keys/{id}", access: access, roles: .adminOnly) { request, principal in
            guard let id = request.parameters["id"].flatMap(Int64.init) else { throw AppError.notFound }
            let entry = AuditEntry(principal: principal, action: "revoke", resourceType: "api_key", resourceID: String(id), requestID: request.id)
            let keyID: String? = try await database.write { connection in
                guard let keyID = try connection.fetchOne(
                    "SELECT key_id FROM api_keys WHERE id = ? AND revoked_at IS NULL", [.integer(id)], map: { $0.string(at: 0) })
                else { return nil }
                _ = try APIKeyRepository.revoke(connection, id: id, now: Timestamp.now())
                try AuditLog.insert(entry, into: connection)
                return keyID
            }
            guard keyID != nil else { throw AppError.notFound }
            return Response(status: .noContent)
        }
    }

    private func create(_ request: Request, _ principal: Principal) async throws -> Response {
        var input = try JSONInput(request)
        let name = input.string("name", required: true, maxLength: 200)
        let roleText = input.string("role", required: true)
        let organizationID = input.integer("organization_id", in: 1...Int64.max)
        let certificate = input.string("client_cert_sha256", maxLength: 64)?.lowercased()
        let allowsSignature = input.bool("allow_signature") ?? false
        let role = roleText.flatMap(Role.init(rawValue:))
        if roleText != nil && role == nil {
            input.fail("role", code: "invalid_value", message: "must be admin, officer, partner or viewer")
        }
        if name?.isEmpty == true { input.fail("name", code: "required", message: "must not be empty") }
        if role == .partner && organizationID == nil {
            input.fail("organization_id", code: "required", message: "is required for a partner key")
        }
        if let role, role != .partner, organizationID != nil {
            input.fail("organization_id", code: "not_allowed", message: "only partner keys belong to an organization")
        }
        if let certificate, certificate.count != 64 || !certificate.allSatisfy(\.isHexDigit) {
            input.fail("client_cert_sha256", code: "invalid_format", message: "must be 64 hex digits (SHA-256 of the certificate's DER bytes)")
        }
        try input.finish()
        guard let name, let role else { throw AppError.invalid(input.errors) }

        let token = APIKeyToken.generate()
        let sealed = allowsSignature ? protection.seal(token.secret) : nil
        let key = try await database.write { connection in
            if let organizationID, try connection.fetchOne(
                "SELECT 1 FROM organizations WHERE id = ?", [.integer(organizationID)], map: { _ in true }) == nil {
                throw AppError.notFound
            }
            let key = try APIKeyRepository.insert(
                connection, token: token, name: name, role: role, organizationID: organizationID, sealedSecret: sealed,
                clientCertificateSHA256: certificate, now: Timestamp.now())
            try AuditLog.insert(
                AuditEntry(principal: principal, action: "create", resourceType: "api_key", resourceID: String(key.id), requestID: request.id),
                into: connection)
            return key
        }
        var json = JSONWriter()
        Self.write(key, into: &json, secret: token.text)
        var response = Response.json(json.bytes, status: .created)
        response.headers.add("Location", "/v1/api-keys/\(key.id)")
        return response.notStored
    }

    static func write(_ key: APIKey, into json: inout JSONWriter, secret: String? = nil) {
        json.beginObject()
        json.field("id", Int(key.id))
        json.field("key_id", key.keyID)
        json.field("name", key.name)
        json.field("role", key.role.rawValue)
        json.field("organization_id", key.organizationID.map(Int.init))
        json.field("client_cert_sha256", key.clientCertificateSHA256)
        json.field("allow_signature", key.allowsSignature)
        json.field("created_at", key.createdAt)
        json.field("last_used_at", key.lastUsedAt)
        json.field("revoked_at", key.revokedAt)
        if let secret { json.field("key", secret) }
        json.endObject()
    }
}
