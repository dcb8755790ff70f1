import Foundation
import HTTPServer
@testable import Sinergi
import Testing

/// `JSONValue.parse`: strict RFC 8259 over bytes, checked against tables of documents and
/// against the JSONDecoder-based parser it replaced.
@Suite struct JSONValueTests {
    static func parse(_ json: String) -> JSONValue? {
        JSONValue.parse(Array(json.utf8))
    }

    // MARK: - Accepted

    @Test("scalars, at Int64's bounds and beyond", arguments: [
        ("null", JSONValue.null),
        ("true", .bool(true)),
        ("false", .bool(false)),
        ("0", .integer(0)),
        ("-0", .integer(0)),
        ("7", .integer(7)),
        ("-7", .integer(-7)),
        ("9223372036854775807", .integer(.max)),
        ("-9223372036854775808", .integer(.min)),
        ("9223372036854775808", .number(9_223_372_036_854_775_808)),
        ("-9223372036854775809", .number(-0x1p63)),  // the nearest Double is -2^63
        ("18446744073709551616", .number(18_446_744_073_709_551_616)),
        ("123456789012345678901234567890", .number(1.2345678901234568e29)),
        ("1.5", .number(1.5)),
        ("-0.25", .number(-0.25)),
        ("0.1", .number(0.1)),
        ("2.5e-1", .number(0.25)),
        ("1E+2", .number(100)),
        ("1e2", .number(100)),
        ("1.0", .number(1)),
        ("-0.0", .number(0)),
        ("1.5e300", .number(1.5e300)),
        ("1e-400", .number(0)),
        ("1.7976931348623157e308", .number(.greatestFiniteMagnitude)),
    ])
    func scalars(_ json: String, _ expected: JSONValue) {
        #expect(Self.parse(json) == expected)
    }

    @Test("an integer literal is .integer, any fraction or exponent .number, even when whole")
    func integerOnlyWithoutFractionOrExponent() throws {
        // JSONDecoder decoded 1.0, 1e2 and 100e-2 as Int64, so JSONInput.integer took them.
        for json in ["1.0", "1e2", "1E0", "100e-2", "-0.0", "1e-400"] {
            let value = try #require(Self.parse(json), "\(json)")
            guard case .number = value else {
                Issue.record("\(json) is \(value)")
                continue
            }
        }
    }

    @Test("so JSONInput.integer takes 3 but not 3.0 or 3e0")
    func wholeFractionIsNotAnInteger() throws {
        let value = try #require(Self.parse(#"{"a": 3, "b": 3.0, "c": 3e0}"#))
        guard case .object(let object) = value else {
            Issue.record("\(value)")
            return
        }
        var input = JSONInput(object: object, prefix: "")
        #expect(input.integer("a", in: 1...3) == 3)
        #expect(input.integer("b", in: 1...3) == nil)
        #expect(input.integer("c", in: 1...3) == nil)
        #expect(input.errors.map { "\($0.field): \($0.code)" } == ["b: invalid_type", "c: invalid_type"])
    }

