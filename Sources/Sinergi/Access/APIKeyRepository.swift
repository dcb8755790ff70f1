internal import HTTPServer
internal import SQLite

/// SQL for `api_keys`. Each function takes the connection; the caller owns the transaction.
enum APIKeyRepository {
    static let columns = """
        id, key_id, name, role, organization_id, client_cert_sha256, sealed_secret IS NOT NULL,
        created_at, last_used_at, revoked_at
        """

    static func insert(
        _ connection: Connection, token: APIKeyToken, name: String, role: Role, organizationID: Int64?,
        sealedSecret: [UInt8]?, clientCertificateSHA256: String?, now: String
    ) throws -> APIKey {
        let row = try connection.fetchOne("""
            INSERT INTO api_keys (key_id, name, role, organization_id, secret_sha256, sealed_secret, client_cert_sha256, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            RETURNING \(columns)
            """,
            [.text(token.keyID), .text(name), .text(role.rawValue), SQLiteValue(organizationID),
             .blob(token.secretHash), SQLiteValue(sealedSecret), SQLiteValue(clientCertificateSHA256), .text(now)],
            map: decode)
        return row!
    }

    static func list(_ connection: Connection, after cursor: Int64?, limit: Int) throws -> [APIKey] {
        try connection.fetchAll(
            "SELECT \(columns) FROM api_keys WHERE id > ? ORDER BY id LIMIT ?",
            [.integer(cursor ?? 0), .integer(Int64(limit))], map: decode)
    }

    static func find(_ connection: Connection, id: Int64) throws -> APIKey? {
        try connection.fetchOne("SELECT \(columns) FROM api_keys WHERE id = ?", [.integer(id)], map: decode)
    }

    /// Marks the key revoked; false when there is no such key or it was revoked already.
    static func revoke(_ connection: Connection, id: Int64, now: String) throws -> Bool {
        try connection.execute("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [.text(now), .integer(id)]) == 1
    }

    /// The key with this `key_id` unless it is revoked, with what authentication needs: one
    /// lookup in the unique index on `key_id`.
    static func usable(_ connection: Connection, keyID: String) throws -> StoredKey? {
        try connection.fetchOne("""
            SELECT id, key_id, role, organization_id, secret_sha256, sealed_secret, client_cert_sha256
            FROM api_keys WHERE key_id = ? AND revoked_at IS NULL
            """, [.text(keyID)]) { row in
            StoredKey(
                id: row.int64(at: 0), keyID: row.string(at: 1), role: Role(rawValue: row.string(at: 2)) ?? .viewer,
                organizationID: row.optionalInt64(at: 3), secretHash: row.blob(at: 4), sealedSecret: row.optionalBlob(at: 5),
                clientCertificateSHA256: row.optionalString(at: 6))
        }
    }

    static func touch(_ connection: Connection, id: Int64, now: String) throws {
        try connection.execute("UPDATE api_keys SET last_used_at = ? WHERE id = ?", [.text(now), .integer(id)])
    }

    private static func decode(_ row: Row) -> APIKey {
        APIKey(
            id: row.int64(at: 0), keyID: row.string(at: 1), name: row.string(at: 2),
            role: Role(rawValue: row.string(at: 3)) ?? .viewer, organizationID: row.optionalInt64(at: 4),
            clientCertificateSHA256: row.optionalString(at: 5), allowsSignature: row.int64(at: 6) == 1,
            createdAt: row.string(at: 7), lastUsedAt: row.optionalString(at: 8), revokedAt: row.optionalString(at: 9))
    }
}
