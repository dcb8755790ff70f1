import HTTPServer
@testable import Sinergi
import Testing

@Suite struct JSONInputTests {
    static func request(_ json: String) -> Request {
        Request(method: .post, path: "/x", body: Array(json.utf8))
    }

    static func input(_ json: String) throws -> JSONInput {
        try JSONInput(request(json))
    }

    /// `body` wrapped in `depth - 1` arrays inside an object: `depth` levels in all.
    static func object(depth: Int, around body: String = "1") -> String {
        #"{"a":"# + String(repeating: "[", count: depth - 1) + body + String(repeating: "]", count: depth - 1) + "}"
    }

    /// The thrown error must be `.malformedBody`.
    static func expectMalformed(_ json: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let error = #expect(throws: AppError.self, sourceLocation: sourceLocation) { try input(json) }
        guard case .malformedBody(let detail)? = error else {
            Issue.record("expected .malformedBody, got \(String(describing: error))", sourceLocation: sourceLocation)
            return
        }
        #expect(!detail.isEmpty, sourceLocation: sourceLocation)
    }

    /// The `(field, code)` pairs of the `.invalid` that `finish()` throws.
    static func failures(_ input: JSONInput, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        let error = #expect(throws: AppError.self, sourceLocation: sourceLocation) { try input.finish() }
        guard case .invalid(let errors)? = error else {
            Issue.record("expected .invalid, got \(String(describing: error))", sourceLocation: sourceLocation)
            return []
        }
        #expect(errors.allSatisfy { !$0.message.isEmpty }, sourceLocation: sourceLocation)
        return errors.map { "\($0.field): \($0.code)" }
    }

    // MARK: - The body

    @Test("a body that is not JSON, or not an object, is a malformed body", arguments: [
        "", " ", "nope", "{", "{\"a\":}", "{\"a\":1,}", "{'a':1}", "{\"a\":1}}", "{\"a\":1} x", "[1, 2]", "[]",
        "\"text\"", "42", "1.5", "null", "true", "\u{FEFF}", "{\"a\":\"\u{0001}\"}", "{\"a\":01}", "{\"a\":1e400}",
        // Trailing commas, which JSONDecoder alone accepts.
        #"{"a":1,}"#, #"{"a":[1,]}"#, #"{"a":[1 , ] }"#, #"{"a":{"b":"c",}}"#,
        // A name twice in one object: JSONDecoder alone keeps the first value, most parsers the last.
        #"{"a":1,"a":2}"#, #"{"a":1,"a":2}"#, #"{"o":{"k":1,"j":2,"k":3}}"#, #"{"a":[{"x":1,"x":1}]}"#,
    ])
    func malformed(_ json: String) {
        Self.expectMalformed(json)
    }

