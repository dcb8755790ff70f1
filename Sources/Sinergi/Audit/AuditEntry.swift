/// One audit record: who (key and role) did what (action) to which resource, in which request.
public struct AuditEntry: Sendable, Equatable {
    public var apiKeyID: Int64?
    public var role: String
    /// `read`, `list`, `create`, `update`, `revoke`, `transition`, …
    public var action: String
    /// `member`, `family`, `api_key`, `organization`, …
    public var resourceType: String
    public var resourceID: String?
    public var requestID: String

    /// An entry for work done outside any request, such as `sinergi keys create`.
    public init(systemAction action: String, resourceType: String, resourceID: String?) {
        apiKeyID = nil
        role = "system"
        self.action = action
        self.resourceType = resourceType
        self.resourceID = resourceID
        requestID = "cli"
    }

    public init(principal: Principal, action: String, resourceType: String, resourceID: String?, requestID: String) {
        apiKeyID = principal.apiKeyID
        role = principal.role.rawValue
        self.action = action
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.requestID = requestID
    }
}