    @Test("strings: escapes, \\u escapes, surrogate pairs and raw UTF-8", arguments: [
        (#""""#, ""),
        (#""abc""#, "abc"),
        (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{8}\u{C}\n\r\t"),
        (#""\u0041\u00e9\u00E9\u20ac""#, "Aéé€"),
        (#""\u0000\u001f""#, "\u{0}\u{1F}"),
        (#""\uD83D\uDE00""#, "😀"),
        (#""\ud83d\ude00x\uDBFF\uDFFF""#, "😀x\u{10FFFF}"),
        (#""\uFFFF\uFEFF""#, "\u{FFFF}\u{FEFF}"),
        (#""éèê 中文 😀""#, "éèê 中文 😀"),
        (#""é\n中""#, "é\n中"),
        ("\"\u{7F}\"", "\u{7F}"),
        ("\"e\u{301}\"", "e\u{301}"),
        (#""[{,:}]""#, "[{,:}]"),
    ])
    func strings(_ json: String, _ expected: String) throws {
        let value = try #require(Self.parse(json))
        guard case .string(let string) = value else {
            Issue.record("\(json) is \(value)")
            return
        }
        #expect(string == expected)
        #expect(Array(string.unicodeScalars) == Array(expected.unicodeScalars))
    }

    @Test("containers, and the four whitespace characters between every token", arguments: [
        ("[]", JSONValue.array([])),
        ("{}", .object([:])),
        ("[ ]", .array([])),
        ("{ }", .object([:])),
        (#"[1,"a",null,[],{}]"#, .array([.integer(1), .string("a"), .null, .array([]), .object([:])])),
        (#"{"a":{"b":[true]},"A":false}"#, .object(["a": .object(["b": .array([.bool(true)])]), "A": .bool(false)])),
        (" \t\n\r[ \t\n\r1 \t\n\r, \t\n\r{ \t\n\r\"a\" \t\n\r: \t\n\rnull \t\n\r} \t\n\r] \t\n\r",
         .array([.integer(1), .object(["a": .null])])),
        (#"{"a":{"x":1},"b":{"x":2}}"#, .object(["a": .object(["x": .integer(1)]), "b": .object(["x": .integer(2)])])),
        (#"{"\"":1,"\\":2,"a\"b":3}"#, .object(["\"": .integer(1), "\\": .integer(2), "a\"b": .integer(3)])),
    ])
    func containers(_ json: String, _ expected: JSONValue) {
        #expect(Self.parse(json) == expected)
    }

    @Test("a member registration body")
    func registrationBody() {
        #expect(Self.parse(Self.registration) == .object([
            "nik": .string("5201011001900001"), "full_name": .string("Agus Santoso"), "birth_date": .string("1990-01-10"),
            "sex": .string("M"), "family_card_no": .string("5201011001900001"), "relationship": .string("head"),
            "segment": .string("PBPU"), "class": .integer(2), "region_code": .string("5203"), "phone": .string("081200000001"),
        ]))
    }

    static let registration = """
        {"nik":"5201011001900001","full_name":"Agus Santoso","birth_date":"1990-01-10","sex":"M",\
        "family_card_no":"5201011001900001","relationship":"head","segment":"PBPU","class":2,\
        "region_code":"5203","phone":"081200000001"}
        """

    // MARK: - Refused

    @Test("not exactly one JSON value", arguments: [
        "", " ", "\t\r\n", "1 2", "{}{}", "[1] [2]", "[1]x", "{} x", "nul", "nulll", "tru", "truex", "True", "NULL",
        "[", "]", "{", "}", "[1", #"{"a":1"#, "[1 2]", #"{"a":1 "b":2}"#, #"{"a" 1}"#, #"{"a":}"#, "{a:1}", "{1:1}",
        "{'a':1}", "'a'", "[1;2]", "//\n1", "/* */1", "{null:1}",
    ])
    func notOneValue(_ json: String) {
        #expect(Self.parse(json) == nil)
    }

    @Test("whitespace other than space, tab, LF and CR, and a byte order mark", arguments: [
        "\u{0C}1", "1\u{0C}", "\u{0B}1", "\u{A0}1", "[1,\u{A0}2]", "\u{2028}1", "\u{FEFF}1", "\u{FEFF}{}", "\u{FEFF}",
    ])
    func otherWhitespace(_ json: String) {
        #expect(Self.parse(json) == nil)
    }

    @Test("trailing and missing commas", arguments: [
        "[1,]", "[1 , ]", "[,1]", "[1,,2]", "[,]", "{,}", #"{"a":1,}"#, #"{"a":1 , }"#, #"{,"a":1}"#,
        #"{"a":1,,"b":2}"#, #"{"a":[1,]}"#, #"{"a":{"b":1,}}"#,
    ])
    func commas(_ json: String) {
        #expect(Self.parse(json) == nil)
    }

    @Test("a name repeated in one object, compared after unescaping", arguments: [
        #"{"a":1,"a":2}"#, #"{"a":1,"a":1}"#, #"{"a":1,"\u0061":2}"#, #"{"\/":1,"/":2}"#, #"{"😀":1,"\uD83D\uDE00":2}"#,
        #"{"o":{"k":1,"j":2,"k":3}}"#, #"[{"x":1,"x":null}]"#,
        // Canonically equivalent names are one key of a [String: JSONValue]; JSONDecoder's
        // pre-scan refused them too.
        #"{"é":1,"e\u0301":2}"#,
    ])
    func repeatedNames(_ json: String) {
        #expect(Self.parse(json) == nil)
    }

    @Test("numbers outside RFC 8259's grammar, or too big for a Double", arguments: [
        "01", "-01", "00", "-00", "+1", ".5", "-.5", "1.", "1.e2", "-", "--1", "- 1", "0x1", "0X1", "1_000",
        "NaN", "nan", "Infinity", "-Infinity", "inf", "1e", "1e+", "1E-", "1e+-1", "1ee2", "1.2.3", "0.", "1 .5",
        "1e400", "-1e400", "1.8e308", "[01]", #"{"a":-}"#,
    ])
    func badNumbers(_ json: String) {
        #expect(Self.parse(json) == nil)
    }

    @Test("strings with bad escapes, lone surrogates or unescaped control characters", arguments: [
        #""abc"#, #"""#, #""\""#, #""\x""#, #""\'""#, #""\U0041""#, #""\u12""#, #""\u12G4""#, #""\u""#, #""\ u0041""#,
        #""\uD800""#, #""\uDBFF""#, #""\uDC00""#, #""\uDFFF""#, #""\uD83Dx""#, #""\uD83D\u0041""#, #""\uD83D\uD83D""#,
        #""\uDE00\uD83D""#, #""\uD83D\""#, #""\uD83D\n""#,
        "\"\t\"", "\"a\nb\"", "\"\r\"", "\"\u{0}\"", "\"\u{1F}\"", "\"\u{1}\\n\"",
    ])
    func badStrings(_ json: String) {
        #expect(Self.parse(json) == nil)
    }

    @Test("invalid UTF-8, in a value, a name, an escaped string or outside strings", arguments: [
        [0x22, 0xFF, 0x22], [0x22, 0xFE, 0x22], [0x22, 0x80, 0x22], [0x22, 0xC3, 0x22], [0x22, 0x61, 0xC3, 0x22],
        [0x22, 0xC0, 0x80, 0x22], [0x22, 0xC1, 0xBF, 0x22], [0x22, 0xE0, 0x80, 0x80, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22],
        [0x22, 0xF0, 0x80, 0x80, 0x80, 0x22], [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22],
        [0x22, 0xE2, 0x82, 0x22],
        Array(#"{""#.utf8) + [0xFF] + Array(#"":1}"#.utf8),
        Array(#"["\n"#.utf8) + [0xFF] + Array(#""]"#.utf8),
        // A truncated sequence before an escape, and a stray continuation byte after one.
        [0x22, 0xC3] + Array(#"\u00A9""#.utf8),
        Array(#""\u00e9"#.utf8) + [0xA9, 0x22],
        [0xFF], [0xC3, 0xA9], Array("[1,".utf8) + [0xC2, 0xA0] + Array("2]".utf8),
        // UTF-16 and UTF-32, which JSONDecoder detected and transcoded; RFC 8259 §8.1 asks for UTF-8.
        [0x31, 0x00], [0x00, 0x31], [0xFE, 0xFF, 0x00, 0x31], [0x7B, 0x00, 0x7D, 0x00], [0x31, 0x00, 0x00, 0x00],
        [0x20, 0x00], [0x00],
    ] as [[UInt8]])
    func invalidUTF8(_ bytes: [UInt8]) {
        #expect(JSONValue.parse(bytes) == nil)
    }

    @Test("every proper prefix of a document is refused")
    func prefixes() {
        let bytes = Array(Self.registration.utf8)
        for count in 0..<bytes.count {
            #expect(JSONValue.parse(Array(bytes[..<count])) == nil, "\(count)")
        }
        #expect(JSONValue.parse(bytes) != nil)
    }

    // MARK: - Depth

    @Test("64 levels of arrays, objects or both are accepted, 65 refused")
    func depth() {
        func arrays(_ depth: Int) -> String { String(repeating: "[", count: depth) + String(repeating: "]", count: depth) }
        func objects(_ depth: Int) -> String { String(repeating: #"{"k":"#, count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1) }
        func mixed(_ depth: Int) -> String {
            (0..<depth).map { $0 % 2 == 0 ? "[" : #"{"k":"# }.joined() + "0" + (0..<depth).reversed().map { $0 % 2 == 0 ? "]" : "}" }.joined()
        }
        for make in [arrays, objects, mixed] {
            #expect(Self.parse(make(64)) != nil)
            #expect(Self.parse(make(65)) == nil)
        }
        // Depth counts nesting, not containers: many shallow ones are fine, and a deep one
        // later in a document is still seen.
        #expect(Self.parse("[" + Array(repeating: arrays(63), count: 1000).joined(separator: ",") + "]") != nil)
        #expect(Self.parse("[[],{}," + arrays(64) + "]") == nil)
        #expect(Self.parse(#"{"a":1,"b":"# + arrays(64) + "}") == nil)
    }

    @Test("a megabyte of open brackets is refused at once, without exhausting the stack", arguments: [
        ("[", ""), ("{", ""), (#"{"a":"#, ""), ("[", "]"), (#"[{"a":"#, "}]"),
    ])
    func megabyteOfBrackets(_ open: String, _ close: String) {
        let count = (1 << 20) / open.utf8.count
        let bytes = Array((String(repeating: open, count: count) + String(repeating: close, count: count)).utf8)
        let clock = ContinuousClock()
        let elapsed = clock.measure { #expect(JSONValue.parse(bytes) == nil) }
        #expect(elapsed < .milliseconds(500))
    }

    // MARK: - Against the old parser

    @Test("200 generated documents parse to what the JSONDecoder-based parser produced, and to what was generated")
    func matchesOldParser() throws {
        var generator = DocumentGenerator(seed: 0x5EED_2024)
        for number in 0..<200 {
            let (text, expected) = generator.document()
            let bytes = Array(text.utf8)
            let new = JSONValue.parse(bytes)
            let old = JSONDecoderOracle.parse(bytes)
            #expect(new != nil, "document \(number): \(text)")
            #expect(new == old, "document \(number): \(text)")
            #expect(new == expected, "document \(number): \(text)")
        }
    }

    @Test("mutations of generated documents are refused or accepted as the old parser did, but for whole fractions")
    func mutationsMatchOldParser() {
        var generator = DocumentGenerator(seed: 0xBAD_5EED)
        // NUL is left out: JSONDecoder read a NUL byte as a sign of UTF-16 or UTF-32.
        let insertable = Array(#"{}[],:"\/ 0123456789-+.eEtrufalsn"#.utf8) + [0x09, 0x0A, 0x01, 0x7F, 0x80, 0xC3, 0xFF]
        var accepted = 0
        for number in 0..<200 {
            let original = Array(generator.document().text.utf8)
            for _ in 0..<10 {
                var bytes = original
                let position = Int.random(in: 0..<bytes.count, using: &generator.random)
                switch Int.random(in: 0..<3, using: &generator.random) {
                case 0: bytes.remove(at: position)
                case 1: bytes.insert(insertable.randomElement(using: &generator.random)!, at: position)
                default: bytes[position] = insertable.randomElement(using: &generator.random)!
                }
                let new = JSONValue.parse(bytes)
                let old = JSONDecoderOracle.parse(bytes)
                if new != nil { accepted += 1 }
                #expect(new.map(Self.wholeNumbersAsIntegers) == old.map(Self.wholeNumbersAsIntegers),
                        "document \(number): \(String(decoding: bytes, as: UTF8.self))")
            }
        }
        // Enough mutants stay valid for the comparison to mean something either way.
        #expect(accepted > 100)
    }

    /// `.number`s that are whole and fit Int64 as `.integer`s, as JSONDecoder read them.
    static func wholeNumbersAsIntegers(_ value: JSONValue) -> JSONValue {
        switch value {
        case .number(let number): Int64(exactly: number).map(JSONValue.integer) ?? value
        case .array(let elements): .array(elements.map(wholeNumbersAsIntegers))
        case .object(let members): .object(members.mapValues(wholeNumbersAsIntegers))
        default: value
        }
    }
}

// MARK: - The old parser, as the oracle

/// The parser `JSONValue.parse` replaced: Foundation's JSONDecoder into a `Decodable` enum,
/// behind a pre-scan for depth and one for trailing commas and repeated names.
enum JSONDecoderOracle {
    static func parse(_ bytes: [UInt8]) -> JSONValue? {
        guard JSONValue.nestingDepth(of: bytes) <= JSONValue.maxDepth, !hasTrailingCommaOrRepeatedName(bytes) else { return nil }
        return (try? JSONDecoder().decode(Decoded.self, from: Data(bytes)))?.value
    }

    /// What `JSONValue: Decodable` did.
    struct Decoded: Decodable {
        let value: JSONValue

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                value = .null
            } else if let value = try? container.decode(Bool.self) {
                self.value = .bool(value)
            } else if let value = try? container.decode(Int64.self) {
                self.value = .integer(value)
            } else if let value = try? container.decode(Double.self) {
                self.value = .number(value)
            } else if let value = try? container.decode(String.self) {
                self.value = .string(value)
            } else if let value = try? container.decode([Decoded].self) {
                self.value = .array(value.map(\.value))
            } else {
                value = .object(try container.decode([String: Decoded].self).mapValues(\.value))
            }
        }
    }

    /// Whether a `,` comes right before `]` or `}`, or an object repeats a name.
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
}

extension JSONValue {
    /// The deepest nesting of `[` and `{` outside strings: the old parser's depth pre-scan, which
    /// the oracle and JSONInputTests use (`parse` now checks depth as it goes).
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

// MARK: - Generated documents

/// SplitMix64: small, seeded, the same sequence on every platform.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Valid JSON texts with the value each must parse to: random whitespace, escapes of every
/// kind, raw UTF-8, integers at and past Int64's bounds, fractions, and now and then nesting
/// to the limit. Numbers with a fraction or exponent are never whole within Int64, where the
/// old parser read them as integers.
struct DocumentGenerator {
    var random: SplitMix64

    init(seed: UInt64) {
        random = SplitMix64(state: seed)
    }

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }

    mutating func document() -> (text: String, value: JSONValue) {
        let limit = chance(10) ? JSONValue.maxDepth : Int.random(in: 0...4, using: &random)
        let (text, value) = self.value(depth: 0, limit: limit)
        return (whitespace() + text + whitespace(), value)
    }

    mutating func whitespace() -> String {
        guard chance(30) else { return "" }
        return String((0..<Int.random(in: 1...3, using: &random)).map { _ in " \t\n\r".randomElement(using: &random)! })
    }

    mutating func value(depth: Int, limit: Int) -> (String, JSONValue) {
        // Past a few levels, go straight down to the limit, one container per level.
        let deep = depth >= 4
        if depth < limit && (deep || chance(40)) {
            let width = deep ? 1 : Int.random(in: 0...4, using: &random)
            let inner = (0..<width).map { index in
                value(depth: depth + 1, limit: deep && index > 0 ? depth + 1 : limit)
            }
            if chance(50) {
                let text = "[" + whitespace() + inner.map { $0.0 + whitespace() }.joined(separator: "," + whitespace()) + "]"
                return (text, .array(inner.map(\.1)))
            }
            var names: Set<String> = []
            var members: [String: JSONValue] = [:]
            var parts: [String] = []
            for (text, value) in inner {
                var name = string()
                while names.contains(name.1) { name = string() }
                names.insert(name.1)
                members[name.1] = value
                parts.append(name.0 + whitespace() + ":" + whitespace() + text + whitespace())
            }
            return ("{" + whitespace() + parts.joined(separator: "," + whitespace()) + "}", .object(members))
        }
        switch Int.random(in: 0..<10, using: &random) {
        case 0: return ("null", .null)
        case 1: return chance(50) ? ("true", .bool(true)) : ("false", .bool(false))
        case 2, 3: return integer()
        case 4, 5: return fraction()
        default:
            let (text, string) = string()
            return (text, .string(string))
        }
    }

    mutating func integer() -> (String, JSONValue) {
        switch Int.random(in: 0..<6, using: &random) {
        case 0: return ("-0", .integer(0))
        case 1:
            let value = [Int64.max, .min, 0, 1, -1].randomElement(using: &random)!
            return (String(value), .integer(value))
        case 2:
            let value = Int64(bitPattern: random.next())
            return (String(value), .integer(value))
        case 3:
            // Past Int64, up to 25 digits.
            var text = chance(50) ? "-" : ""
            text += String(Int.random(in: 1...9, using: &random))
            text += String((0..<Int.random(in: 18...24, using: &random)).map { _ in "0123456789".randomElement(using: &random)! })
            if text.count <= 19, Int64(text) != nil { text += "0" }
            return (text, .number(Double(text)!))
        default:
            let value = Int64.random(in: -100_000...100_000, using: &random)
            return (String(value), .integer(value))
        }
    }

    mutating func fraction() -> (String, JSONValue) {
        let sign = chance(30) ? "-" : ""
        let integral = String(Int.random(in: 0...999_999, using: &random))
        var digits = String((0..<Int.random(in: 0...7, using: &random)).map { _ in "0123456789".randomElement(using: &random)! })
        digits += String("123456789".randomElement(using: &random)!)
        var text = sign + integral + "." + digits
        switch Int.random(in: 0..<4, using: &random) {
        case 0:
            // A negative exponent keeps a non-whole number non-whole.
            text += ["e", "E"].randomElement(using: &random)! + "-" + String(Int.random(in: 0...40, using: &random))
        case 1 where integral != "0":
            // Past Int64, where a whole number is still a .number.
            text += ["e", "E"].randomElement(using: &random)! + ["+", ""].randomElement(using: &random)! + String(Int.random(in: 19...300, using: &random))
        default:
            break
        }
        return (text, .number(Double(text)!))
    }

    /// A quoted string and its value.
    mutating func string() -> (String, String) {
        var text = "\""
        var value = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...12, using: &random) {
            switch Int.random(in: 0..<10, using: &random) {
            case 0:
                let (escape, scalar) = [("\\\"", "\""), ("\\\\", "\\"), ("\\/", "/"), ("\\b", "\u{8}"), ("\\f", "\u{C}"),
                                        ("\\n", "\n"), ("\\r", "\r"), ("\\t", "\t")].randomElement(using: &random)!
                text += escape
                value.append(contentsOf: scalar.unicodeScalars)
            case 1:
                // A \u escape of any scalar in the BMP, control characters included.
                var code: UInt32
                repeat { code = UInt32.random(in: 0...0xFFFF, using: &random) } while (0xD800...0xDFFF).contains(code)
                text += "\\u" + hex(code)
                value.append(Unicode.Scalar(code)!)
            case 2:
                // A surrogate pair.
                let code = UInt32.random(in: 0x10000...0x10FFFF, using: &random)
                let high = 0xD800 + ((code - 0x10000) >> 10)
                let low = 0xDC00 + ((code - 0x10000) & 0x3FF)
                text += "\\u" + hex(high) + "\\u" + hex(low)
                value.append(Unicode.Scalar(code)!)
            case 3, 4:
                // Raw UTF-8 of one to four bytes.
                let range: ClosedRange<UInt32> = [0x80...0x7FF, 0x800...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF].randomElement(using: &random)!
                let scalar = Unicode.Scalar(UInt32.random(in: range, using: &random))!
                text.unicodeScalars.append(scalar)
                value.append(scalar)
            default:
                var byte: UInt8
                repeat { byte = UInt8.random(in: 0x20...0x7E, using: &random) } while byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
                text.unicodeScalars.append(Unicode.Scalar(byte))
                value.append(Unicode.Scalar(byte))
            }
        }
        return (text + "\"", String(value))
    }

    mutating func hex(_ code: UInt32) -> String {
        let digits = String(code, radix: 16, uppercase: chance(50))
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
