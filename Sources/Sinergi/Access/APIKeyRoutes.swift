internal import HTTPServer

/// `POST/GET /v1/api-keys`, `GET/DELETE /v1/api-keys/{id}`: for admins.
struct APIKeyRoutes: Sendable {
    let service: APIKeyService

    static let representation = Representation<APIKey>([
        .integer("id") { $0.id },
        .text("key_id") { $0.keyID },
        .text("name") { $0.name },
        .text("role") { $0.role.rawValue },
        .integer("organization_id") { $0.organizationID },
        .text("client_cert_sha256") { $0.clientCertificateSHA256 },
        .boolean("allow_signature") { $0.allowsSignature },
        .text("created_at") { $0.createdAt },
        .text("last_used_at") { $0.lastUsedAt },
        .text("revoked_at") { $0.revokedAt },
    ])
    static let listing = Listing(representation: representation, position: \.id)

    func register(on router: inout APIRouter) {
        router.add(.post, "/v1/api-keys", roles: .adminOnly, maxBodyBytes: 16 * 1024) { request, context in
            try await create(request, context)
        }
        router.add(.get, "/v1/api-keys", roles: .adminOnly, formats: [.json, .csv]) { request, context in
            var query = try QueryInput(request)
            let page = query.page()
            try query.finish()
            return try await Self.listing.response(page: page, context: context, name: "api-keys") { page in
                try await service.list(page: page)
            }
        }
        router.add(.get, "/v1/api-keys/{id}", roles: .adminOnly) { request, context in
            guard let id = request.parameters["id"].flatMap(Int64.init), let key = try await service.find(id) else {
                throw AppError.notFound
            }
            var json = JSONWriter()
            Self.representation.write(key, for: context.principal, into: &json)
            // No version column: the tag is a digest of the representation, which changes with
            // last_used_at and revoked_at.
            return Response.json(json.bytes).withDigestETag
        }
        router.add(.delete, "/v1/api-keys/{id}", roles: .adminOnly) { request, context in
            guard let id = request.parameters["id"].flatMap(Int64.init) else { throw AppError.notFound }
            try await service.revoke(id, audit: context.audit("revoke", "api_key", id: id))
            return Response(status: .noContent)
        }
    }

    private func create(_ request: Request, _ context: RequestContext) async throws -> Response {
        var input = try JSONInput(request)
        let draft = Self.draft(from: &input)
        // The service adds its rules' problems to the body's, and records the new key's id.
        let created = try await service.create(draft, problems: input.errors, audit: context.audit("create", "api_key"))
        var json = JSONWriter()
        json.beginObject()
        Self.representation.writeFields(of: created.key, for: context.principal, into: &json)
        json.field("key", created.text)
        json.endObject()
        var response = Response.json(json.bytes, status: .created)
        response.headers.add("Location", "/v1/api-keys/\(created.key.id)")
        return response.notStored
    }

    /// Reads the body's fields, recording the problems of each in `input`.
    static func draft(from input: inout JSONInput) -> APIKeyService.Draft {
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
}
