/// What `PATCH /v1/members/{id}` asks for: contact data, card number, class, facility; nil
/// fields stay as they are. NIK, birth date, sex and segment are registry facts this
/// endpoint does not change: naming one is a 422, not silently ignored.
struct MemberPatch: Sendable {
    var fullName: String?
    var address: String??
    var phone: String??
    var cardNo: String??
    var memberClass: Int?
    var facilityID: Int64?
    /// Problems of form found while reading; the service adds the rules' and throws them together.
    var errors: [FieldError] = []

    init() {}

    init(_ input: inout JSONInput) {
        input.readOnly([
            "id", "nik", "birth_date", "sex", "family_card_no", "relationship", "segment", "region_code", "employer_id",
            "status", "status_reason", "class_since", "facility_since", "registered_at", "registered_via", "created_at",
            "updated_at",
        ])
        fullName = input.text("full_name")
        if input.has("address") { address = .some(input.text("address", maxLength: 500)) }
        if input.has("phone") { phone = .some(MemberRoutes.phone(from: &input)) }
        if input.has("card_no") { cardNo = .some(input.digits("card_no", count: 13)) }
        memberClass = input.integer("class", in: 1...3).map(Int.init)
        facilityID = input.integer("facility_id", in: 1...Int64.max)
        for field in ["class", "facility_id", "full_name"] where input.isNull(field) {
            input.fail(field, code: "required", message: "cannot be cleared")
        }
        errors = input.errors
    }
}
