internal import Crypto
internal import HTTPServer
internal import SQLite

/// `POST/GET /v1/api-keys`, `GET/DELETE /v1/api-keys/{id}`: for admins.
struct APIKeyRoutes: Sendable {
    let database: DatabasePool
    let access: Access
    let protection: DataProtection
    var service: APIKeyService { APIKeyService(database: database, protection: protection) }

    func register(on router: inout Router) {
        router.add(.post, "/v1/api-keys", access: access, roles: .adminOnly, maxBodyBytes: 16 * 1024) { request, principal in
            try await create(request, principal)
        }
        router.add(.get, "/v1/api-keys", access: access, roles: .adminOnly) { request, _ in
            let page = try Page(try request.queryParameters())
            let keys = try await service.list(page: page)
            return page.response(keys, id: \.id) { key, json in Self.write(key, into: &json) }
        }
        router.add(.get, "/v1/api-keys/{id}", access: access, roles: .adminOnly) { request, _ in
            guard let id = request.parameters["id"].flatMap(Int64.init), let key = try service.find(id) else {
                throw AppError.notFound
            }
            var json = JSONWriter()
            Self.write(key, into: &json)
            var response = Response.json(json.bytes)
            // No version column: the tag is a digest of the representation, which changes with
            // last_used_at and revoked_at.
            let digest = SHA256.hash(json.bytes).prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            response.headers.add("ETag", "\"\(String(digest, radix: 36))\"")
            return response
        }
        router.add(.delete, "/v1/api-keys/{id}", access: access, roles: .adminOnly) { request, principal in
            guard let id = request.parameters["id"].flatMap(Int64.init) else { throw AppError.notFound }
            let entry = AuditEntry(principal: principal, action: "revoke", resourceType: "api_key", resourceID: String(id), requestID: request.id)
            try await service.revoke(id, audit: entry)
            return Response(status: .noContent)
        }
    }

    private func create(_ request: Request, _ principal: Principal) async throws -> Response {
        var input = try JSONInput(request)
        let draft = Self.draft(from: &input)
        // The service adds its rules' problems to the body's, and records the new key's id.
        let entry = AuditEntry(principal: principal, action: "create", resourceType: "api_key", resourceID: nil, requestID: request.id)
        let created = try await service.create(draft, problems: input.errors, audit: entry)
        var json = JSONWriter()
        Self.write(created.key, into: &json, secret: created.text)
        var response = Response.json(json.bytes, status: .created)
        response.headers.add("Location", "/v1/api-keys/\(created.key.id)")
        return response.notStored
    }

    /// Reads the body's fields, recording the problems of each in `input`.
    static func draft(from input: inout JSONInput) -> APIKeyService.Draft {
        input.rejectUnknown(allowed: ["name", "role", "organization_id", "client_cert_sha256", "allow_signature"])
        var draft = APIKeyService.Draft()
        draft.name = input.text("name", required: true, maxLength: 200)
        draft.role = input.choice("role", Role.self, required: true)
        draft.organizationID = input.integer("organization_id", in: 1...Int64.max)
        draft.clientCertificateSHA256 = input.string("client_cert_sha256", maxLength: 64).flatMap { text in
            // ASCII only: Character.isHexDigit also takes fullwidth digits, which no fingerprint has.
            let isHex = text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0 | 0x20) }
            guard isHex else {
                input.fail("client_cert_sha256", code: "invalid_format", message: "must be 64 hex digits (SHA-256 of the certificate's DER bytes)")
                return nil
            }
            return text.lowercased()
        }
        draft.allowsSignature = input.bool("allow_signature") ?? false
        return draft
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
