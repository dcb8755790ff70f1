/// What a key may do (API.md, Roles and scope).
public enum Role: String, Sendable, CaseIterable, Codable {
    /// Everything, including API keys and the audit log.
    case admin
    /// BPJS branch staff: read and write all domain data; sees full NIK.
    case officer
    /// Bound to one organization: sees that organization and its descendants only.
    case partner
    /// Aggregated reports only; no personal data.
    case viewer
}
