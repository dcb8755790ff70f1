/// The current row of a query, handed to the `map` closure of `Connection.fetchAll` and
/// `fetchOne`. Read-only, 0-based, and valid only inside that closure.
///
/// The readers are those of `Statement`: NULL reads as 0, 0.0, "" or [] from the
/// non-optional ones, and as nil from the `optional…` ones.
public struct Row {
    /// The statement positioned on this row.
    let statement: Statement

    init(_ statement: Statement) {
        self.statement = statement
    }

    /// The number of columns.
    public var columnCount: Int32 { statement.columnCount }

    /// The name of the column at `index`.
    public func columnName(at index: Int32) -> String { statement.columnName(at: index) }

    /// Whether the column at `index` holds NULL.
    public func isNull(at index: Int32) -> Bool { statement.isNull(at: index) }

    /// The column at `index` as a 64-bit integer.
    public func int64(at index: Int32) -> Int64 { statement.int64(at: index) }

    /// The column at `index` as an `Int`.
    public func int(at index: Int32) -> Int { statement.int(at: index) }

    /// The column at `index` as a `Bool`: true for any non-zero integer.
    public func bool(at index: Int32) -> Bool { statement.bool(at: index) }

    /// The column at `index` as a double.
    public func double(at index: Int32) -> Double { statement.double(at: index) }

    /// The column at `index` as text; embedded NUL characters are kept.
    public func string(at index: Int32) -> String { statement.string(at: index) }

    /// The column at `index` as bytes.
    public func blob(at index: Int32) -> [UInt8] { statement.blob(at: index) }

    /// The column at `index` as a 64-bit integer, or nil when NULL.
    public func optionalInt64(at index: Int32) -> Int64? { statement.optionalInt64(at: index) }

    /// The column at `index` as an `Int`, or nil when NULL.
    public func optionalInt(at index: Int32) -> Int? { statement.optionalInt(at: index) }

    /// The column at `index` as a `Bool`, or nil when NULL.
    public func optionalBool(at index: Int32) -> Bool? { statement.optionalBool(at: index) }

    /// The column at `index` as a double, or nil when NULL.
    public func optionalDouble(at index: Int32) -> Double? { statement.optionalDouble(at: index) }

    /// The column at `index` as text, or nil when NULL.
    public func optionalString(at index: Int32) -> String? { statement.optionalString(at: index) }

    /// The column at `index` as bytes, or nil when NULL.
    public func optionalBlob(at index: Int32) -> [UInt8]? { statement.optionalBlob(at: index) }

    /// The column at `index` in its own storage class.
    public func value(at index: Int32) -> SQLiteValue { statement.value(at: index) }
}

@available(*, unavailable)
extension Row: Sendable {}
