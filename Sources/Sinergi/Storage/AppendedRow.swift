internal import Database

/// A row to insert, as data rather than as a statement, so that `Store.append` can put the
/// rows of many requests into one multi-row INSERT where that saves round trips (PostgreSQL).
/// Its `Shape` also gives the region load its multi-row inserts.
struct AppendedRow: Sendable {
    /// A table and its columns, with the statements that insert rows of them; made once.
    struct Shape: Sendable, Hashable {
        /// `INSERT INTO table (a, b) VALUES` without its rows.
        let insert: String
        /// `insert` with one row of placeholders.
        let insertOne: String
        let columnCount: Int
        private let tuple: String

        init(table: String, columns: [String]) {
            columnCount = columns.count
            insert = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES"
            tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
            insertOne = insert + " " + tuple
        }

        /// `insert` with `count` rows of placeholders.
        func insert(rows count: Int) -> String {
            count == 1 ? insertOne : insert + " " + Array(repeating: tuple, count: count).joined(separator: ", ")
        }
    }

    let shape: Shape
    let values: [SQLValue]
}
