/// A value SQLite can store: one case per storage class.
///
/// It has no `description` of its own on purpose: values can be personal data, and
/// nothing in this module prints them.
public enum SQLiteValue: Sendable, Hashable {
    /// A signed 64-bit integer.
    case integer(Int64)
    /// An IEEE 754 double.
    case real(Double)
    /// UTF-8 text; may be empty and may contain NUL characters.
    case text(String)
    /// Raw bytes; may be empty and may contain zero bytes.
    case blob([UInt8])
    /// SQL NULL.
    case null
}

extension SQLiteValue {
    /// `.integer`, or `.null` when `value` is nil.
    public init(_ value: Int64?) {
        self = value.map(SQLiteValue.integer) ?? .null
    }

    /// `.integer`, or `.null` when `value` is nil.
    public init(_ value: Int?) {
        self = value.map { .integer(Int64($0)) } ?? .null
    }

    /// `.real`, or `.null` when `value` is nil.
    public init(_ value: Double?) {
        self = value.map(SQLiteValue.real) ?? .null
    }

    /// `.text`, or `.null` when `value` is nil.
    public init(_ value: String?) {
        self = value.map(SQLiteValue.text) ?? .null
    }

    /// `.blob`, or `.null` when `value` is nil.
    public init(_ value: [UInt8]?) {
        self = value.map(SQLiteValue.blob) ?? .null
    }

    /// `.integer(1)` for true, `.integer(0)` for false (SQLite has no boolean type), or `.null`.
    public init(_ value: Bool?) {
        self = value.map { .integer($0 ? 1 : 0) } ?? .null
    }

    /// Whether this is SQL NULL.
    public var isNull: Bool {
        if case .null = self { true } else { false }
    }
}

extension SQLiteValue: ExpressibleByIntegerLiteral {
    /// An `.integer` from a literal.
    public init(integerLiteral value: Int64) {
        self = .integer(value)
    }
}

extension SQLiteValue: ExpressibleByFloatLiteral {
    /// A `.real` from a literal.
    public init(floatLiteral value: Double) {
        self = .real(value)
    }
}

extension SQLiteValue: ExpressibleByStringLiteral {
    /// A `.text` from a literal.
    public init(stringLiteral value: String) {
        self = .text(value)
    }
}

extension SQLiteValue: ExpressibleByBooleanLiteral {
    /// `.integer(1)` or `.integer(0)` from a literal.
    public init(booleanLiteral value: Bool) {
        self = .integer(value ? 1 : 0)
    }
}

extension SQLiteValue: ExpressibleByNilLiteral {
    /// `.null` from `nil`.
    public init(nilLiteral: ()) {
        self = .null
    }
}