    @Test("invalid UTF-8 is a malformed body")
    func invalidUTF8() {
        let request = Request(method: .post, path: "/x", body: Array(#"{"a":""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8))
        #expect(throws: AppError.self) { try JSONInput(request) }
    }

    @Test("commas, brackets and repeated names inside strings or in other objects are fine", arguments: [
        #"{"a":{"a":1},"b":[{"a":1},{"a":2}]}"#,
        #"{"a":"a","b":"a"}"#,
        #"{"a,]":"x,]", "b}":"y,}", "c" : [ 1 , 2 ] , "d" : { } }"#,
        #"{"\"":1,"\\":2,"a\"b":3}"#,
    ])
    func wellFormedLookalikes(_ json: String) throws {
        _ = try Self.input(json)
    }

    @Test("an empty object is fine")
    func emptyObject() throws {
        var input = try Self.input(" { } ")
        #expect(input.string("name") == nil)
        try input.finish()
    }

    // MARK: - Depth

    @Test("64 levels of nesting are accepted, 65 refused")
    func depthLimit() throws {
        #expect(JSONValue.maxDepth == 64)
        _ = try Self.input(Self.object(depth: 64))
        Self.expectMalformed(Self.object(depth: 65))

        let arrays64 = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        let arrays65 = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(JSONValue.parse(Array(arrays64.utf8)) != nil)
        #expect(JSONValue.parse(Array(arrays65.utf8)) == nil)

        let objects64 = String(repeating: #"{"k":"#, count: 63) + "{}" + String(repeating: "}", count: 63)
        _ = try Self.input(objects64)
        Self.expectMalformed(#"{"k":"# + objects64 + "}")
    }

    @Test("absurd nesting is refused quickly, without crashing", arguments: [
        String(repeating: "[", count: 100_000),
        String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000),
        String(repeating: #"{"a":"#, count: 100_000),
        "{\"a\":" + String(repeating: "[", count: 100_000) + "}",
        // Depth that goes negative first never reaches the limit by the count, so the parser sees it.
        String(repeating: "]", count: 100_000) + String(repeating: "[", count: 100_064),
    ])
    func absurdNesting(_ json: String) {
        let clock = ContinuousClock()
        let elapsed = clock.measure { Self.expectMalformed(json) }
        #expect(elapsed < .seconds(2))
    }

    @Test("brackets inside strings, escaped quotes included, do not count toward the depth")
    func bracketsInStrings() throws {
        let noise = #""[[[[{{{{ \" [[[[ \\ \"{{{{""#
        let json = Self.object(depth: 64).dropLast() + #", "s": "# + noise + #", "t": "\\", "u": "]]]]}}}}"}"#
        _ = try Self.input(String(json))

        #expect(JSONValue.nestingDepth(of: Array(#""[[[[""#.utf8)) == 0)
        #expect(JSONValue.nestingDepth(of: Array(#"["\"[[", ["]"]]"#.utf8)) == 2)
        #expect(JSONValue.nestingDepth(of: Array(#"{"a": "\\", "b": [[1]]}"#.utf8)) == 3)
    }

    @Test("an escaped backslash ends its string, so brackets after it still count")
    func escapedBackslash() {
        // If `\\"` were read as an escaped quote, the string would never end and the 65 levels
        // after it would go uncounted.
        let json = #"{"t": "\\", "a":"# + String(repeating: "[", count: 64) + String(repeating: "]", count: 64) + "}"
        #expect(JSONValue.nestingDepth(of: Array(json.utf8)) == 65)
        Self.expectMalformed(json)
    }

    // MARK: - JSONValue

    @Test("numbers, booleans and null decode to their own cases", arguments: [
        ("1", JSONValue.integer(1)),
        ("0", .integer(0)),
        ("-7", .integer(-7)),
        ("9223372036854775807", .integer(.max)),
        ("1.5", .number(1.5)),
        ("9223372036854775808", .number(9_223_372_036_854_775_808)),
        ("true", .bool(true)),
        ("false", .bool(false)),
        ("null", .null),
        (#""1""#, .string("1")),
        (#"[1, "a", null]"#, .array([.integer(1), .string("a"), .null])),
        (#"{"a": {"b": []}}"#, .object(["a": .object(["b": .array([])])])),
    ])
    func values(_ json: String, _ expected: JSONValue) {
        #expect(JSONValue.parse(Array(json.utf8)) == expected)
    }

    // MARK: - Field readers

    @Test("every bad field is reported at once, nested ones by their dotted name")
    func collectsEveryError() throws {
        var input = try Self.input("""
            {
              "age": "ten",
              "year": 1800,
              "nik": "12345678901234567",
              "active": 1,
              "address": "Jl. Merdeka",
              "note": null,
              "registered_via": { "organization_id": "abc", "channel": null, "code": 3 }
            }
            """)
        #expect(input.string("full_name", required: true) == nil)
        #expect(input.integer("age", in: 0...150) == nil)
        #expect(input.integer("year", required: true, in: 1900...2100) == nil)
        #expect(input.string("nik", required: true, maxLength: 16) == nil)
        #expect(input.bool("active") == nil)
        #expect(input.object("address") == nil)
        #expect(input.string("note", required: true) == nil)
        #expect(input.object("missing_object", required: true) == nil)
        let registeredVia = input.object("registered_via", required: true)
        let via = try #require(registeredVia)
        var nested = JSONInput(object: via, prefix: "registered_via")
        #expect(nested.integer("organization_id", required: true, in: 1...Int64.max) == nil)
        #expect(nested.string("channel", required: true) == nil)
        #expect(nested.string("code") == nil)
        input.absorb(nested)

        #expect(Self.failures(input) == [
            "full_name: required",
            "age: invalid_type",
            "year: out_of_range",
            "nik: too_long",
            "active: invalid_type",
            "address: invalid_type",
            "note: required",
            "missing_object: required",
            "registered_via.organization_id: invalid_type",
            "registered_via.channel: required",
            "registered_via.code: invalid_type",
        ])
    }

    @Test("good fields are read and finish() passes")
    func readsGoodFields() throws {
        var input = try Self.input("""
            {"full_name": "Siti Aminah", "year": 1990, "active": false, "nik": "3174012345678901",
             "registered_via": {"organization_id": 12}}
            """)
        #expect(input.string("full_name", required: true) == "Siti Aminah")
        #expect(input.integer("year", required: true, in: 1900...2100) == 1990)
        #expect(input.bool("active", required: true) == false)
        #expect(input.string("nik", maxLength: 16) == "3174012345678901")
        #expect(input.string("nickname") == nil)
        let registeredVia = input.object("registered_via")
        let via = try #require(registeredVia)
        var nested = JSONInput(object: via, prefix: "registered_via")
        #expect(nested.integer("organization_id", required: true, in: 1...Int64.max) == 12)
        input.absorb(nested)
        #expect(input.errors.isEmpty)
        try input.finish()
    }

    @Test("integers: 1 is one, 1.5, true and \"1\" are not, null is absent", arguments: [
        ("1", Int64(1), nil),
        ("-3", -3, nil),
        ("1.5", nil, "invalid_type"),
        ("true", nil, "invalid_type"),
        ("false", nil, "invalid_type"),
        (#""1""#, nil, "invalid_type"),
        ("[1]", nil, "invalid_type"),
        ("{}", nil, "invalid_type"),
        ("1e400", nil, "malformed"),
        ("9223372036854775808", nil, "invalid_type"),
        ("101", nil, "out_of_range"),
        ("-4", nil, "out_of_range"),
        ("null", nil, nil),
    ] as [(String, Int64?, String?)])
    func integers(_ json: String, _ value: Int64?, _ code: String?) throws {
        let body = #"{"n": "# + json + "}"
        if code == "malformed" {
            Self.expectMalformed(body)
            return
        }
        var input = try Self.input(body)
        #expect(input.integer("n", in: -3...100) == value)
        #expect(input.errors.map(\.code) == (code.map { [$0] } ?? []))
        #expect(input.errors.map(\.field) == (code == nil ? [] : ["n"]))
    }

    @Test("booleans: only true and false", arguments: [
        ("true", true, nil),
        ("false", false, nil),
        ("1", nil, "invalid_type"),
        ("0", nil, "invalid_type"),
        (#""true""#, nil, "invalid_type"),
        ("null", nil, nil),
    ] as [(String, Bool?, String?)])
    func booleans(_ json: String, _ value: Bool?, _ code: String?) throws {
        var input = try Self.input(#"{"b": "# + json + "}")
        #expect(input.bool("b") == value)
        #expect(input.errors.map(\.code) == (code.map { [$0] } ?? []))
    }

    @Test("strings: length counts characters, null is absent, other types are refused", arguments: [
        (#""abc""#, "abc", nil),
        (#""éèê""#, "éèê", nil),            // 3 characters, 6 bytes
        (#""👩‍👩‍👧x""#, "👩‍👩‍👧x", nil),  // 2 characters
        (#""abcd""#, nil, "too_long"),
        (#""""#, "", nil),
        ("3", nil, "invalid_type"),
        ("true", nil, "invalid_type"),
        ("null", nil, nil),
    ] as [(String, String?, String?)])
    func strings(_ json: String, _ value: String?, _ code: String?) throws {
        var input = try Self.input(#"{"s": "# + json + "}")
        #expect(input.string("s", maxLength: 3) == value)
        #expect(input.errors.map(\.code) == (code.map { [$0] } ?? []))
    }

    @Test("required fields: absent and null are both missing")
    func required() throws {
        var input = try Self.input(#"{"a": null}"#)
        _ = input.string("a", required: true)
        _ = input.integer("b", required: true, in: 0...1)
        _ = input.bool("c", required: true)
        _ = input.object("d", required: true)
        #expect(Self.failures(input) == ["a: required", "b: required", "c: required", "d: required"])
    }

    @Test("fail() records a custom problem, prefixed when nested")
    func customFailure() {
        var input = JSONInput(object: [:], prefix: "shares")
        input.fail("total", code: "invalid_sum", message: "must add up to 10000")
        #expect(input.errors == [FieldError(field: "shares.total", code: "invalid_sum", message: "must add up to 10000")])
        #expect(throws: AppError.invalid(input.errors)) { try input.finish() }
    }
}

