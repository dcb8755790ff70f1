/// What `POST /v1/facilities` asks for, every field read and checked for form at once; the
/// service checks the region, the owner and the partner's scope.
struct NewFacility: Sendable {
    var name: String?
    var kind: FacilityKind?
    var level: FacilityLevel?
    var ownerOrganizationID: Int64?
    var regionCode: RegionCode?
    var address: String?
    var beds: Int64?
    var doctors: Int64?
    var bpjsCode: String?
    var accreditation: Accreditation?
    var errors: [FieldError]

    init(_ input: inout JSONInput) {
        name = input.text("name", required: true)
        kind = input.choice("kind", FacilityKind.self, required: true)
        level = input.choice("level", FacilityLevel.self, required: true)
        if let kind, let level, kind.level != level {
            input.fail("level", code: "level_mismatch", message: "a \(kind.rawValue) is a \(kind.level.rawValue) facility")
        }
        ownerOrganizationID = input.integer("owner_organization_id", in: 1...Int64.max)
        regionCode = input.regionCode("region_code", required: true)
        address = input.text("address", required: true, maxLength: 500)
        beds = input.integer("beds", in: 0...100_000)
        doctors = input.integer("doctors", in: 0...100_000)
        bpjsCode = Self.bpjsCode(&input)
        accreditation = Self.accreditation(&input)
        errors = input.errors
    }

    /// A BPJS facility code: 1-32 ASCII letters and digits, as BPJS issues them.
    static func bpjsCode(_ input: inout JSONInput) -> String? {
        guard let code = input.string("bpjs_code", maxLength: 64) else { return nil }
        guard (1...32).contains(code.utf8.count), code.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else {
            input.fail("bpjs_code", code: "invalid_format", message: "must be 1 to 32 letters and digits")
            return nil
        }
        return code
    }

    /// `{status, expires_on}`, both required when the object is given.
    static func accreditation(_ input: inout JSONInput) -> Accreditation? {
        guard let object = input.object("accreditation") else { return nil }
        var nested = JSONInput(object: object, prefix: "accreditation")
        let status = nested.choice("status", Accreditation.Status.self, required: true)
        let expires = nested.date("expires_on", required: true)
        input.absorb(nested)
        guard let status, let expires else { return nil }
        return Accreditation(status: status, expiresOn: expires)
    }
}
