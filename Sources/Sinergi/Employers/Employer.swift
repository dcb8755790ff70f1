/// An employer (badan usaha) whose workers are PPU_BU members, with what it reported and what
/// the registry holds, so partners can see how many of its workers are enrolled.
public struct Employer: Sendable, Equatable {
    public let id: Int64
    public let name: String
    /// The 13-digit NIB.
    public let nib: String
    public let regionCode: String
    /// The head count the employer reports.
    public let reportedEmployees: Int64
    /// PPU_BU members with this employer who are not deactivated, counted when the row was read.
    public let registeredEmployees: Int64
    /// Bumped by every change; the ETag.
    public let version: Int64
    public let createdAt: String
    public let updatedAt: String

    /// The strong ETag: the version, and the registered head count, which changes with
    /// members' registrations and so without a new version of this row.
    public var etag: String { "\"\(version).\(registeredEmployees)\"" }

    /// Registered ÷ reported in basis points, rounded down; nil when nothing is reported, as
    /// there is no ratio to give. Never clamped: more registered than reported (a stale head
    /// count, members who left without being deactivated) is reported raw, above 10,000, so
    /// the discrepancy stays visible — the same rule as coverage (DOMAIN.md).
    public var complianceRateBP: Int64? {
        guard reportedEmployees > 0 else { return nil }
        return registeredEmployees * 10_000 / reportedEmployees
    }
}
