/// A partner organization: a node of the tree (PCNU → LAZISNU, MWCNU; Baznas province → regency).
public struct Organization: Sendable, Equatable {
    public let id: Int64
    public let name: String
    public let kind: OrganizationKind
    public let parentID: Int64?
    public let regionCode: String
    /// Bumped by every change; the ETag.
    public let version: Int64
    public let createdAt: String
    public let updatedAt: String

    /// The strong ETag of this version.
    public var etag: String { "\"\(version)\"" }
}

/// Kinds of organization (API.md).
public enum OrganizationKind: String, Sendable, CaseIterable {
    case ormas, ormasBody = "ormas_body", zakatBody = "zakat_body", localGovernment = "local_government"
    case governmentAgency = "government_agency", pesantren, bpjsBranch = "bpjs_branch"
    case employerAssociation = "employer_association", company, other
}
