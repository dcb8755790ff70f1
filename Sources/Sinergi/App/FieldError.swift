internal import HTTPServer

/// One bad field of a request: a query parameter, a body field (dotted when nested,
/// `registered_via.organization_id`), a reference or a rule. Services collect them and throw
/// `AppError.invalid`; `AppError+Problem` alone turns them into problem+json. The same shape
/// carries a registration's warnings (`NIK.warnings`): remarks about a field that do not refuse.
public struct FieldError: Sendable, Equatable {
    public var field: String
    /// A stable machine-readable code (`required`, `invalid_format`, `not_found`, …).
    public var code: String
    /// A sentence for people; never echoes the submitted value.
    public var message: String

    public init(field: String, code: String, message: String) {
        self.field = field
        self.code = code
        self.message = message
    }

    /// As the problem document lists it.
    var problemField: Problem.FieldError { Problem.FieldError(field: field, code: code, message: message) }
}
