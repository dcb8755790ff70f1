/// One entry of a member's history: a change of status, class or facility, with who and when.
public struct MemberHistoryEntry: Sendable, Equatable {
    public enum Field: String, Sendable {
        case status, memberClass = "class", facility
    }

    public var id: Int64 = 0
    public var field: Field
    public var oldValue: String?
    public var newValue: String?
    /// Why, for a deactivation.
    public var reason: String?
    public var apiKeyID: Int64?
    public var role: String = ""
    public var changedAt: String = ""
}
