@testable import HTTPServer
import Testing

// Unit tests for `QueryParameters` (application/x-www-form-urlencoded) and `PercentDecoding`
// (RFC 3986 §2.1).

@Suite("QueryParameters")
struct QueryParametersTests {
    @Test("parses name-value pairs in order")
    func parsesPairs() throws {
        let query = try QueryParameters(parsing: "page=2&status=active&page=3")
        #expect(query.items.map(\.name) == ["page", "status", "page"])
        #expect(query.items.map(\.value) == ["2", "active", "3"])
        #expect(query["page"] == "2")
        #expect(query.values("page") == ["2", "3"])
        #expect(query["status"] == "active")
        #expect(query["missing"] == nil)
        #expect(query.values("missing").isEmpty)
    }

    @Test("compares names exactly")
    func namesAreCaseSensitive() throws {
        let query = try QueryParameters(parsing: "Page=1")
        #expect(query["page"] == nil)
        #expect(query["Page"] == "1")
    }

    @Test("decodes names and values", arguments: [
        ("q=a+b", "q", "a b"),
        ("q=a%20b", "q", "a b"),
        ("q=a%2Bb", "q", "a+b"),
        ("q=%26%3D%25", "q", "&=%"),
        ("q=%e2%9c%93", "q", "\u{2713}"),
        ("full+name=Siti+Aminah", "full name", "Siti Aminah"),
        ("a%5B%5D=1", "a[]", "1"),
        ("q=a=b", "q", "a=b"),
        ("q==", "q", "="),
        ("q=%00", "q", "\u{0}"),
    ])
    func decodes(query: String, name: String, value: String) throws {
        let parameters = try QueryParameters(parsing: query)
        #expect(parameters.items.count == 1)
        #expect(parameters[name] == value)
    }

    @Test("reads a name without = as an empty value, and an empty name as a name", arguments: [
        ("flag", "flag", ""), ("flag=", "flag", ""), ("=v", "", "v"),
    ])
    func emptyParts(query: String, name: String, value: String) throws {
        let parameters = try QueryParameters(parsing: query)
        #expect(parameters.items.count == 1)
        #expect(parameters.items.first?.name == name)
        #expect(parameters.items.first?.value == value)
    }

    @Test("skips empty pairs", arguments: ["", "&", "&&", "&a=1", "a=1&", "&&a=1&&"])
    func skipsEmptyPairs(_ query: String) throws {
        let parameters = try QueryParameters(parsing: query)
        #expect(parameters.items.count == (query.contains("a=1") ? 1 : 0))
    }

    @Test("does not split on ;")
    func semicolonIsNotASeparator() throws {
        let parameters = try QueryParameters(parsing: "a=1;b=2")
        #expect(parameters["a"] == "1;b=2")
    }

    @Test("rejects an invalid escape or invalid UTF-8", arguments: [
        "q=%", "q=%4", "q=%zz", "q=%G1", "q=%4g", "q=a%", "%=1", "q=%FF", "q=%C3", "q=%C3%28", "q=%ED%A0%80", "q=%C0%AF",
    ])
    func rejectsInvalid(_ query: String) throws {
        let error = #expect(throws: RequestError.invalidQuery) { try QueryParameters(parsing: query) }
        #expect(error?.problem.status == 400)
    }

    @Test("compares by items")
    func equality() throws {
        #expect(try QueryParameters(parsing: "a=1&b=2") == QueryParameters(items: [("a", "1"), ("b", "2")]))
        #expect(try QueryParameters(parsing: "a=1&b=2") != QueryParameters(parsing: "b=2&a=1"))
        #expect(try QueryParameters(parsing: "a=1") != QueryParameters(parsing: "a=1&a=1"))
    }

    @Test("are empty for a request without a query")
    func requestWithoutQuery() throws {
        #expect(try Request(method: .get, path: "/").queryParameters().items.isEmpty)
        #expect(try Request(method: .get, path: "/", query: "").queryParameters().items.isEmpty)
        #expect(try Request(method: .get, path: "/", query: "x=%41").queryParameters()["x"] == "A")
        #expect(throws: RequestError.invalidQuery) { try Request(method: .get, path: "/", query: "x=%").queryParameters() }
    }
}

@Suite("PercentDecoding")
struct PercentDecodingTests {
    @Test("decodes escapes", arguments: [
        ("", ""), ("plain", "plain"), ("a%20b", "a b"), ("%41%42%43", "ABC"), ("%7e%7E", "~~"), ("%2F", "/"),
        ("%25", "%"), ("%2541", "%41"), ("caf%C3%A9", "caf\u{E9}"), ("%F0%9F%98%80", "\u{1F600}"), ("a+b", "a+b"),
    ])
    func decodes(_ text: String, expected: String) {
        #expect(PercentDecoding.decode(Substring(text)) == expected)
    }

    @Test("reads + as a space only when asked")
    func plusAsSpace() {
        #expect(PercentDecoding.decode("a+b", plusAsSpace: true) == "a b")
        #expect(PercentDecoding.decode("a+b", plusAsSpace: false) == "a+b")
        #expect(PercentDecoding.decode("a%2B+", plusAsSpace: true) == "a+ ")
    }

    @Test("rejects truncated and non-hex escapes", arguments: ["%", "%4", "a%", "a%4", "%%41", "%g0", "%0g", "% 1", "%-1", "%+1"])
    func rejectsBadEscapes(_ text: String) {
        #expect(PercentDecoding.decode(Substring(text)) == nil)
    }

    @Test("rejects invalid UTF-8", arguments: ["%FF", "%80", "%C3", "%C3%28", "%E2%9C", "%ED%A0%80", "%C0%AF", "%F8%88%80%80%80"])
    func rejectsInvalidUTF8(_ text: String) {
        #expect(PercentDecoding.decode(Substring(text)) == nil)
    }

    @Test("decodes a substring of a larger string")
    func decodesSubstring() {
        let path = "/v1/members/a%20b"
        let segment = path.split(separator: "/").last!
        #expect(PercentDecoding.decode(segment) == "a b")
    }
}
