public import HTTPServer

/// Reads a JSON request body field by field, collecting every problem before failing:
///
/// ```swift
/// var input = try JSONInput(request)          // 400 when the body is not a JSON object
/// let name = input.string("full_name", required: true)
/// let year = input.integer("year", in: 1900...2100)
/// try input.finish()                           // 422 listing every bad field
/// ```
///
/// A field no reader asked for is an error of its own (`unknown_field`), and so is one the
/// endpoint names read-only, so a typo or an unchangeable field is never silently ignored.
public struct JSONInput: Sendable {
    private let object: [String: JSONValue]
    private let prefix: String
    private var recorded: [FieldError] = []
    private var known: Set<String> = []
    /// Fields of `object` that a reader asked for.
    private var presentRead = 0

    /// Problems found so far, fields nobody read included.
    public var errors: [FieldError] {
        // Every field of the body read: nothing unknown to look for (the usual case; readers
        // ask for errors several times, and hashing every key each time showed in imports).
        guard presentRead < object.count else { return recorded }
        var unknown: [FieldError] = []
        for field in object.keys.sorted() where !known.contains(field) {
            unknown.append(FieldError(
                field: path(field), code: "unknown_field", message: "is not a field of this endpoint"))
        }
        return recorded + unknown
    }

    /// Parses the request body as a JSON object.
    ///
    /// - Throws: `AppError.malformedBody` when it is not JSON, is nested too deeply, repeats a name
    ///   in an object, or is not an object.
    public init(_ request: Request) throws(AppError) {
        guard let value = JSONValue.parse(request.body) else {
            throw .malformedBody(
                "The body is not valid JSON, nests deeper than \(JSONValue.maxDepth) levels, or repeats a name in an object.")
        }
        guard case .object(let object) = value else {
            throw .malformedBody("The body must be a JSON object.")
        }
        self.init(object: object, prefix: "")
    }

    /// Reads a nested object's fields, naming them `prefix.field`.
    public init(object: [String: JSONValue], prefix: String) {
        self.object = object
        self.prefix = prefix
    }

    /// Whether the body names `field`, even as null (a PATCH sets what it names).
    public func has(_ field: String) -> Bool { object[field] != nil }

    /// The raw value of `field`, for shapes the typed readers do not cover.
    public mutating func value(_ field: String) -> JSONValue? {
        markRead(field)
        return object[field]
    }

    /// Refuses `fields` when present: values the endpoint shows but does not take (`nik` on
    /// a PATCH of a member).
    public mutating func readOnly(_ fields: [String]) {
        for field in fields where object[field] != nil {
            markRead(field)
            fail(field, code: "read_only", message: "cannot be changed here")
        }
    }

    private mutating func markRead(_ field: String) {
        if known.insert(field).inserted, object[field] != nil { presentRead += 1 }
    }

    private func path(_ field: String) -> String { prefix.isEmpty ? field : "\(prefix).\(field)" }

    /// Whether `field` is present and null (a PATCH clears it).
    public func isNull(_ field: String) -> Bool { object[field] == .null }

    /// Records a problem with a field.
    public mutating func fail(_ field: String, code: String, message: String) {
        recorded.append(FieldError(field: path(field), code: code, message: message))
    }

    /// A string field; nil when absent, null or wrong (the problem recorded).
    public mutating func string(_ field: String, required: Bool = false, maxLength: Int = 1000) -> String? {
        markRead(field)
        switch object[field] {
        case .string(let value)?:
            guard value.count <= maxLength else {
                fail(field, code: "too_long", message: "must be at most \(maxLength) characters")
                return nil
            }
            return value
        case nil, .null?:
            if required { fail(field, code: "required", message: "is required") }
            return nil
        default:
            fail(field, code: "invalid_type", message: "must be a string")
            return nil
        }
    }

