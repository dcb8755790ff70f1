internal import Foundation

/// Any JSON document, decoded without a schema, so input can be checked field by field and
/// every bad field reported at once (a `Decodable` struct stops at the first).
public enum JSONValue: Sendable, Equatable, Decodable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Deepest nesting of arrays and objects accepted; deeper documents are refused before
    /// parsing, so no input can exhaust a thread's stack.
    public static let maxDepth = 64

    /// Parses `bytes`; nil when they are not JSON, nest deeper than `maxDepth`, or repeat a
    /// name within one object.
    public static func parse(_ bytes: [UInt8]) -> JSONValue? {
        guard nestingDepth(of: bytes) <= maxDepth, !hasTrailingCommaOrRepeatedName(bytes) else { return nil }
        return try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    /// Whether a `,` comes right before `]` or `}`, which JSONDecoder accepts though RFC 8259
    /// does not, or an object repeats a name, of which JSONDecoder silently keeps the first
    /// value (most parsers keep the last, so a proxy and this server would read different
    /// documents). Only structure outside strings is looked at; the rest is JSONDecoder's job.
    static func hasTrailingCommaOrRepeatedName(_ bytes: [UInt8]) -> Bool {
        // One entry per open container: nil for an array, the names seen so far for an object.
        var containers: [Set<String>?] = []
        var expectingName = false
        var afterComma = false
        var inString = false
        var escaped = false
        var stringHasEscape = false
        var stringStart = 0
        for (index, byte) in bytes.enumerated() {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                    stringHasEscape = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                    if expectingName, let last = containers.indices.last, containers[last] != nil {
                        let quoted = bytes[stringStart...index]
                        let name = stringHasEscape
                            ? (try? JSONDecoder().decode(String.self, from: Data(quoted))) ?? String(decoding: quoted, as: UTF8.self)
                            : String(decoding: quoted.dropFirst().dropLast(), as: UTF8.self)
                        guard containers[last]!.insert(name).inserted else { return true }
                        expectingName = false
                    }
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                stringHasEscape = false
                stringStart = index
                afterComma = false
            case UInt8(ascii: "["):
                containers.append(nil)
                expectingName = false
                afterComma = false
            case UInt8(ascii: "{"):
                containers.append([])
                expectingName = true
                afterComma = false
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if afterComma { return true }
                _ = containers.popLast()
                expectingName = false
            case UInt8(ascii: ","):
                afterComma = true
                expectingName = containers.last.map { $0 != nil } ?? false
            case UInt8(ascii: ":"):
                expectingName = false
                afterComma = false
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                break
            default:
                afterComma = false
            }
        }
        return false
    }

    /// The deepest nesting of `[` and `{` outside strings.
    static func nestingDepth(of bytes: [UInt8]) -> Int {
        var depth = 0
        var deepest = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                deepest = max(deepest, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return deepest
    }
}
