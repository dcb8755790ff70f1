internal import PostgreSQL
public import SQLite

/// The current row of a query on either engine, read by column name, as `SQLite.Row` is.
/// Valid only inside the `map` closure it is handed to.
public struct DatabaseRow {
    enum Storage {
        case sqlite(SQLite.Row)
        case postgresql(PGRow)
    }

    let storage: Storage

    /// The position of PostgreSQL's column `name` (SQLite's rows find theirs themselves, with
    /// a per-statement index).
    private func index(_ name: String, in row: PGRow) throws(RowError) -> Int32 {
        guard let index = row.columnIndex(name) else { throw .noSuchColumn(name) }
        return index
    }

    public func int64(_ name: String) throws(RowError) -> Int64 {
        switch storage {
        case .sqlite(let row): try row.int64(name)
        case .postgresql(let row): row.int64(at: try index(name, in: row))
        }
    }

    public func int(_ name: String) throws(RowError) -> Int { Int(try int64(name)) }

    /// True for any non-zero integer (and PostgreSQL's `t`).
    public func bool(_ name: String) throws(RowError) -> Bool {
        switch storage {
        case .sqlite(let row): try row.bool(name)
        case .postgresql(let row): row.bool(at: try index(name, in: row))
        }
    }

    public func string(_ name: String) throws(RowError) -> String {
        switch storage {
        case .sqlite(let row): try row.string(name)
        case .postgresql(let row): row.string(at: try index(name, in: row))
        }
    }

    public func blob(_ name: String) throws(RowError) -> [UInt8] {
        switch storage {
        case .sqlite(let row): try row.blob(name)
        case .postgresql(let row): row.blob(at: try index(name, in: row))
        }
    }

    public func optionalInt64(_ name: String) throws(RowError) -> Int64? {
        switch storage {
        case .sqlite(let row): try row.optionalInt64(name)
        case .postgresql(let row): row.optionalInt64(at: try index(name, in: row))
        }
    }

    public func optionalString(_ name: String) throws(RowError) -> String? {
        switch storage {
        case .sqlite(let row): try row.optionalString(name)
        case .postgresql(let row): row.optionalString(at: try index(name, in: row))
        }
    }

    public func optionalBlob(_ name: String) throws(RowError) -> [UInt8]? {
        switch storage {
        case .sqlite(let row): try row.optionalBlob(name)
        case .postgresql(let row): row.optionalBlob(at: try index(name, in: row))
        }
    }

    // By position, for results whose columns have no useful name (`SELECT count(*)`).

    public func int64(at index: Int32) -> Int64 {
        switch storage {
        case .sqlite(let row): row.int64(at: index)
        case .postgresql(let row): row.int64(at: index)
        }
    }

    public func int(at index: Int32) -> Int { Int(int64(at: index)) }

    public func string(at index: Int32) -> String {
        switch storage {
        case .sqlite(let row): row.string(at: index)
        case .postgresql(let row): row.string(at: index)
        }
    }

    /// The column as a case of `Value`; a text the type has no case for throws instead of
    /// becoming a default.
    public func value<Value: RawRepresentable>(_ name: String, as type: Value.Type) throws(RowError) -> Value
    where Value.RawValue == String {
        guard let value = Value(rawValue: try string(name)) else { throw .unexpectedValue(column: name) }
        return value
    }
}

@available(*, unavailable)
extension DatabaseRow: Sendable {}
