internal import SQLite

/// Creates API keys outside a request: the first admin key of a fresh database
/// (`sinergi keys create`) and keys that tests need.
enum KeyIssuer {
    /// Creates a key and returns its text, the only time the secret is seen; every process
    /// on the database accepts it from its next request.
    static func issue(
        database: DatabasePool, protection: DataProtection, role: Role, name: String, organizationID: Int64? = nil,
        clientCertificateSHA256: String? = nil, allowsSignature: Bool = false
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
}
