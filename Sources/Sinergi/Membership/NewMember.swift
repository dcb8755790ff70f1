/// What registration writes; the service has checked every rule.
struct NewMember: Sendable {
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
