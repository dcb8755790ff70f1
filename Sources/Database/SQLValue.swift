internal import PostgreSQL
internal import SQLite

/// A statement parameter for either engine: the cases of `SQLiteValue`, so repositories write
/// `[.text(code), .integer(id)]` whichever engine runs them.
public enum SQLValue: Sendable, Hashable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
    case null
}

extension SQLValue {
    /// `.integer`, or `.null` when `value` is nil.
    public init(_ value: Int64?) { self = value.map(SQLValue.integer) ?? .null }
    /// `.integer`, or `.null` when `value` is nil.
    public init(_ value: Int?) { self = value.map { .integer(Int64($0)) } ?? .null }
    /// `.text`, or `.null` when `value` is nil.
    public init(_ value: String?) { self = value.map(SQLValue.text) ?? .null }
    /// `.blob`, or `.null` when `value` is nil.
    public init(_ value: [UInt8]?) { self = value.map(SQLValue.blob) ?? .null }

    var sqlite: SQLiteValue {
        switch self {
        case .integer(let value): .integer(value)
        case .real(let value): .real(value)
        case .text(let value): .text(value)
        case .blob(let value): .blob(value)
        case .null: .null
        }
    }

    var postgresql: PGValue {
        switch self {
        case .integer(let value): .integer(value)
        case .real(let value): .real(value)
        case .text(let value): .text(value)
        case .blob(let value): .bytes(value)
        case .null: .null
        }
    }
}