    /// A string for people to read, such as a name: not blank and without control characters.
    public mutating func text(_ field: String, required: Bool = false, maxLength: Int = 200) -> String? {
        guard let value = string(field, required: required, maxLength: maxLength) else { return nil }
        // The database counts code points, not characters: "e" with a combining accent is two.
        if value.unicodeScalars.count > maxLength {
            fail(field, code: "too_long", message: "must be at most \(maxLength) characters")
            return nil
        }
        if value.allSatisfy(\.isWhitespace) {
            fail(field, code: "required", message: "must not be empty")
            return nil
        }
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            fail(field, code: "invalid_characters", message: "must not contain control characters")
            return nil
        }
        return value
    }

    /// A string of exactly `count` ASCII digits, such as a family card number.
    public mutating func digits(_ field: String, count: Int, required: Bool = false) -> String? {
        guard let value = string(field, required: required, maxLength: 64) else { return nil }
        guard value.isASCIIDigits(count: count) else {
            fail(field, code: "invalid_format", message: "must be exactly \(count) digits")
            return nil
        }
        return value
    }

    /// A `YYYY-MM-DD` date that exists.
    public mutating func date(_ field: String, required: Bool = false) -> CalendarDate? {
        guard let value = string(field, required: required, maxLength: 64) else { return nil }
        guard let date = CalendarDate(value) else {
            fail(field, code: "invalid_format", message: "must be a real date written YYYY-MM-DD")
            return nil
        }
        return date
    }

    /// A Kemendagri region code, with or without dots; whether it exists is the service's check.
    public mutating func regionCode(_ field: String, required: Bool = false) -> RegionCode? {
        guard let text = string(field, required: required, maxLength: 20) else { return nil }
        guard let region = RegionCode(text) else {
            fail(field, code: "invalid_format", message: "must be a region code such as 35.07 or 3507")
            return nil
        }
        return region
    }

    /// A string naming one case of `Value`.
    public mutating func choice<Value: RawRepresentable & CaseIterable>(
        _ field: String, _ type: Value.Type, required: Bool = false
    ) -> Value? where Value.RawValue == String {
        guard let value = string(field, required: required, maxLength: 64) else { return nil }
        guard let choice = Value(rawValue: value) else {
            fail(field, code: "invalid_value", message: "must be one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return choice
    }

    /// An integer field within `range`.
    public mutating func integer(_ field: String, required: Bool = false, in range: ClosedRange<Int64>) -> Int64? {
        markRead(field)
        switch object[field] {
        case .integer(let value)?:
            guard range.contains(value) else {
                fail(field, code: "out_of_range", message: "must be from \(range.lowerBound) to \(range.upperBound)")
                return nil
            }
            return value
        case nil, .null?:
            if required { fail(field, code: "required", message: "is required") }
            return nil
        default:
            fail(field, code: "invalid_type", message: "must be an integer")
            return nil
        }
    }

    /// A boolean field.
    public mutating func bool(_ field: String, required: Bool = false) -> Bool? {
        markRead(field)
        switch object[field] {
        case .bool(let value)?: return value
        case nil, .null?:
            if required { fail(field, code: "required", message: "is required") }
            return nil
        default:
            fail(field, code: "invalid_type", message: "must be true or false")
            return nil
        }
    }

    /// An array field of `count` items, to read one by one (`field[i]` names an item).
    public mutating func array(_ field: String, required: Bool = false, count: ClosedRange<Int>) -> [JSONValue]? {
        markRead(field)
        switch object[field] {
        case .array(let items)? where count.contains(items.count): return items
        case .array?:
            fail(field, code: "out_of_range", message: "must have from \(count.lowerBound) to \(count.upperBound) items")
            return nil
        case nil, .null?:
            if required { fail(field, code: "required", message: "is required") }
            return nil
        default:
            fail(field, code: "invalid_type", message: "must be an array")
            return nil
        }
    }

    /// A billing period written `YYYY-MM`.
    public mutating func period(_ field: String, required: Bool = false) -> Period? {
        guard let text = string(field, required: required, maxLength: 16) else { return nil }
        guard let period = Period(text) else {
            fail(field, code: "invalid_format", message: "must be a month written YYYY-MM")
            return nil
        }
        return period
    }

    /// A nested object field, to read with `JSONInput(object:prefix:)`.
    public mutating func object(_ field: String, required: Bool = false) -> [String: JSONValue]? {
        markRead(field)
        switch object[field] {
        case .object(let value)?: return value
        case nil, .null?:
            if required { fail(field, code: "required", message: "is required") }
            return nil
        default:
            fail(field, code: "invalid_type", message: "must be an object")
            return nil
        }
    }

    /// Adds a nested reader's problems to this one's.
    public mutating func absorb(_ nested: JSONInput) {
        recorded.append(contentsOf: nested.errors)
    }

    /// Throws `AppError.invalid` with every problem recorded, if any.
    public func finish() throws(AppError) {
        if !errors.isEmpty { throw .invalid(errors) }
    }
}
