/// A stored API key, as the admin endpoints show it (never the secret).
public struct APIKey: Sendable, Equatable {
    public let id: Int64
    public let keyID: String
    public let name: String
    public let role: Role
    public let organizationID: Int64?
    public let clientCertificateSHA256: String?
    public let allowsSignature: Bool
    public let createdAt: String
    public let lastUsedAt: String?
    public let revokedAt: String?
}

/// What authentication reads of a usable key, fresh for each request.
struct StoredKey: Sendable {
    let id: Int64
    let keyID: String
    let role: Role
    let organizationID: Int64?
    let secretHash: [UInt8]
    /// The secret sealed under the data key, for keys that may sign requests.
    let sealedSecret: [UInt8]?
    let clientCertificateSHA256: String?

    var principal: Principal { Principal(apiKeyID: id, keyID: keyID, role: role, organizationID: organizationID) }
}
