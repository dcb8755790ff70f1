/// Decoded `application/x-www-form-urlencoded` query items, in order.
public struct QueryParameters: Sendable, Equatable {
    /// Every name-value pair; a name without `=` has an empty value.
    public let items: [(name: String, value: String)]

    public init(items: [(name: String, value: String)]) { self.items = items }

    /// Parses a raw query string.
    public init(parsing query: String) throws(RequestError) {
        var items: [(name: String, value: String)] = []
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = PercentDecoding.decode(parts[0], plusAsSpace: true),
                  let value = PercentDecoding.decode(parts.count > 1 ? parts[1] : "", plusAsSpace: true)
            else { throw .invalidQuery }
            items.append((name, value))
        }
        self.items = items
    }

    /// The first value of `name`, or nil.
    public subscript(name: String) -> String? { items.first { $0.name == name }?.value }

    /// Every value of `name`.
    public func values(_ name: String) -> [String] { items.filter { $0.name == name }.map(\.value) }

    public static func == (lhs: QueryParameters, rhs: QueryParameters) -> Bool {
        lhs.items.elementsEqual(rhs.items) { $0.name == $1.name && $0.value == $1.value }
    }
}

/// Percent-decoding (RFC 3986 §2.1).
public enum PercentDecoding {
    /// The decoded text, or nil for a truncated or non-hex escape or invalid UTF-8.
    public static func decode(_ text: Substring, plusAsSpace: Bool = false) -> String? {
        let utf8 = Array(text.utf8)
        guard utf8.contains(UInt8(ascii: "%")) || (plusAsSpace && utf8.contains(UInt8(ascii: "+"))) else {
            return String(text)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < utf8.count,
                      let high = ASCII.hexValue(utf8[index + 1]), let low = ASCII.hexValue(utf8[index + 2]) else { return nil }
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(plusAsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
