/// What `PATCH /v1/facilities/{id}` may change: the facts of the facility, not its kind, level
/// or status (the pipeline has its own endpoint).
struct FacilityPatch: Sendable {
    var name: String?
    var address: String?
    var beds: Int64?
    var doctors: Int64?
    var bpjsCode: String?
    var accreditation: Accreditation?
    var ownerOrganizationID: Int64?
    var errors: [FieldError]

    init(_ input: inout JSONInput) {
        input.readOnly([
            "id", "kind", "level", "status", "region_code", "accreditation_expired", "member_count", "follow_ups_open",
            "follow_ups_overdue", "latest_scores", "warnings", "created_at", "updated_at",
        ])
        name = input.text("name")
        address = input.text("address", maxLength: 500)
        beds = input.integer("beds", in: 0...100_000)
        doctors = input.integer("doctors", in: 0...100_000)
        bpjsCode = NewFacility.bpjsCode(&input)
        accreditation = NewFacility.accreditation(&input)
        ownerOrganizationID = input.integer("owner_organization_id", in: 1...Int64.max)
        errors = input.errors
    }
}
