internal import SQLite

/// Creates API keys outside a request: the first admin key of a fresh database
/// (`sinergi keys create`) and keys that tests need.
enum KeyIssuer {
    /// Creates a key; returns its text, the only time the secret is seen, and what an
    /// authenticator in this process needs to accept it at once.
    static func issue(
        database: DatabasePool, protection: DataProtection, role: Role, name: String, organizationID: Int64? = nil,
        clientCertificateSHA256: String? = nil, allowsSignature: Bool = false
    ) throws -> (text: String, row: StoredKeyRow) {
        let token = APIKeyToken.generate()
        let sealed = allowsSignature ? protection.seal(token.secret) : nil
        let id = try database.writeSync { connection in
            let key = try APIKeyRepository.insert(
                connection, token: token, name: name, role: role, organizationID: organizationID, sealedSecret: sealed,
                clientCertificateSHA256: clientCertificateSHA256, now: Timestamp.now())
            try AuditLog.insert(AuditEntry(systemAction: "create", resourceType: "api_key", resourceID: String(key.id)), into: connection)
            return key.id
        }
        let row = StoredKeyRow(
            id: id, keyID: token.keyID, role: role, organizationID: organizationID, secretHash: token.secretHash,
            sealedSecret: sealed, clientCertificateSHA256: clientCertificateSHA256)
        return (token.text, row)
    }
}
