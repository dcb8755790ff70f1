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

    /// The strong ETag of this version shown with `children`, which change (added, moved,
    /// renamed) without a new version of this row: FNV-1a over their ids and versions.
    public func etag(children: [Organization]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for child in children {
            for value in [child.id, child.version] {
                for byte in 0..<8 {
                    hash ^= UInt64(truncatingIfNeeded: value >> (8 * byte)) & 0xFF
                    hash = hash &* 0x100_0000_01b3
                }
            }
        }
        return "\"\(version).\(String(hash, radix: 36))\""
    }
}

/// Kinds of organization (API.md).
public enum OrganizationKind: String, Sendable, CaseIterable {
    case ormas, ormasBody = "ormas_body", zakatBody = "zakat_body", localGovernment = "local_government"
    case governmentAgency = "government_agency", pesantren, bpjsBranch = "bpjs_branch"
    case employerAssociation = "employer_association", company, other
}
