/// A JKN member (peserta) as the registry holds it, NIK and phone already decrypted.
public struct Member: Sendable, Equatable {
    public let id: Int64
    /// The 16 digits; shown whole, masked or not at all depending on the caller's role.
    public let nik: String
    public let cardNo: String?
    public let fullName: String
    public let birthDate: String
    public let sex: Sex
    public let familyCardNo: String
    public let relationship: Relationship
    public let segment: Segment
    public let memberClass: Int
    public let regionCode: String
    public let address: String?
    public let phone: String?
    public let facilityID: Int64?
    public let employerID: Int64?
    /// Derived: a pending member whose `active_from` has come is active.
    public let status: MemberStatus
    public let statusReason: String?
    /// When the current class and facility began; the change rules count from them.
    public let classSince: String
    public let facilitySince: String?
    public let registeredAt: String
    public let registeredVia: RegisteredVia
    /// Bumped by every change; the ETag.
    public let version: Int64
    public let createdAt: String
    public let updatedAt: String

    /// The strong ETag: the version, and the derived status, which changes (pending to
    /// active) without a new version of the row.
    public var etag: String { "\"\(version).\(status.rawValue)\"" }
}

/// Who brought a member in; reports and agreement targets count from it, and a partner's
/// scope is its organization's subtree.
public struct RegisteredVia: Sendable, Hashable {
    public var organizationID: Int64?
    public var eventID: Int64?
    public var cadreID: Int64?
}

/// Membership segments (DOMAIN.md): who the member is and who pays the premium.
public enum Segment: String, Sendable, CaseIterable {
    case pbiAPBN = "PBI_APBN", pbiAPBD = "PBI_APBD", ppuPN = "PPU_PN", ppuBU = "PPU_BU", pbpu = "PBPU", bp = "BP"

    /// Premium assistance recipients: always class 3.
    public var isPBI: Bool { self == .pbiAPBN || self == .pbiAPBD }
}

/// A member's place on the family card.
public enum Relationship: String, Sendable, CaseIterable {
    case head, spouse, child, other
}
