internal import HTTPServer

/// One value of a resource's representation, typed as JSON shows it.
enum FieldValue: Sendable {
    case text(String?)
    case integer(Int64?)
    case boolean(Bool?)
}

/// The fields of a resource as every answer shows them, in order: one list read by the
/// JSON writer and the CSV writer alike, so a list's CSV has exactly the JSON's columns and
/// masking. A dotted name (`registered_via.organization_id`) is a field of a nested object
/// in JSON and a column of that name in CSV.
struct Representation<Item>: Sendable {
    struct Field: Sendable {
        let name: String
        let value: @Sendable (Item, Principal) -> FieldValue
    }

    let fields: [Field]
    /// Each field's nested object (nil for a top-level field) and its name inside it, split once.
    private let keys: [(parent: String?, name: String)]

    init(_ fields: [Field]) {
        self.fields = fields
        keys = fields.map { field in
            guard let dot = field.name.firstIndex(of: ".") else { return (nil, field.name) }
            return (String(field.name[..<dot]), String(field.name[field.name.index(after: dot)...]))
        }
    }

    /// The CSV header row's names.
    var columnNames: [String] { fields.map(\.name) }

    /// `item`'s fields, without the braces, so callers can add fields of their own.
    func writeFields(of item: Item, for principal: Principal, into json: inout JSONWriter) {
        var openObject: String?
        for (field, key) in zip(fields, keys) {
            if let open = openObject, key.parent != open {
                json.endObject()
                openObject = nil
            }
            if let parent = key.parent, openObject == nil {
                json.key(parent)
                json.beginObject()
                openObject = parent
            }
            switch field.value(item, principal) {
            case .text(let value): json.field(key.name, value)
            case .integer(let value): json.field(key.name, value.map(Int.init))
            case .boolean(let value?): json.field(key.name, value)
            case .boolean(nil): json.key(key.name); json.null()
            }
        }
        if openObject != nil { json.endObject() }
    }

    /// `item` as one JSON object.
    func write(_ item: Item, for principal: Principal, into json: inout JSONWriter) {
        json.beginObject()
        writeFields(of: item, for: principal, into: &json)
        json.endObject()
    }

    /// `item` as one CSV record.
    func writeRecord(of item: Item, for principal: Principal, into csv: inout CSVWriter) {
        csv.beginRecord()
        for field in fields {
            switch field.value(item, principal) {
            case .text(let value): csv.cell(value)
            case .integer(let value): csv.cell(value.map { String($0) })
            case .boolean(let value): csv.cell(value.map { $0 ? "true" : "false" })
            }
        }
        csv.endRecord()
    }
}

extension Representation.Field {
    static func text(_ name: String, _ value: @escaping @Sendable (Item) -> String?) -> Self {
        Self(name: name) { item, _ in .text(value(item)) }
    }

    static func integer(_ name: String, _ value: @escaping @Sendable (Item) -> Int64?) -> Self {
        Self(name: name) { item, _ in .integer(value(item)) }
    }

    static func boolean(_ name: String, _ value: @escaping @Sendable (Item) -> Bool?) -> Self {
        Self(name: name) { item, _ in .boolean(value(item)) }
    }
}
