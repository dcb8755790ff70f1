/// The rows a registration names: checked to exist (and to lie in a partner's scope) even
/// when other fields are wrong, so one 422 names them all.
struct MemberReferences: Sendable, Hashable {
    var regionCode: RegionCode?
    var employerID: Int64?
    /// The first-level facility (FKTP): a primary facility under BPJS contract.
    var facilityID: Int64?
    var registeredVia = RegisteredVia()
}
