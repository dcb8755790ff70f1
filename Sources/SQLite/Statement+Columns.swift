internal import CSQLite

// Column reads for the current row, valid after step() returned true and before the next
// step(), reset() or finalize(). Indexes are 0-based. The non-optional readers follow SQLite's
// conversions (https://sqlite.org/c3ref/column_blob.html): NULL reads as 0, 0.0, "" or [].

extension Statement {
    /// The number of columns in each result row (0 for statements that return none).
    public var columnCount: Int32 {
        sqlite3_column_count(handle)
    }

    /// The name of the column at `index` (its `AS` alias when it has one).
    public func columnName(at index: Int32) -> String {
        sqlite3_column_name(handle, index).map { String(cString: $0) } ?? ""
    }

    /// Whether the column at `index` holds NULL.
    public func isNull(at index: Int32) -> Bool {
        sqlite3_column_type(handle, index) == SQLITE_NULL
    }

    /// The column at `index` as a 64-bit integer.
    public func int64(at index: Int32) -> Int64 {
        sqlite3_column_int64(handle, index)
    }

    /// The column at `index` as an `Int`.
    public func int(at index: Int32) -> Int {
        Int(truncatingIfNeeded: sqlite3_column_int64(handle, index))
    }

    /// The column at `index` as a `Bool`: true for any non-zero integer.
    public func bool(at index: Int32) -> Bool {
        sqlite3_column_int64(handle, index) != 0
    }

    /// The column at `index` as a double.
    public func double(at index: Int32) -> Double {
        sqlite3_column_double(handle, index)
    }

    /// The column at `index` as text; embedded NUL characters are kept.
    public func string(at index: Int32) -> String {
        // "call sqlite3_column_text() first to force the result into the desired format, then
        // invoke sqlite3_column_bytes() to find the size of the result." The length matters:
        // String(cString:) would stop at an embedded NUL.
        guard let text = sqlite3_column_text(handle, index) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// The column at `index` as bytes.
    public func blob(at index: Int32) -> [UInt8] {
        // A zero-length blob comes back as a NULL pointer.
        guard let bytes = sqlite3_column_blob(handle, index) else { return [] }
        let count = Int(sqlite3_column_bytes(handle, index))
        return [UInt8](UnsafeRawBufferPointer(start: bytes, count: count))
    }

    /// The column at `index` as a 64-bit integer, or nil when NULL.
    public func optionalInt64(at index: Int32) -> Int64? {
        isNull(at: index) ? nil : int64(at: index)
    }

    /// The column at `index` as an `Int`, or nil when NULL.
    public func optionalInt(at index: Int32) -> Int? {
        isNull(at: index) ? nil : int(at: index)
    }

    /// The column at `index` as a `Bool`, or nil when NULL.
    public func optionalBool(at index: Int32) -> Bool? {
        isNull(at: index) ? nil : bool(at: index)
    }

    /// The column at `index` as a double, or nil when NULL.
    public func optionalDouble(at index: Int32) -> Double? {
        isNull(at: index) ? nil : double(at: index)
    }

    /// The column at `index` as text, or nil when NULL.
    public func optionalString(at index: Int32) -> String? {
        isNull(at: index) ? nil : string(at: index)
    }

    /// The column at `index` as bytes, or nil when NULL.
    public func optionalBlob(at index: Int32) -> [UInt8]? {
        isNull(at: index) ? nil : blob(at: index)
    }

    /// The column at `index` in its own storage class.
    public func value(at index: Int32) -> SQLiteValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: .integer(int64(at: index))
        case SQLITE_FLOAT: .real(double(at: index))
        case SQLITE_TEXT: .text(string(at: index))
        case SQLITE_BLOB: .blob(blob(at: index))
        default: .null
        }
    }
}
