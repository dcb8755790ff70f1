internal import Foundation

/// The CSV form of `POST /v1/members`: a header row naming the body's fields, the nested ones
/// dotted (`registered_via.organization_id`), and a row per member. Each row becomes the JSON
/// object that request would carry and goes through the same validator
/// (`MemberRoutes.draft`), so a file and the API refuse and warn alike.
struct MemberCSV: Sendable {
    /// Columns whose cells are JSON integers in the request; every other cell is a string.
    static let integerColumns: Set<String> = [
        "class", "facility_id", "employer_id",
        "registered_via.organization_id", "registered_via.event_id", "registered_via.cadre_id",
    ]

    private struct Column {
        /// The top-level field, and the nested one for a dotted name.
        let field: String
        let nested: String?
        let isInteger: Bool
    }

    private let columns: [Column]
    let names: [String]

    /// The record at the start of `file` (its header), and a reader that goes on right after
    /// it, where the file is left. Read a byte at a time, so a problem after the header (a bad
    /// byte on line 3) is not the header's, whatever the size of the file. Nil when no record
    /// ends within 64 KiB: the file is empty, or its first line is no header of a member list.
    static func headerRecord(of file: FileHandle) throws(CSVReader.Failure) -> (record: CSVReader.Record, reader: CSVReader)? {
        var reader = CSVReader()
        let head = file.readData(ofLength: CSVReader.maxFieldBytes)
        var header: CSVReader.Record?
        for byte in head {
            header = try reader.read(CollectionOfOne(byte)).first
            if header != nil { break }
        }
        if header == nil, head.count < CSVReader.maxFieldBytes { header = try reader.finish().first }
        guard let header else { return nil }
        try? file.seek(toOffset: UInt64(header.end))
        return (header, reader)
    }

    /// The header's columns, or every problem with them at once: names that are not fields of
    /// a registration, required fields missing, a name given twice.
    static func header(_ names: [String], today: CalendarDate) -> (csv: MemberCSV?, errors: [FieldError]) {
        var errors: [FieldError] = []
        var seen: Set<String> = []
        for name in names where !seen.insert(name).inserted {
            errors.append(FieldError(field: name, code: "duplicate_column", message: "is named twice in the header"))
        }
        let csv = MemberCSV(names: names)
        // The validator itself says which names it reads and which it requires: a row whose
        // every cell is empty gets `unknown_field` for the former and `required` for the latter.
        var input = JSONInput(object: csv.object(Array(repeating: "", count: names.count), keepingEmpty: true), prefix: "")
        var references = MemberReferences()
        _ = MemberRoutes.draft(from: &input, today: today, references: &references)
        for error in input.errors {
            if error.code == "unknown_field" {
                errors.append(FieldError(field: error.field, code: "unknown_column", message: "is not a field of POST /v1/members"))
            } else if error.code == "required", !seen.contains(error.field) {
                errors.append(FieldError(field: error.field, code: "missing_column", message: "is required and not in the header"))
            }
        }
        return errors.isEmpty ? (csv, []) : (nil, errors)
    }

    private init(names: [String]) {
        self.names = names
        columns = names.map { name in
            let isInteger = Self.integerColumns.contains(name)
            guard let dot = name.firstIndex(of: ".") else { return Column(field: name, nested: nil, isInteger: isInteger) }
            return Column(field: String(name[..<dot]), nested: String(name[name.index(after: dot)...]), isInteger: isInteger)
        }
    }

    /// The request body a row stands for. An empty cell is an absent field (the header check
    /// keeps them, as nulls, to learn which names the validator reads). A cell that is not an
    /// integer in an integer column stays a string, so the validator says `invalid_type`.
    func object(_ cells: [String], keepingEmpty: Bool = false) -> [String: JSONValue] {
        var object: [String: JSONValue] = [:]
        object.reserveCapacity(cells.count)
        var nested: [String: [String: JSONValue]] = [:]
        for (column, cell) in zip(columns, cells) {
            let value: JSONValue
            if cell.isEmpty {
                guard keepingEmpty else { continue }
                value = .null
            } else if column.isInteger, let number = Int64(cell) {
                value = .integer(number)
            } else {
                value = .string(cell)
            }
            if let name = column.nested {
                nested[column.field, default: [:]][name] = value
            } else {
                object[column.field] = value
            }
        }
        for (field, fields) in nested { object[field] = .object(fields) }
        return object
    }
}
