internal import Database

/// What part of the organization tree a caller sees: everything, or one organization and its
/// descendants. Applied inside each query's SQL, never by filtering results afterwards.
public enum Scope: Sendable, Equatable {
    case all
    case subtree(of: Int64)

    /// The scope of `principal`: partners see their organization's subtree.
    public init(_ principal: Principal) {
        if principal.role == .partner, let organization = principal.organizationID {
            self = .subtree(of: organization)
        } else if principal.role == .partner {
            self = .subtree(of: -1)  // a partner key without an organization sees nothing
        } else {
            self = .all
        }
    }

    /// A condition that `column` (an organization id) lies in the scope, and its bindings.
    func condition(on column: String) -> (sql: String, bindings: [SQLValue]) {
        switch self {
        case .all:
            ("1 = 1", [])
        case .subtree(let root):
            ("\(column) IN (\(OrganizationRepository.subtreeSQL))", [.integer(root)])
        }
    }
}
