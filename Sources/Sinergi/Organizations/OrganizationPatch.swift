/// What `PATCH /v1/organizations/{id}` asks for: absent fields keep their value, a null
/// `parent_id` makes the organization a root.
struct OrganizationPatch: Sendable {
    var name: String?
    var kind: OrganizationKind?
    /// nil: keep the parent; `.some(nil)`: no parent.
    var parentID: Int64??
    var regionCode: RegionCode?
    var errors: [FieldError]

    init(_ input: inout JSONInput) {
        input.readOnly(["id", "children", "created_at", "updated_at"])
        name = input.text("name")
        kind = input.choice("kind", OrganizationKind.self)
        if input.has("parent_id") { parentID = .some(input.integer("parent_id", in: 1...Int64.max)) }
        regionCode = input.regionCode("region_code")
        for field in ["name", "kind", "region_code"] where input.isNull(field) {
            input.fail(field, code: "required", message: "cannot be cleared")
        }
        errors = input.errors
    }
}
