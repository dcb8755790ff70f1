/// A health facility (faskes) in the registry: an NU clinic, a pesantren health post, a
/// hospital; with where it stands on the path to a BPJS contract.
public struct Facility: Sendable, Equatable {
    public let id: Int64
    public let name: String
    public let kind: FacilityKind
    public let level: FacilityLevel
    public let ownerOrganizationID: Int64?
    public let regionCode: String
    public let address: String
    public let beds: Int64?
    public let doctors: Int64?
    public let bpjsCode: String?
    public let accreditation: Accreditation?
    public let status: FacilityStatus
    /// Members (not deactivated) whose first-level facility this is.
    public let memberCount: Int64
    /// Follow-ups of its visits not done yet, and those of them past their due date.
    public let openFollowUps: Int64
    public let overdueFollowUps: Int64
    /// Whether the accreditation had expired on the day the row was read; nil without one.
    public let accreditationExpired: Bool?
    /// Each area's score at the latest visit that scored it.
    public let latestScores: [ScoreArea: Int64]
    public let version: Int64
    public let createdAt: String
    public let updatedAt: String

    /// The version and what changes without it: members choosing it, follow-ups falling due,
    /// the accreditation expiring.
    public var etag: String { "\"\(version).\(memberCount).\(overdueFollowUps).\(accreditationExpired == true ? 1 : 0)\"" }

    /// Disagreements that are not refusals: an accreditation past its expiry.
    var warnings: [FieldError] {
        guard let accreditation, accreditationExpired == true else { return [] }
        return [.init(field: "accreditation.expires_on", code: "accreditation_expired", message: "the accreditation expired on \(accreditation.expiresOn)")]
    }
}

/// The kinds DOMAIN.md names; each has one level.
public enum FacilityKind: String, Sendable, CaseIterable {
    case clinicPrimary = "clinic_primary", clinicMain = "clinic_main", hospital
    case pesantrenHealthPost = "pesantren_health_post", doctorPractice = "doctor_practice", healthCenter = "health_center"

    /// FKTP for primary clinics, doctors' practices and health centres; FKRTL for main clinics
    /// and hospitals; a pesantren health post is a community post, never contracted.
    public var level: FacilityLevel {
        switch self {
        case .clinicPrimary, .doctorPractice, .healthCenter: .primary
        case .clinicMain, .hospital: .referral
        case .pesantrenHealthPost: .community
        }
    }
}

public enum FacilityLevel: String, Sendable, CaseIterable {
    case primary, referral, community
}

/// An accreditation and its expiry.
public struct Accreditation: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable { case paripurna, utama, madya, dasar }
    public let status: Status
    public let expiresOn: CalendarDate
}

/// The partnership pipeline: `prospect → applied → credentialing → contracted → suspended |
/// terminated`, `suspended → contracted | terminated`.
public enum FacilityStatus: String, Sendable, CaseIterable {
    case prospect, applied, credentialing, contracted, suspended, terminated

    public func allows(_ next: FacilityStatus) -> Bool {
        switch (self, next) {
        case (.prospect, .applied), (.applied, .credentialing), (.credentialing, .contracted),
             (.contracted, .suspended), (.contracted, .terminated), (.suspended, .contracted), (.suspended, .terminated): true
        default: false
        }
    }
}

/// The areas a coaching visit scores (DOMAIN.md, Facilities): the capitation performance
/// indicators and the service areas.
public enum ScoreArea: String, Sendable, CaseIterable {
    case contactRate = "contact_rate", referralRatio = "referral_ratio", prolanis
    case staff, equipment, digitalServices = "digital_services", complaints
}
