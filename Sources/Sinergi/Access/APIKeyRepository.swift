internal import Database

/// SQL for `api_keys`. Each function takes the connection; the caller owns the transaction.
enum APIKeyRepository {
    static let columns = """
        id, key_id, name, role, organization_id, client_cert_sha256, sealed_secret IS NOT NULL AS allow_signature,
        created_at, last_used_at, revoked_at
        """

    static func insert(
        _ connection: DatabaseConnection, token: APIKeyToken, name: String, role: Role, organizationID: Int64?,
        sealedSecret: [UInt8]?, clientCertificateSHA256: String?, now: String
    ) throws -> APIKey {
        let row = try connection.fetchOne("""
            INSERT INTO api_keys (key_id, name, role, organization_id, secret_sha256, sealed_secret, client_cert_sha256, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            RETURNING \(columns)
            """,
            [.text(token.keyID), .text(name), .text(role.rawValue), SQLValue(organizationID),
             .blob(token.secretHash), SQLValue(sealedSecret), SQLValue(clientCertificateSHA256), .text(now)],
            map: decode)
        return row!
    }

    static func list(_ connection: DatabaseConnection, after cursor: Int64?, limit: Int) throws -> [APIKey] {
        try connection.fetchAll(
            "SELECT \(columns) FROM api_keys WHERE id > ? ORDER BY id LIMIT ?",
            [.integer(cursor ?? 0), .integer(Int64(limit))], map: decode)
    }

    static func find(_ connection: DatabaseConnection, id: Int64) throws -> APIKey? {
        try connection.fetchOne("SELECT \(columns) FROM api_keys WHERE id = ?", [.integer(id)], map: decode)
    }

    /// Marks the key revoked; false when there is no such key or it was revoked already.
    static func revoke(_ connection: DatabaseConnection, id: Int64, now: String) throws -> Bool {
        try connection.execute("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [.text(now), .integer(id)]) == 1
    }

    /// The key with this `key_id` unless it is revoked, with what authentication needs: one
    /// lookup in the unique index on `key_id`.
    static func usable(_ connection: DatabaseConnection, keyID: String) throws -> StoredKey? {
        try connection.fetchOne("""
            SELECT id, key_id, role, organization_id, secret_sha256, sealed_secret, client_cert_sha256
            FROM api_keys WHERE key_id = ? AND revoked_at IS NULL
            """, [.text(keyID)]) { row in
            StoredKey(
                id: try row.int64("id"), keyID: try row.string("key_id"), role: try row.value("role", as: Role.self),
                organizationID: try row.optionalInt64("organization_id"), secretHash: try row.blob("secret_sha256"),
                sealedSecret: try row.optionalBlob("sealed_secret"), clientCertificateSHA256: try row.optionalString("client_cert_sha256"))
        }
    }

    static func touch(_ connection: DatabaseConnection, id: Int64, now: String) throws {
        try connection.execute("UPDATE api_keys SET last_used_at = ? WHERE id = ?", [.text(now), .integer(id)])
    }

    /// A key from a row of `columns`.
    private static func decode(_ row: DatabaseRow) throws -> APIKey {
        APIKey(
            id: try row.int64("id"), keyID: try row.string("key_id"), name: try row.string("name"),
            role: try row.value("role", as: Role.self), organizationID: try row.optionalInt64("organization_id"),
            clientCertificateSHA256: try row.optionalString("client_cert_sha256"), allowsSignature: try row.bool("allow_signature"),
            createdAt: try row.string("created_at"), lastUsedAt: try row.optionalString("last_used_at"),
            revokedAt: try row.optionalString("revoked_at"))
    }
}
