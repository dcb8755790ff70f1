/// What registration writes; the service has checked every rule.
struct NewMember: Sendable {
    /// The rows this registration names, for the reference checks.
    var references: MemberReferences {
        MemberReferences(regionCode: RegionCode(regionCode), employerID: employerID, facilityID: facilityID, registeredVia: registeredVia)
    }

    var nik: NIK
    var cardNo: String?
    var fullName: String
    var birthDate: CalendarDate
    var sex: Sex
    var familyCardNo: String
    var relationship: Relationship
    var segment: Segment
    var memberClass: Int
    var regionCode: String
    var address: String?
    var phone: String?
    var facilityID: Int64?
    var employerID: Int64?
    var registeredVia: RegisteredVia
}
