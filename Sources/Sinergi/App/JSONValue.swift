/// Any JSON document, parsed without a schema, so input can be checked field by field and
/// every bad field reported at once (a `Decodable` struct stops at the first).
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Deepest nesting of arrays and objects accepted; deeper documents are refused while
    /// parsing, so the parser's recursion is bounded and no input can exhaust a thread's stack.
    public static let maxDepth = 64

    /// Parses `bytes` as exactly one RFC 8259 JSON text in UTF-8; nil when they are anything else,
    /// nest deeper than `maxDepth`, or repeat a name within one object.
    ///
    /// An integer literal (no fraction, no exponent) that fits `Int64` is `.integer`; every other
    /// number is `.number`, so `1.0` and `1e2` are not integers.
    public static func parse(_ bytes: [UInt8]) -> JSONValue? {
        bytes.withUnsafeBufferPointer { buffer in
            var parser = Parser(bytes: buffer)
            return try? parser.parseText()
        }
    }
}

/// A single-pass recursive-descent parser over one buffer: it allows exactly what RFC 8259's
/// grammar allows, and its recursion is at most `JSONValue.maxDepth` calls deep.
private struct Parser {
    /// Why a document was refused does not matter to callers; `parse` answers nil.
    struct Refusal: Error {}

    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    /// The elements and members of the arrays and objects being parsed, innermost last. Each
    /// container takes its own off the end when it closes, so its array or dictionary is
    /// allocated once at its final size: growing a dictionary one member at a time rehashes
    /// every name at each doubling, which took about a fifth of the time for a registration body.
    /// Sizes stay proportional to the input, so many small objects cannot claim much memory.
    var pendingElements: [JSONValue] = []
    var pendingMembers: [(name: String, value: JSONValue)] = []

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        pendingMembers.reserveCapacity(16)
    }

    /// The byte at `index`, or 0 past the end: 0 is a control character, which is never valid
    /// where a byte is looked at, so the end needs no separate check.
    var current: UInt8 { index < bytes.count ? bytes[index] : 0 }

    /// RFC 8259 §2: `JSON-text = ws value ws`.
    mutating func parseText() throws(Refusal) -> JSONValue {
        skipWhitespace()
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard index == bytes.count else { throw Refusal() }
        return value
    }

    /// The value at `index`, with `depth` arrays and objects around it.
    mutating func parseValue(depth: Int) throws(Refusal) -> JSONValue {
        switch current {
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "t"):
            try consume("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try consume("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try consume("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw Refusal()
        }
    }

    /// RFC 8259 §2: space, horizontal tab, line feed and carriage return; nothing else.
    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): index += 1
            default: return
            }
        }
    }

    mutating func consume(_ literal: StaticString) throws(Refusal) {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw Refusal() }
        for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] {
            throw Refusal()
        }
        index += count
    }

    // MARK: - Arrays and objects

    /// RFC 8259 §5; a `,` must be followed by a value, so `[1,]` is refused.
    mutating func parseArray(depth: Int) throws(Refusal) -> JSONValue {
        guard depth <= JSONValue.maxDepth else { throw Refusal() }
        index += 1
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            index += 1
            return .array([])
        }
        let first = pendingElements.count
        while true {
            let element = try parseValue(depth: depth)
            pendingElements.append(element)
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
            case UInt8(ascii: "]"):
                index += 1
                let elements = Array(pendingElements[first...])
                pendingElements.removeLast(pendingElements.count - first)
                return .array(elements)
            default: throw Refusal()
            }
        }
    }

    /// RFC 8259 §4; a `,` must be followed by a member, so `{"a":1,}` is refused.
    mutating func parseObject(depth: Int) throws(Refusal) -> JSONValue {
        guard depth <= JSONValue.maxDepth else { throw Refusal() }
        index += 1
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            index += 1
            return .object([:])
        }
        let first = pendingMembers.count
        while true {
            guard current == UInt8(ascii: "\"") else { throw Refusal() }
            let name = try parseString()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw Refusal() }
            index += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            pendingMembers.append((name, value))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
            case UInt8(ascii: "}"):
                index += 1
                var members = [String: JSONValue](minimumCapacity: pendingMembers.count - first)
                for (name, value) in pendingMembers[first...] {
                    // RFC 8259 §4: names SHOULD be unique, and parsers disagree on a repeat (some
                    // keep the first value, most the last), so a proxy and this server could read
                    // different documents: refuse it. Names compare unescaped, as Swift strings,
                    // so canonically equivalent spellings ("é", "e\u0301") are one name, as they
                    // are one key.
                    guard members.updateValue(value, forKey: name) == nil else { throw Refusal() }
                }
                pendingMembers.removeLast(pendingMembers.count - first)
                return .object(members)
            default: throw Refusal()
            }
        }
    }

    // MARK: - Strings

    /// RFC 8259 §7 and §8.1: the string at `index` (its opening quote), which must be UTF-8.
    mutating func parseString() throws(Refusal) -> String {
        index += 1
        let start = index
        var isASCII = true
        while true {
            let byte = current
            if byte == UInt8(ascii: "\"") {
                let run = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                if isASCII { return String(decoding: run, as: UTF8.self) }
                guard let string = String(validating: run, as: UTF8.self) else { throw Refusal() }
                return string
            }
            if byte == UInt8(ascii: "\\") { return try parseEscapedString(from: start) }
            // Control characters must be escaped; 0 is also the end of the input.
            guard byte >= 0x20 else { throw Refusal() }
            if byte >= 0x80 { isASCII = false }
            index += 1
        }
    }

    /// The rest of a string that has escapes, from `start` (after its opening quote) with
    /// `index` at its first backslash. The bytes are collected and validated once at the end:
    /// every escape appends a whole, well-formed scalar, so invalid UTF-8 around one stays invalid.
    mutating func parseEscapedString(from start: Int) throws(Refusal) -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(index - start + 16)
        utf8.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while true {
            let byte = current
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                guard let string = String(validating: utf8, as: UTF8.self) else { throw Refusal() }
                return string
            case UInt8(ascii: "\\"):
                index += 1
                try appendEscape(to: &utf8)
            case 0..<0x20:
                throw Refusal()
            default:
                utf8.append(byte)
                index += 1
            }
        }
    }

    /// Appends the character of the escape at `index` (after its backslash).
    mutating func appendEscape(to utf8: inout [UInt8]) throws(Refusal) {
        let byte = current
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(byte)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            var value = try parseHexQuad()
            switch value {
            case 0xD800...0xDBFF:
                // RFC 8259 §7: a character outside the BMP is a surrogate pair. A high surrogate
                // without its low one is refused, as JSONDecoder refused it.
                guard current == UInt8(ascii: "\\") else { throw Refusal() }
                index += 1
                guard current == UInt8(ascii: "u") else { throw Refusal() }
                index += 1
                let low = try parseHexQuad()
                guard (0xDC00...0xDFFF).contains(low) else { throw Refusal() }
                value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
            case 0xDC00...0xDFFF:
                throw Refusal()
            default:
                break
            }
            guard let scalar = Unicode.Scalar(value) else { throw Refusal() }
            UTF8.encode(scalar) { utf8.append($0) }
        default:
            throw Refusal()
        }
    }

    /// The four hex digits of a `\u` escape.
    mutating func parseHexQuad() throws(Refusal) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = current
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Refusal()
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    // MARK: - Numbers

    /// RFC 8259 §6: `[ minus ] int [ frac ] [ exp ]`, where `int` is `0` or has no leading
    /// zero, and `frac` and `exp` have at least one digit.
    mutating func parseNumber() throws(Refusal) -> JSONValue {
        let start = index
        let isNegative = current == UInt8(ascii: "-")
        if isNegative { index += 1 }
        // Accumulated below zero, so Int64.min fits.
        var negated: Int64 = 0
        var fitsInt64 = true
        switch current {
        case UInt8(ascii: "0"):
            index += 1
        case UInt8(ascii: "1")...UInt8(ascii: "9"):
            while case UInt8(ascii: "0")...UInt8(ascii: "9") = current {
                if fitsInt64 {
                    let (times10, overflow) = negated.multipliedReportingOverflow(by: 10)
                    let (next, underflow) = times10.subtractingReportingOverflow(Int64(current - UInt8(ascii: "0")))
                    if overflow || underflow { fitsInt64 = false } else { negated = next }
                }
                index += 1
            }
        default:
            throw Refusal()
        }
        var isInteger = true
        if current == UInt8(ascii: ".") {
            index += 1
            try skipDigits()
            isInteger = false
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            try skipDigits()
            isInteger = false
        }
        if isInteger && fitsInt64 {
            if isNegative { return .integer(negated) }
            if negated != .min { return .integer(-negated) }
        }
        // The slice matched the grammar above, which Double(String) reads exactly.
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw Refusal() }
        return .number(value)
    }

    /// One or more digits.
    mutating func skipDigits() throws(Refusal) {
        guard case UInt8(ascii: "0")...UInt8(ascii: "9") = current else { throw Refusal() }
        repeat { index += 1 } while (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(current)
    }
}
