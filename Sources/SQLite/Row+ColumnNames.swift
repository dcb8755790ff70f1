/// Columns read by name, so a decoder does not depend on the order of a column list and
/// fails loudly when a column is missing.
extension Row {
    /// The column `name` as a 64-bit integer.
    public func int64(_ name: String) throws(RowError) -> Int64 { int64(at: try statement.columnIndex(name)) }

    /// The column `name` as an `Int`.
    public func int(_ name: String) throws(RowError) -> Int { int(at: try statement.columnIndex(name)) }

    /// The column `name` as a `Bool`: true for any non-zero integer.
    public func bool(_ name: String) throws(RowError) -> Bool { bool(at: try statement.columnIndex(name)) }

    /// The column `name` as text.
    public func string(_ name: String) throws(RowError) -> String { string(at: try statement.columnIndex(name)) }

    /// The column `name` as bytes.
    public func blob(_ name: String) throws(RowError) -> [UInt8] { blob(at: try statement.columnIndex(name)) }

    /// The column `name` as a 64-bit integer, or nil when NULL.
    public func optionalInt64(_ name: String) throws(RowError) -> Int64? { optionalInt64(at: try statement.columnIndex(name)) }

    /// The column `name` as text, or nil when NULL.
    public func optionalString(_ name: String) throws(RowError) -> String? { optionalString(at: try statement.columnIndex(name)) }

    /// The column `name` as bytes, or nil when NULL.
    public func optionalBlob(_ name: String) throws(RowError) -> [UInt8]? { optionalBlob(at: try statement.columnIndex(name)) }

    /// The column `name` as a case of `Value`; a text the type has no case for throws instead
    /// of becoming a default.
    public func value<Value: RawRepresentable>(_ name: String, as type: Value.Type) throws(RowError) -> Value
    where Value.RawValue == String {
        guard let value = Value(rawValue: string(at: try statement.columnIndex(name))) else {
            throw .unexpectedValue(column: name)
        }
        return value
    }

    /// Like `value(_:as:)`, nil when NULL.
    public func optionalValue<Value: RawRepresentable>(_ name: String, as type: Value.Type) throws(RowError) -> Value?
    where Value.RawValue == String {
        let index = try statement.columnIndex(name)
        guard let text = optionalString(at: index) else { return nil }
        guard let value = Value(rawValue: text) else { throw .unexpectedValue(column: name) }
        return value
    }
}
