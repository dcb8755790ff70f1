/// An ordered list of header fields with case-insensitive lookup by name.
///
/// Order and duplicates are kept as received: the parser, not this type, decides which
/// duplicates are errors (RFC 9112 §6.3 for `Content-Length`).
public struct HTTPHeaders: Sendable, Sequence {
    /// One field as it appeared on the wire.
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    private var fields: [Field] = []

    /// An empty list.
    public init() {}

    /// A list from name-value pairs, in order.
    public init(_ pairs: [(String, String)]) {
        fields = pairs.map { Field(name: $0.0, value: $0.1) }
    }

    /// Number of fields.
    public var count: Int { fields.count }

    /// The first value of `name`, or nil.
    public subscript(name: String) -> String? {
        fields.first { $0.name.isEqualCaseInsensitive(to: name) }?.value
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        fields.filter { $0.name.isEqualCaseInsensitive(to: name) }.map(\.value)
    }

    /// Whether a field `name` is present.
    public func contains(_ name: String) -> Bool {
        fields.contains { $0.name.isEqualCaseInsensitive(to: name) }
    }

    /// Appends a field, keeping any existing ones.
    public mutating func add(_ name: String, _ value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Replaces every field `name` with one.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        fields.append(Field(name: name, value: value))
    }

    /// Removes every field `name`.
    public mutating func remove(_ name: String) {
        fields.removeAll { $0.name.isEqualCaseInsensitive(to: name) }
    }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }
}

extension String {
    /// ASCII case-insensitive equality, as field names and tokens compare (RFC 9110 §5.1).
    func isEqualCaseInsensitive(to other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        return zip(utf8, other.utf8).allSatisfy { $0.asciiLowercased == $1.asciiLowercased }
    }
}

extension UInt8 {
    /// The byte with `A`-`Z` mapped to `a`-`z`.
    var asciiLowercased: UInt8 { self >= 0x41 && self <= 0x5A ? self | 0x20 : self }
}
