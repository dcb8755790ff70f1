/// What every service call needs to know about the request it serves, built once by
/// `APIRouter` after `Access.authorize`: who asks, what they may see, which request this is,
/// and the time.
public struct RequestContext: Sendable {
    public let principal: Principal
    /// The organization subtree the caller sees (everything for staff).
    public let scope: Scope
    /// The server's id for this request; the audit log records it.
    public let requestID: String
    /// The clock date rules read.
    public let clock: ServiceClock
    /// The media type the answer is to be in, from `Accept`.
    public let format: ResponseFormat

    public init(principal: Principal, requestID: String, clock: ServiceClock, format: ResponseFormat = .json) {
        self.principal = principal
        self.scope = Scope(principal)
        self.requestID = requestID
        self.clock = clock
        self.format = format
    }

    /// Now as an RFC 3339 UTC timestamp.
    public var now: String { clock.now }
    /// Today, UTC.
    public var today: CalendarDate { clock.today }

    /// The audit record of `action` on a resource, by this caller in this request.
    func audit(_ action: String, _ resourceType: String, _ resourceID: String? = nil) -> AuditEntry {
        AuditEntry(principal: principal, action: action, resourceType: resourceType, resourceID: resourceID, requestID: requestID)
    }

    /// `audit` with an integer id.
    func audit(_ action: String, _ resourceType: String, id: Int64) -> AuditEntry {
        audit(action, resourceType, String(id))
    }
}
