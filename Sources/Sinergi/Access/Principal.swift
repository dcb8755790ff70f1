/// The authenticated caller, passed explicitly to every service call.
public struct Principal: Sendable, Equatable {
    /// Row id of the API key.
    public let apiKeyID: Int64
    /// The key's public 8-character id.
    public let keyID: String
    public let role: Role
    /// For partner keys, the organization whose subtree the key sees.
    public let organizationID: Int64?

    public init(apiKeyID: Int64, keyID: String, role: Role, organizationID: Int64?) {
        self.apiKeyID = apiKeyID
        self.keyID = keyID
        self.role = role
        self.organizationID = organizationID
    }

    /// Whether this caller sees everything (no partner scope applies).
    public var seesAll: Bool { role == .admin || role == .officer }
}
