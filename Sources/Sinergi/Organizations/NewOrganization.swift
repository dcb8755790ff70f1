/// What `POST /v1/organizations` asks for, every field as sent and checked for form; the
/// service checks the references and throws every problem at once.
struct NewOrganization: Sendable {
    var name: String?
    var kind: OrganizationKind?
    var parentID: Int64?
    var regionCode: RegionCode?
    /// Problems of form found while reading.
    var errors: [FieldError]

    init(_ input: inout JSONInput) {
        name = input.text("name", required: true)
        kind = input.choice("kind", OrganizationKind.self, required: true)
        parentID = input.integer("parent_id", in: 1...Int64.max)
        regionCode = input.regionCode("region_code", required: true)
        errors = input.errors
    }
}
