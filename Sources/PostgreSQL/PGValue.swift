/// A value sent to PostgreSQL as a statement parameter.
///
/// Integers, reals, booleans and text go in PostgreSQL's text format, which the server parses
/// as whatever type it inferred for the parameter (an `int4` column compared with `$1`
/// makes `$1` an `int4`); bytes go in binary format, as `bytea`. Like `SQLiteValue` it has no
/// `description`: values can be personal data.
public enum PGValue: Sendable, Hashable {
    case integer(Int64)
    case real(Double)
    case boolean(Bool)
    /// UTF-8 text. PostgreSQL's text cannot hold NUL characters: such text is refused (22021).
    case text(String)
    case bytes([UInt8])
    case null
}

extension PGValue {
    /// `.integer`, or `.null` when `value` is nil.
    public init(_ value: Int64?) { self = value.map(PGValue.integer) ?? .null }
    /// `.integer`, or `.null` when `value` is nil.
    public init(_ value: Int?) { self = value.map { .integer(Int64($0)) } ?? .null }
    /// `.text`, or `.null` when `value` is nil.
    public init(_ value: String?) { self = value.map(PGValue.text) ?? .null }
    /// `.bytes`, or `.null` when `value` is nil.
    public init(_ value: [UInt8]?) { self = value.map(PGValue.bytes) ?? .null }
}
