public import HTTPServer

/// Reads a request's query parameters one by one, collecting every problem, and names the
/// parameters nobody read, so `?regin=35` (a typo) is a 422 instead of the whole list:
///
/// ```swift
/// var query = try QueryInput(request)
/// let page = query.page()
/// let kind = query.choice("kind", OrganizationKind.self)
/// try query.finish()          // one 422: bad paging, bad filters and unknown names
/// ```
public struct QueryInput: Sendable {
    private let parameters: QueryParameters
    private var known: Set<String> = []
    /// Problems found so far.
    public private(set) var errors: [FieldError] = []

    /// The request's query; 400 when it is not percent-decodable UTF-8.
    public init(_ request: Request) throws(RequestError) {
        parameters = try request.queryParameters()
    }

    /// Reads `parameters` directly, for tests.
    public init(_ parameters: QueryParameters) {
        self.parameters = parameters
    }

    /// Records a problem with a parameter.
    public mutating func fail(_ name: String, code: String, message: String) {
        errors.append(FieldError(field: name, code: code, message: message))
    }

    /// The raw value of `name`; a repeated parameter is a problem, as it is ambiguous.
    public mutating func string(_ name: String) -> String? {
        known.insert(name)
        let values = parameters.values(name)
        if values.count > 1 { fail(name, code: "repeated", message: "is given more than once") }
        return values.first
    }

    /// A value naming one case of `Value`.
    public mutating func choice<Value: RawRepresentable & CaseIterable>(_ name: String, _ type: Value.Type) -> Value?
    where Value.RawValue == String {
        guard let text = string(name) else { return nil }
        guard let value = Value(rawValue: text) else {
            fail(name, code: "invalid_value", message: "must be one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return value
    }

    /// A positive id, such as `organization_id`; `what` names it in the message.
    public mutating func id(_ name: String, of what: String) -> Int64? {
        guard let text = string(name) else { return nil }
        guard let value = Int64(text), value > 0 else {
            fail(name, code: "invalid_format", message: "must be \(what) id")
            return nil
        }
        return value
    }

    /// Exactly `count` ASCII digits.
    public mutating func digits(_ name: String, count: Int) -> String? {
        guard let text = string(name) else { return nil }
        guard text.isASCIIDigits(count: count) else {
            fail(name, code: "invalid_format", message: "must be \(count) digits")
            return nil
        }
        return text
    }

    /// A region code; list filters match the region and everything in it (`region=35` is
    /// all of Jawa Timur).
    public mutating func regionCode(_ name: String) -> RegionCode? {
        guard let text = string(name) else { return nil }
        guard let region = RegionCode(text) else {
            fail(name, code: "invalid_format", message: "must be a region code such as 35 or 35.07")
            return nil
        }
        return region
    }

    /// A `YYYY-MM-DD` date that exists.
    public mutating func date(_ name: String) -> CalendarDate? {
        guard let text = string(name) else { return nil }
        guard let date = CalendarDate(text) else {
            fail(name, code: "invalid_format", message: "must be a real date written YYYY-MM-DD")
            return nil
        }
        return date
    }

    /// A billing period written `YYYY-MM`.
    public mutating func period(_ name: String) -> Period? {
        guard let text = string(name) else { return nil }
        guard let period = Period(text) else {
            fail(name, code: "invalid_format", message: "must be a month written YYYY-MM")
            return nil
        }
        return period
    }

    /// `limit` (1-500, default 50) and `cursor`.
    public mutating func page() -> Page {
        var limit = 50
        if let text = string("limit") {
            if let value = Int(text), (1...500).contains(value) {
                limit = value
            } else {
                fail("limit", code: "out_of_range", message: "must be a whole number from 1 to 500")
            }
        }
        var after: Int64?
        if let cursor = string("cursor") {
            after = Page.decode(cursor)
            if after == nil { fail("cursor", code: "invalid_format", message: "is not a cursor this server gave") }
        }
        return Page(limit: limit, after: after)
    }

    /// Throws `AppError.invalid` naming every problem and every parameter nobody read.
    public func finish() throws(AppError) {
        var errors = errors
        for name in Set(parameters.items.map(\.name)).subtracting(known).sorted() {
            errors.append(FieldError(field: name, code: "unknown_parameter", message: "is not a parameter of this endpoint"))
        }
        if !errors.isEmpty { throw .invalid(errors) }
    }
}
