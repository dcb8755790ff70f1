/// What `POST /v1/employers` asks for, every field as sent and checked for form; the service
/// checks the region and throws every problem at once.
struct NewEmployer: Sendable {
    var name: String?
    var nib: NIB?
    var regionCode: RegionCode?
    var reportedEmployees: Int64?
    var errors: [FieldError]

    init(_ input: inout JSONInput) {
        name = input.text("name", required: true)
        let nibText = input.string("nib", required: true)
        nib = nibText.flatMap(NIB.init)
        if nibText != nil && nib == nil {
            input.fail("nib", code: "invalid_format", message: "must be the 13 digits of a Nomor Induk Berusaha")
        }
        regionCode = input.regionCode("region_code", required: true)
        reportedEmployees = input.integer("reported_employees", required: true, in: 0...Int64.max)
        errors = input.errors
    }
}
