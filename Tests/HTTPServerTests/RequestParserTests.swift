@testable import HTTPServer
import Testing

// Unit tests for `RequestParser`, in the manner of picohttpparser's `test.c` and NIO's
// `HTTPDecoderTests`: every prefix of a valid head needs more, feeding whole or one byte at a
// time gives the same answer, every byte of a name is tried, and each attack has its own test.

@Suite("RequestParser")
struct RequestParserTests {
    // MARK: - Valid heads

    @Test("parses a GET request")
    func parsesGet() throws {
        let text = "GET /v1/members/12?expand=true&x=%20 HTTP/1.1\r\nHost: api.example.com\r\nAccept: */*\r\nX-Empty:\r\n\r\n"
        let (head, consumed) = try #require(try parse(text))
        #expect(consumed == text.utf8.count)
        #expect(head.method == .get)
        #expect(head.target == "/v1/members/12?expand=true&x=%20")
        #expect(head.path == "/v1/members/12")
        #expect(head.query == "expand=true&x=%20")
        #expect(head.minorVersion == 1)
        #expect(Array(head.headers) == [
            .init(name: "Host", value: "api.example.com"),
            .init(name: "Accept", value: "*/*"),
            .init(name: "X-Empty", value: ""),
        ])
        #expect(head.framing == .none)
        #expect(head.isKeepAlive)
        #expect(!head.expectsContinue)
    }

    @Test("every prefix of a valid request needs more", arguments: Sample.valid)
    func everyPrefixNeedsMore(_ sample: Sample) throws {
        let headLength = try #require(parseWhole(sample.bytes).consumed)
        sample.bytes.withUnsafeBufferPointer { full in
            for end in 0..<headLength {
                // A fresh parser, as after a reset: nothing remembered.
                var fresh = RequestParser()
                #expect(fresh.outcome(UnsafeBufferPointer(rebasing: full[..<end])) == .needMore, "prefix of \(end) bytes")
            }
        }
    }

    @Test("one byte at a time gives the same head as whole", arguments: Sample.valid)
    func byteByByteMatchesWhole(_ sample: Sample) {
        let whole = parseWhole(sample.bytes)
        guard case .parsed = whole else {
            Issue.record("not a valid sample: \(whole)")
            return
        }
        #expect(parseByteByByte(sample.bytes) == whole)
    }

    @Test("any split into two reads gives the same head as whole", arguments: Sample.valid)
    func twoReadsMatchWhole(_ sample: Sample) {
        let whole = parseWhole(sample.bytes)
        sample.bytes.withUnsafeBufferPointer { full in
            for split in 1..<full.count {
                var parser = RequestParser()
                let first = parser.outcome(UnsafeBufferPointer(rebasing: full[..<split]))
                let outcome = first == .needMore ? parser.outcome(full) : first
                #expect(outcome == whole, "split at \(split)")
            }
        }
    }

    @Test("malformed input gives the same error whole and one byte at a time", arguments: Sample.malformed)
    func malformedByteByByteMatchesWhole(_ sample: Sample) {
        let whole = parseWhole(sample.bytes, limits: sample.limits)
        guard case .failed = whole else {
            Issue.record("not a malformed sample: \(whole)")
            return
        }
        #expect(parseByteByByte(sample.bytes, limits: sample.limits) == whole)
        #expect(parseInReads(sample.bytes, of: 7, limits: sample.limits) == whole)
    }

    @Test("consumes exactly the head of pipelined requests")
    func pipelined() throws {
        let first = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
        let second = "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
        let third = "DELETE /c HTTP/1.1\r\nHost: x\r\n\r\n"
        let bytes = Array((first + second + third).utf8)
        var parser = RequestParser()
        var start = 0
        var paths: [String] = []
        try bytes.withUnsafeBufferPointer { full in
            while start < full.count {
                let (head, consumed) = try #require(try parser.parseHead(UnsafeBufferPointer(rebasing: full[start...])))
                paths.append(head.path)
                start += consumed
                if case .length(let length) = head.framing { start += length }  // the connection reads the body
            }
        }
        #expect(paths == ["/a", "/b", "/c"])
        #expect(start == bytes.count)
    }

    @Test("does not consume the body")
    func leavesBody() throws {
        let head = "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n"
        let (parsed, consumed) = try #require(try parse(head + "hello\r\n\r\nxx"))
        #expect(consumed == head.utf8.count)
        #expect(parsed.framing == .length(11))
    }

    @Test("reset forgets the progress of an earlier buffer")
    func resetForgetsProgress() throws {
        var parser = RequestParser()
        let partial = Array("GET /first HTTP/1.1\r\nHost: x\r\nX-Long-Header: abc".utf8)
        let outcome = partial.withUnsafeBufferPointer { parser.outcome($0) }
        #expect(outcome == .needMore)
        parser.reset()
        let other = Array("GET /b HTTP/1.1\r\nHost: y\r\n\r\n".utf8)
        let head = try #require(other.withUnsafeBufferPointer { parser.outcome($0) }.head)
        #expect(head.path == "/b")
        #expect(head.headers == [.init(name: "Host", value: "y")])
    }

    @Test("ignores empty lines before the request line", arguments: ["\r\n", "\r\n\r\n", "\n", "\r\n\n"])
    func ignoresLeadingEmptyLines(_ prefix: String) throws {
        let request = "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n"
        let (head, consumed) = try #require(try parse(prefix + request))
        #expect(head.path == "/ping")
        #expect(consumed == prefix.utf8.count + request.utf8.count)
    }

    @Test("refuses lines of only CRs before the request line", arguments: ["\r\r\n\r\n", "\r\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", "\r\r\r\n\r\n"])
    func refusesCROnlyLines(_ text: String) {
        #expect(throws: HTTPParseError.malformedRequestLine) { try parse(text) }
    }

    @Test("parses HTTP/1.0 without Host")
    func http10WithoutHost() throws {
        let (head, _) = try #require(try parse("GET / HTTP/1.0\r\n\r\n"))
        #expect(head.minorVersion == 0)
        #expect(!head.isKeepAlive)
        #expect(head.headers.count == 0)
    }

    @Test("splits origin-form into path and query", arguments: [
        ("/", "/", nil),
        ("/a/b", "/a/b", nil),
        ("/a?", "/a", ""),
        ("/a?b=c&d", "/a", "b=c&d"),
        ("/a?x?y=/z", "/a", "x?y=/z"),
        ("/%7Euser/a%20b", "/%7Euser/a%20b", nil),
    ] as [(String, String, String?)])
    func originForm(target: String, path: String, query: String?) throws {
        let (head, _) = try #require(try parse("GET \(target) HTTP/1.1\r\nHost: x\r\n\r\n"))
        #expect(head.target == target)
        #expect(head.path == path)
        #expect(head.query == query)
    }

    @Test("takes path and query from an absolute-form target", arguments: [
        ("http://example.com/a/b?x=1", "/a/b", "x=1"),
        ("http://example.com", "/", nil),
        ("http://example.com/", "/", nil),
        ("HTTPS://Example.com:8443/p", "/p", nil),
        ("http://example.com:80?x=1", "/", "x=1"),
        ("https://example.com?q=/a", "/", "q=/a"),
    ] as [(String, String, String?)])
    func absoluteForm(target: String, path: String, query: String?) throws {
        let (head, _) = try #require(try parse("GET \(target) HTTP/1.1\r\nHost: example.com\r\n\r\n"))
        #expect(head.target == target)
        #expect(head.path == path)
        #expect(head.query == query)
    }

    @Test("accepts OPTIONS *")
    func optionsAsterisk() throws {
        let (head, _) = try #require(try parse("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"))
        #expect(head.method == .options)
        #expect(head.path == "*")
        #expect(head.query == nil)
    }

    @Test("refuses the asterisk form for other methods")
    func asteriskNeedsOptions() {
        #expect(throws: HTTPParseError.malformedRequestLine) { try parse("GET * HTTP/1.1\r\nHost: x\r\n\r\n") }
    }

    @Test("refuses a fragment in the target", arguments: ["/a#b", "/a?x#y", "http://example.com#top", "http://example.com/a#b"])
    func refusesFragment(_ target: String) {
        #expect(throws: HTTPParseError.malformedRequestLine) { try parse("GET \(target) HTTP/1.1\r\nHost: x\r\n\r\n") }
    }

    @Test("refuses targets that are neither origin, absolute nor asterisk form", arguments: ["a/b", "example.com:443", "ftp://example.com/", "//a"])
    func refusesOtherTargetForms(_ target: String) throws {
        // "//a" is a valid origin-form path (an empty first segment), the others are not.
        if target.hasPrefix("/") {
            #expect(try parse("GET \(target) HTTP/1.1\r\nHost: x\r\n\r\n")?.head.path == target)
        } else {
            #expect(throws: HTTPParseError.malformedRequestLine) { try parse("GET \(target) HTTP/1.1\r\nHost: x\r\n\r\n") }
        }
    }

    @Test("keeps header order, case and duplicates")
    func keepsHeaderOrder() throws {
        let (head, _) = try #require(try parse("GET / HTTP/1.1\r\nhost: x\r\nX-A: 1\r\nx-a: 2\r\nX-B: 3\r\n\r\n"))
        #expect(head.headers.values("X-A") == ["1", "2"])
        #expect(head.headers["x-b"] == "3")
        #expect(head.headers["HOST"] == "x")
        #expect(head.headers.contains("X-a"))
        #expect(!head.headers.contains("X-C"))
        #expect(Array(head.headers).map(\.name) == ["host", "X-A", "x-a", "X-B"])
    }

    @Test("trims whitespace around field values only", arguments: [
        ("X: a", "a"), ("X:a", "a"), ("X: \t a b \t ", "a b"), ("X:\t", ""), ("X: a\tb", "a\tb"),
    ])
    func trimsOWS(_ line: String, value: String) throws {
        let (head, _) = try #require(try parse("GET / HTTP/1.1\r\nHost: x\r\n\(line)\r\n\r\n"))
        #expect(head.headers["X"] == value)
    }

    @Test("accepts obs-text in field values")
    func acceptsObsText() throws {
        let bytes = Array("GET / HTTP/1.1\r\nHost: x\r\nX-Name: Jos".utf8) + [0xC3, 0xA9, 0x80, 0xFF] + Array("\r\n\r\n".utf8)
        let head = try #require(parseWhole(bytes).head)
        // Kept, though not valid UTF-8: `String(decoding:)` repairs what a handler sees.
        #expect(head.headers.first?.name == "Host")
        #expect(head.headers.last?.value == String(decoding: [0x4A, 0x6F, 0x73, 0xC3, 0xA9, 0x80, 0xFF], as: UTF8.self))
    }

    // MARK: - Persistence and expectations

    @Test("decides keep-alive from version and Connection", arguments: [
        ("1.1", nil, true),
        ("1.1", "close", false),
        ("1.1", "Close", false),
        ("1.1", "keep-alive", true),
        ("1.1", "upgrade, close", false),
        ("1.0", nil, false),
        ("1.0", "keep-alive", true),
        ("1.0", "Keep-Alive", true),
        ("1.0", "keep-alive, close", false),
        ("1.0", "close", false),
    ] as [(String, String?, Bool)])
    func keepAlive(version: String, connection: String?, expected: Bool) throws {
        let field = connection.map { "Connection: \($0)\r\n" } ?? ""
        let (head, _) = try #require(try parse("GET / HTTP/\(version)\r\nHost: x\r\n\(field)\r\n"))
        #expect(head.isKeepAlive == expected)
    }

    @Test("reads Connection tokens from every Connection field")
    func connectionAcrossFields() throws {
        let (head, _) = try #require(try parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: upgrade\r\nConnection: close\r\n\r\n"))
        #expect(!head.isKeepAlive)
    }

    @Test("expects 100-continue only for an HTTP/1.1 request with a body", arguments: [
        ("1.1", "Content-Length: 5", "100-continue", true),
        ("1.1", "Content-Length: 5", "100-Continue", true),
        ("1.1", "Transfer-Encoding: chunked", "100-continue", true),
        ("1.1", "Content-Length: 0", "100-continue", false),
        ("1.1", nil, "100-continue", false),
        ("1.0", "Content-Length: 5", "100-continue", false),
        ("1.1", "Content-Length: 5", nil, false),
    ] as [(String, String?, String?, Bool)])
    func expectsContinue(version: String, framing: String?, expect: String?, expected: Bool) throws {
        var text = "POST /upload HTTP/\(version)\r\nHost: x\r\n"
        if let framing { text += framing + "\r\n" }
        if let expect { text += "Expect: \(expect)\r\n" }
        let (head, _) = try #require(try parse(text + "\r\n"))
        #expect(head.expectsContinue == expected)
    }

    @Test("refuses an expectation other than 100-continue", arguments: ["foo", "100-continue, foo", "100-continued", ""])
    func refusesOtherExpectation(_ value: String) {
        #expect(throws: HTTPParseError.unsupportedExpectation) {
            try parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nExpect: \(value)\r\n\r\n")
        }
    }

    @Test("refuses an unsupported expectation in any Expect field", arguments: [
        "Expect: 100-continue\r\nExpect: foo\r\n", "Expect: foo\r\nExpect: 100-continue\r\n",
    ])
    func refusesOtherExpectationInAnyField(_ fields: String) {
        #expect(throws: HTTPParseError.unsupportedExpectation) {
            try parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\(fields)\r\n")
        }
    }

    // MARK: - Framing (RFC 9112 §6)

    @Test("reads Content-Length", arguments: [("0", RequestHead.Framing.none), ("12", .length(12)), ("007", .length(7)), ("999999999999999999", .length(999_999_999_999_999_999))])
    func contentLength(_ value: String, framing: RequestHead.Framing) throws {
        let (head, _) = try #require(try parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \(value)\r\n\r\n"))
        #expect(head.framing == framing)
    }

    @Test("accepts identical repeated Content-Length values", arguments: [
        "Content-Length: 5\r\nContent-Length: 5\r\n", "Content-Length: 5, 5\r\n", "Content-Length: 5,5\r\ncontent-length: 5\r\n",
    ])
    func identicalContentLengths(_ fields: String) throws {
        let (head, _) = try #require(try parse("POST / HTTP/1.1\r\nHost: x\r\n\(fields)\r\n"))
        #expect(head.framing == .length(5))
    }

    @Test("rejects differing Content-Length values", arguments: [
        "Content-Length: 5\r\nContent-Length: 6\r\n", "Content-Length: 5, 6\r\n", "Content-Length: 5\r\nContent-Length: 05\r\n",
    ])
    func rejectsDifferingContentLengths(_ fields: String) {
        #expect(throws: HTTPParseError.invalidContentLength) { try parse("POST / HTTP/1.1\r\nHost: x\r\n\(fields)\r\n") }
    }

    @Test("rejects an invalid Content-Length", arguments: [
        "-1", "+5", "0x10", "1e3", "5 5", "1.0", "five", "\u{FF11}",
        "9999999999999999999", "99999999999999999999999999999999",
    ])
    func rejectsInvalidContentLength(_ value: String) {
        #expect(throws: HTTPParseError.invalidContentLength) { try parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \(value)\r\n\r\n") }
    }

    @Test("rejects an empty Content-Length", arguments: ["", " ", ",", " , "])
    func rejectsEmptyContentLength(_ value: String) {
        // An empty list must not read as "no Content-Length": the body would be taken for
        // the next request.
        #expect(throws: HTTPParseError.invalidContentLength) { try parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length:\(value)\r\n\r\n") }
    }

    @Test("rejects Content-Length with Transfer-Encoding", arguments: [
        "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
        "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
        "Transfer-Encoding: gzip, chunked\r\nContent-Length: 0\r\n",
        "Content-Length:\r\nTransfer-Encoding: chunked\r\n",
    ])
    func rejectsContentLengthWithTransferEncoding(_ fields: String) {
        #expect(throws: HTTPParseError.contentLengthWithTransferEncoding) { try parse("POST / HTTP/1.1\r\nHost: x\r\n\(fields)\r\n") }
    }

    @Test("reads chunked framing", arguments: ["chunked", "Chunked", "CHUNKED", " chunked ", "chunked,"])
    func chunked(_ value: String) throws {
        let (head, _) = try #require(try parse("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\(value)\r\n\r\n"))
        #expect(head.framing == .chunked)
    }

    @Test("answers 501 for transfer codings other than chunked", arguments: [
        "Transfer-Encoding: gzip, chunked\r\n",
        "Transfer-Encoding: deflate, chunked\r\n",
        "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n",
    ])
    func rejectsOtherCodings(_ fields: String) throws {
        let error = #expect(throws: HTTPParseError.unsupportedTransferCoding) { try parse("POST / HTTP/1.1\r\nHost: x\r\n\(fields)\r\n") }
        #expect(error?.problem.status == 501)
    }

    @Test("rejects chunked that is not the last coding", arguments: [
        "Transfer-Encoding: chunked, gzip\r\n",
        "Transfer-Encoding: gzip\r\n",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n",
        "Transfer-Encoding: chunked, chunked\r\n",
        "Transfer-Encoding: chunked;q=1\r\n",
    ])
    func rejectsChunkedNotLast(_ fields: String) throws {
        let error = #expect(throws: HTTPParseError.invalidTransferEncoding) { try parse("POST / HTTP/1.1\r\nHost: x\r\n\(fields)\r\n") }
        #expect(error?.problem.status == 400)
    }

    @Test("rejects an empty Transfer-Encoding", arguments: ["", " ", ","])
    func rejectsEmptyTransferEncoding(_ value: String) {
        #expect(throws: HTTPParseError.invalidTransferEncoding) { try parse("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\(value)\r\n\r\n") }
    }

    @Test("rejects Transfer-Encoding on HTTP/1.0")
    func rejectsTransferEncodingOnHTTP10() {
        #expect(throws: HTTPParseError.invalidTransferEncoding) { try parse("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n") }
    }

    // MARK: - Host (RFC 9112 §3.2)

    @Test("rejects a missing Host on HTTP/1.1")
    func rejectsMissingHost() {
        #expect(throws: HTTPParseError.missingHost) { try parse("GET / HTTP/1.1\r\n\r\n") }
        #expect(throws: HTTPParseError.missingHost) { try parse("GET / HTTP/1.1\r\nX-Host: x\r\n\r\n") }
    }

    @Test("rejects a repeated Host", arguments: ["1.1", "1.0"])
    func rejectsRepeatedHost(_ version: String) {
        #expect(throws: HTTPParseError.repeatedHost) { try parse("GET / HTTP/\(version)\r\nHost: a\r\nhost: a\r\n\r\n") }
        #expect(throws: HTTPParseError.repeatedHost) { try parse("GET / HTTP/\(version)\r\nHost: a\r\nX: 1\r\nHOST: b\r\n\r\n") }
    }

    @Test("accepts valid Host values", arguments: ["example.com", "example.com:8080", "127.0.0.1:80", "[::1]:8443", "", "xn--bcher-kva.example", "a_b.local"])
    func acceptsHost(_ value: String) throws {
        let (head, _) = try #require(try parse("GET / HTTP/1.1\r\nHost: \(value)\r\n\r\n"))
        #expect(head.headers["Host"] == value)
    }

    @Test("rejects an invalid Host value", arguments: ["a b", "a/b", "user@evil.example", "a?b", "a#b", "a\\b", "\"a\"", "a<b>"])
    func rejectsInvalidHost(_ value: String) {
        // RFC 9112 §3.2: 400 for "a Host header field with an invalid field value".
        #expect(throws: HTTPParseError.malformedHeader) { try parse("GET / HTTP/1.1\r\nHost: \(value)\r\n\r\n") }
    }

    // MARK: - Request line

    @Test("rejects a malformed request line", arguments: [
        "GET  / HTTP/1.1", "GET /  HTTP/1.1", "GET / HTTP/1.1 ", " GET / HTTP/1.1", "GET\t/\tHTTP/1.1", "GET / HTTP/1.1\t",
        "GET /", "GET / ", "GET", "/ HTTP/1.1", "GET / HTTP/1.1 extra", "G(T / HTTP/1.1", "GET /a b HTTP/1.1",
        "GET / http/1.1", "GET / HTTP/1", "GET / HTTP/1.", "GET / HTTP/11.1", "GET / HTTP/1.1.1", "GET / HTTP/x.1",
        "GET / HTTP/1.x", "GET / HTTPS/1.1", "GET / HTTP 1.1", "GET /\u{7F} HTTP/1.1", "GET /caf\u{E9} HTTP/1.1", "GET / HTTP/\u{661}.1",
    ])
    func rejectsMalformedRequestLine(_ line: String) {
        #expect(throws: HTTPParseError.malformedRequestLine) { try parse("\(line)\r\nHost: x\r\n\r\n") }
    }

    @Test("answers 505 for other well-formed versions", arguments: ["HTTP/2.0", "HTTP/1.2", "HTTP/0.9", "HTTP/3.0", "HTTP/1.9", "HTTP/9.9"])
    func rejectsOtherVersions(_ version: String) throws {
        let error = #expect(throws: HTTPParseError.unsupportedVersion) { try parse("GET / \(version)\r\nHost: x\r\n\r\n") }
        #expect(error?.problem.status == 505)
    }

    @Test("answers 505 to the HTTP/2 connection preface")
    func rejectsHTTP2Preface() {
        #expect(throws: HTTPParseError.unsupportedVersion) { try parse("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") }
    }

    @Test("refuses a version as soon as the request line ends")
    func refusesVersionEarly() {
        // No need to wait for the header section.
        #expect(throws: HTTPParseError.unsupportedVersion) { try parse("GET / HTTP/2.0\r\nHost: x\r\n") }
    }

    @Test("accepts any token as method, case-sensitively", arguments: ["GET", "get", "PROPFIND", "M-SEARCH", "X!#$%&'*+-.^_`|~9"])
    func acceptsTokenMethods(_ method: String) throws {
        let (head, _) = try #require(try parse("\(method) / HTTP/1.1\r\nHost: x\r\n\r\n"))
        #expect(head.method.rawValue == method)
        #expect((head.method == .get) == (method == "GET"))
    }

    @Test("accepts a method byte iff it is a tchar", arguments: UInt8.min...UInt8.max)
    func methodBytes(_ byte: UInt8) {
        let bytes = Array("G".utf8) + [byte] + Array("T / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        let outcome = parseWhole(bytes)
        if isTchar(byte) {
            #expect(outcome.head?.method.rawValue.utf8.elementsEqual([UInt8(ascii: "G"), byte, UInt8(ascii: "T")]) == true)
        } else {
            #expect(outcome == .failed(.malformedRequestLine))
        }
    }

    @Test("accepts a target byte iff it is visible ASCII", arguments: UInt8.min...UInt8.max)
    func targetBytes(_ byte: UInt8) {
        let bytes = Array("GET /a".utf8) + [byte] + Array("b HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        let outcome = parseWhole(bytes)
        switch byte {
        case UInt8(ascii: "#"):  // a fragment is never sent (RFC 9110 §4.2.4 strips it)
            #expect(outcome == .failed(.malformedRequestLine))
        case UInt8(ascii: "?"):
            #expect(outcome.head?.path == "/a")
            #expect(outcome.head?.query == "b")
        case 0x21...0x7E:
            #expect(outcome.head?.target.utf8.elementsEqual(Array("/a".utf8) + [byte] + [UInt8(ascii: "b")]) == true)
        default:
            #expect(outcome == .failed(.malformedRequestLine))
        }
    }

    @Test("refuses binary data before the request line ends")
    func refusesBinaryEarly() {
        // A TLS ClientHello on the plain port: refused on its first byte, not after 8 KiB.
        let clientHello: [UInt8] = [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03]
        #expect(parseWhole(clientHello) == .failed(.malformedRequestLine))
        #expect(parseWhole(Array("GET /\u{0}".utf8)) == .failed(.malformedRequestLine))
    }

    @Test("rejects bare LF ending the request line")
    func rejectsBareLFRequestLine() {
        #expect(throws: HTTPParseError.malformedRequestLine) { try parse("GET / HTTP/1.1\nHost: x\r\n\r\n") }
    }

    // MARK: - Limits (414, 431)

    @Test("accepts a target of exactly the limit")
    func targetAtLimit() throws {
        let target = "/" + String(repeating: "a", count: 8 * 1024 - 1)
        let text = "GET \(target) HTTP/1.1\r\nHost: x\r\n\r\n"
        #expect(try parse(text)?.head.target == target)
        #expect(parseByteByByte(Array(text.utf8)).head?.target == target)
    }

    @Test("answers 414 for a target over 8 KiB")
    func targetOverLimit() throws {
        let target = "/" + String(repeating: "a", count: 8 * 1024)
        let error = #expect(throws: HTTPParseError.uriTooLong) { try parse("GET \(target) HTTP/1.1\r\nHost: x\r\n\r\n") }
        #expect(error?.problem.status == 414)
    }

    @Test("answers 414 while the request line is incomplete and already too long", arguments: [8 * 1024 + 1, 8 * 1024 + 100, 20_000])
    func targetOverLimitIncomplete(_ length: Int) {
        let bytes = Array(("GET /" + String(repeating: "a", count: length - 1)).utf8)  // no version, no CRLF yet
        #expect(parseWhole(bytes) == .failed(.uriTooLong))
        #expect(parseByteByByte(bytes) == .failed(.uriTooLong))
    }

    @Test("waits for a request line whose target is still within the limit")
    func targetWithinLimitIncomplete() {
        let bytes = Array(("GET /" + String(repeating: "a", count: 8 * 1024 - 1) + " HTTP/1.").utf8)
        #expect(parseWhole(bytes) == .needMore)
    }

    @Test("refuses a request line that never reaches a space")
    func refusesEndlessMethod() {
        let bytes = Array(String(repeating: "A", count: 9000).utf8)
        #expect(parseWhole(bytes) == .failed(.malformedRequestLine))
    }

    @Test("refuses endless empty lines before the request line")
    func refusesEndlessEmptyLines() {
        let bytes = Array(String(repeating: "\r\n", count: 5000).utf8)
        #expect(parseWhole(bytes) == .failed(.malformedRequestLine))
    }

    @Test("refuses the same long request line whole and one byte at a time", arguments: [
        String(repeating: "\r\n", count: 5000) + "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        String(repeating: "M", count: 9000) + " / HTTP/1.1\r\nHost: x\r\n\r\n",
    ])
    func longRequestLineConsistent(_ text: String) {
        let bytes = Array(text.utf8)
        let whole = parseWhole(bytes)
        #expect(whole == .failed(.malformedRequestLine))
        #expect(parseByteByByte(bytes) == whole)
    }

    @Test("accepts a header section of exactly 16 KiB")
    func headerSectionAtLimit() throws {
        let bytes = Array(requestWithHeaderSection(ofBytes: 16 * 1024).utf8)
        #expect(parseWhole(bytes).head?.headers.count == 2)
        #expect(parseByteByByte(bytes).head?.headers.count == 2)
    }

    @Test("answers 431 for a header section over 16 KiB", arguments: [1, 2, 3, 1000])
    func headerSectionOverLimit(_ excess: Int) throws {
        let bytes = Array(requestWithHeaderSection(ofBytes: 16 * 1024 + excess).utf8)
        let whole = parseWhole(bytes)
        #expect(whole == .failed(.headerSectionTooLarge))
        #expect(whole.error?.problem.status == 431)
        #expect(parseByteByByte(bytes) == whole)
    }

    @Test("answers 431 while the header section is incomplete and already too large")
    func headerSectionOverLimitIncomplete() {
        let text = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "b", count: 16 * 1024)
        #expect(parseWhole(Array(text.utf8)) == .failed(.headerSectionTooLarge))
    }

    @Test("accepts 256 header fields, Host included: the limit")
    func headerCountAtLimit() throws {
        let fields = (1...255).map { "X-\($0): v\r\n" }.joined()
        let bytes = Array("GET / HTTP/1.1\r\nHost: x\r\n\(fields)\r\n".utf8)
        let head = try #require(parseWhole(bytes).head)
        #expect(head.headers.count == 256)
        #expect(parseByteByByte(bytes) == parseWhole(bytes))
    }

    @Test("answers 431 for 257 header fields, one past the limit")
    func headerCountOverLimit() {
        let fields = (1...256).map { "X-\($0): v\r\n" }.joined()
        let bytes = Array("GET / HTTP/1.1\r\nHost: x\r\n\(fields)\r\n".utf8)
        #expect(parseWhole(bytes) == .failed(.tooManyHeaders))
        #expect(parseByteByByte(bytes) == .failed(.tooManyHeaders))
    }

    @Test("answers 431 for too many header fields before the head is complete")
    func headerCountOverLimitIncomplete() {
        // Small fields, far under 16 KiB: counting must not wait for the empty line.
        let fields = (1...256).map { "X-\($0): v\r\n" }.joined()
        #expect(parseWhole(Array("GET / HTTP/1.1\r\nHost: x\r\n\(fields)".utf8)) == .failed(.tooManyHeaders))
    }

    @Test("serves 100 small fields of a client's own besides the usual ones")
    func hundredHeadersBesidesUsualOnes() throws {
        let usual = "Host: api.example.com\r\nUser-Agent: partner-portal/2.1\r\nAccept: application/json\r\n"
            + "Accept-Encoding: gzip\r\nAuthorization: Bearer snrg_abcd2345_secret\r\nX-Request-Id: r-1\r\n"
            + "Content-Type: application/json\r\nContent-Length: 2\r\n"
        let own = (1...100).map { "X-Partner-Field-\($0): value-\($0)\r\n" }.joined()
        let head = try #require(parseWhole(Array("POST /v1/members HTTP/1.1\r\n\(usual)\(own)\r\n{}".utf8)).head)
        #expect(head.headers.count == 108)
        #expect(head.framing == .length(2))
    }

    @Test("accepts exactly maxHeaderCount fields and refuses one more, whole and byte by byte", arguments: [1, 2, 5])
    func headerCountCustomLimit(_ limit: Int) {
        var limits = ParserLimits()
        limits.maxHeaderCount = limit
        func request(fields count: Int) -> [UInt8] {
            Array(("GET / HTTP/1.1\r\nHost: x\r\n" + (1..<count).map { "X-\($0): v\r\n" }.joined() + "\r\n").utf8)
        }
        #expect(parseWhole(request(fields: limit), limits: limits).head?.headers.count == limit)
        #expect(parseByteByByte(request(fields: limit), limits: limits).head?.headers.count == limit)
        #expect(parseWhole(request(fields: limit + 1), limits: limits) == .failed(.tooManyHeaders))
        #expect(parseByteByByte(request(fields: limit + 1), limits: limits) == .failed(.tooManyHeaders))
    }

    @Test("applies custom limits")
    func customLimits() {
        var limits = ParserLimits()
        limits.maxTargetLength = 10
        limits.maxHeaderCount = 2
        limits.maxHeaderSectionBytes = 40
        #expect(parseWhole(Array("GET /123456789 HTTP/1.1\r\nHost: x\r\n\r\n".utf8), limits: limits).head != nil)
        #expect(parseWhole(Array("GET /1234567890 HTTP/1.1\r\nHost: x\r\n\r\n".utf8), limits: limits) == .failed(.uriTooLong))
        #expect(parseWhole(Array("GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\n\r\n".utf8), limits: limits) == .failed(.tooManyHeaders))
        // 9 + 31 = 40 bytes of fields: at the limit; one more byte is over.
        let value = String(repeating: "v", count: 26)
        #expect(parseWhole(Array("GET / HTTP/1.1\r\nHost: x\r\nX: \(value)\r\n\r\n".utf8), limits: limits).head != nil)
        #expect(parseWhole(Array("GET / HTTP/1.1\r\nHost: x\r\nX: \(value)v\r\n\r\n".utf8), limits: limits) == .failed(.headerSectionTooLarge))
    }

    // MARK: - Header field attacks (RFC 9112 §5)

    @Test("rejects obs-fold", arguments: [" ", "\t", "  \t "])
    func rejectsObsFold(_ whitespace: String) {
        #expect(throws: HTTPParseError.obsoleteLineFolding) {
            try parse("GET / HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n\(whitespace)b\r\n\r\n")
        }
    }

    @Test("rejects whitespace between the request line and the first field")
    func rejectsWhitespaceBeforeFirstField() {
        #expect(throws: HTTPParseError.obsoleteLineFolding) { try parse("GET / HTTP/1.1\r\n Host: x\r\n\r\n") }
    }

    @Test("rejects whitespace before the colon", arguments: ["Host : x", "Host\t: x", "Content-Length : 5"])
    func rejectsWhitespaceBeforeColon(_ line: String) {
        #expect(throws: HTTPParseError.malformedHeader) { try parse("POST / HTTP/1.1\r\nX: y\r\n\(line)\r\n\r\n") }
    }

    @Test("rejects a bare CR in a header value")
    func rejectsBareCR() {
        #expect(throws: HTTPParseError.malformedHeader) { try parse("GET / HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n") }
        #expect(throws: HTTPParseError.malformedHeader) { try parse("GET / HTTP/1.1\r\nHost: x\r\nX: a\r\r\n\r\n") }
    }

    @Test("rejects a bare CR in a header name")
    func rejectsBareCRInName() {
        #expect(throws: HTTPParseError.malformedHeader) { try parse("GET / HTTP/1.1\r\nHost: x\r\nX\rY: a\r\n\r\n") }
    }

    @Test("rejects a NUL in a header")
    func rejectsNUL() {
        #expect(throws: HTTPParseError.malformedHeader) { try parse("GET / HTTP/1.1\r\nHost: x\r\nX: a\u{0}b\r\n\r\n") }
        #expect(throws: HTTPParseError.malformedHeader) { try parse("GET / HTTP/1.1\r\nHost: x\r\nX\u{0}: a\r\n\r\n") }
    }

    @Test("rejects bare LF line endings", arguments: [
        "GET / HTTP/1.1\r\nHost: x\nX: y\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\n\n",
        "GET / HTTP/1.1\r\nHost: x\n\n",
        "GET / HTTP/1.1\r\n\nHost: x\r\n\r\n",
    ])
    func rejectsBareLF(_ text: String) {
        #expect(throws: HTTPParseError.malformedHeader) { try parse(text) }
    }

    @Test("rejects a field line without a colon or name", arguments: ["NoColon", ": value", ":", "X-A; y"])
    func rejectsLineWithoutName(_ line: String) {
        #expect(throws: HTTPParseError.malformedHeader) { try parse("GET / HTTP/1.1\r\nHost: x\r\n\(line)\r\n\r\n") }
    }

    @Test("accepts a header name byte iff it is a tchar", arguments: UInt8.min...UInt8.max)
    func headerNameBytes(_ byte: UInt8) {
        // Inside the name: "X?Y: v". A colon there ends the name, so it is tried at the start.
        if byte != UInt8(ascii: ":") {
            let outcome = parseWhole(request(withFieldLine: [UInt8(ascii: "X"), byte, UInt8(ascii: "Y")] + Array(": v".utf8)))
            if isTchar(byte) {
                let name = [UInt8(ascii: "X"), byte, UInt8(ascii: "Y")]
                #expect(outcome.head.map { $0.headers.contains { $0.name.utf8.elementsEqual(name) && $0.value == "v" } } == true)
            } else {
                #expect(outcome.error != nil, "byte \(byte) accepted inside a name: \(outcome)")
                #expect(outcome.error?.problem.status == 400)
            }
        }
        // At the start: "?XY: v".
        let outcome = parseWhole(request(withFieldLine: [byte] + Array("XY: v".utf8)))
        #expect((outcome.head != nil) == isTchar(byte), "byte \(byte) at the start of a name: \(outcome)")
        if !isTchar(byte) { #expect(outcome.error?.problem.status == 400) }
    }

    @Test("accepts a header value byte iff it is a field-vchar, SP or HTAB", arguments: UInt8.min...UInt8.max)
    func headerValueBytes(_ byte: UInt8) {
        let outcome = parseWhole(request(withFieldLine: Array("X: a".utf8) + [byte] + Array("b".utf8)))
        let allowed = byte == 0x09 || byte == 0x20 || (byte >= 0x21 && byte != 0x7F)
        if allowed {
            let expected = String(decoding: [UInt8(ascii: "a"), byte, UInt8(ascii: "b")], as: UTF8.self)
            #expect(outcome.head?.headers.last == HTTPHeaders.Field(name: "X", value: expected))
        } else {
            #expect(outcome.error?.problem.status == 400, "byte \(byte) accepted in a value: \(outcome)")
        }
    }

    @Test("every parse error maps to its status", arguments: [
        (HTTPParseError.malformedRequestLine, 400), (.uriTooLong, 414), (.unsupportedVersion, 505), (.malformedHeader, 400),
        (.obsoleteLineFolding, 400), (.headerSectionTooLarge, 431), (.tooManyHeaders, 431), (.missingHost, 400),
        (.repeatedHost, 400), (.contentLengthWithTransferEncoding, 400), (.invalidContentLength, 400),
        (.unsupportedTransferCoding, 501), (.invalidTransferEncoding, 400), (.invalidChunk, 400), (.bodyTooLarge, 413),
        (.unsupportedExpectation, 417), (.timeout, 408),
    ])
    func statuses(_ error: HTTPParseError, status: Int) {
        #expect(error.problem.status.code == status)
    }
}

@Suite("HTTPHeaders")
struct HTTPHeadersTests {
    @Test("looks names up without regard to ASCII case")
    func caseInsensitiveLookup() {
        let headers = HTTPHeaders([("Content-Type", "a"), ("X-Id", "1"), ("x-id", "2")])
        #expect(headers["content-type"] == "a")
        #expect(headers["CONTENT-TYPE"] == "a")
        #expect(headers["X-ID"] == "1")
        #expect(headers.values("x-Id") == ["1", "2"])
        #expect(headers["Content-Typ"] == nil)
        #expect(headers["Content-Type "] == nil)
    }

    @Test("folds only ASCII letters")
    func asciiOnlyFolding() {
        // "K" (U+212A KELVIN SIGN) lowercases to "k" in Unicode, but is not a token byte.
        #expect(!"\u{212A}ey".isEqualCaseInsensitive(to: "key"))
        #expect(!"a[".isEqualCaseInsensitive(to: "A{"))
        #expect("X-A_b".isEqualCaseInsensitive(to: "x-a_B"))
    }

    @Test("adds, sets and removes fields")
    func editing() {
        var headers = HTTPHeaders()
        headers.add("Vary", "Accept")
        headers.add("ETag", "\"1\"")
        headers.add("vary", "Origin")
        #expect(headers.count == 3)
        headers.set("VARY", "*")
        #expect(Array(headers) == [.init(name: "ETag", value: "\"1\""), .init(name: "VARY", value: "*")])
        headers.remove("etag")
        #expect(Array(headers) == [.init(name: "VARY", value: "*")])
        #expect(!headers.contains("ETag"))
    }
}

// MARK: - Samples

extension RequestParserTests {
    /// A request to feed the parser, named for the test report.
    struct Sample: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        var limits = ParserLimits()

        init(_ name: String, _ text: String, limits: ParserLimits = ParserLimits()) {
            self.name = name
            self.bytes = Array(text.utf8)
            self.limits = limits
        }

        var testDescription: String { name }

        static let valid: [Sample] = [
            Sample("simple GET", "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"),
            Sample("GET with query", "GET /v1/members?page=2&q=a%20b HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n"),
            Sample("POST with body", "POST /v1/members HTTP/1.1\r\nHost: x\r\nContent-Length: 13\r\nContent-Type: application/json\r\n\r\n{\"nik\":\"123\"}"),
            Sample("chunked", "PUT /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
            Sample("HTTP/1.0 keep-alive", "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"),
            Sample("leading empty lines", "\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"),
            Sample("absolute-form", "GET http://example.com/p?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n"),
            Sample("OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"),
            Sample("OWS and empty values", "GET / HTTP/1.1\r\nHost:x\r\nX-A:\t a \t\r\nX-B:\r\nX-B: 2\r\n\r\n"),
            Sample("pipelined", "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n"),
            Sample("close", "DELETE /v1/members/7 HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"),
        ]

        static let malformed: [Sample] = [
            Sample("obs-fold", "GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n"),
            Sample("space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n"),
            Sample("CL and TE", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"),
            Sample("two Content-Lengths", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
            Sample("bare LF", "GET / HTTP/1.1\r\nHost: x\n\n"),
            Sample("HTTP/2.0", "GET / HTTP/2.0\r\nHost: x\r\n\r\n"),
            Sample("HTTP/2.0 with a big header section", "GET / HTTP/2.0\r\nHost: x\r\nX: " + String(repeating: "a", count: 17_000) + "\r\n\r\n"),
            Sample("bad method with a big header section", "G@T / HTTP/1.1\r\nHost: x\r\nX: " + String(repeating: "a", count: 17_000) + "\r\n\r\n"),
            Sample("obs-fold in a big header section", "GET / HTTP/1.1\r\nHost: x\r\n y\r\nX: " + String(repeating: "a", count: 17_000) + "\r\n\r\n"),
            Sample("many fields and a big one", "GET / HTTP/1.1\r\nHost: x\r\n" + (1...256).map { "X-\($0): v\r\n" }.joined() + "Y: " + String(repeating: "a", count: 17_000) + "\r\n\r\n"),
            Sample("target too long", "GET /" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\nHost: x\r\n\r\n"),
            Sample("target too long with a NUL", "GET /\u{0}" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\nHost: x\r\n\r\n"),
            Sample("missing Host", "GET / HTTP/1.1\r\n\r\n"),
            Sample("CR-only line", "\r\r\n\r\n"),
            Sample("header section one byte over", requestWithHeaderSection(ofBytes: 16 * 1024 + 1)),
            Sample("header section two bytes over", requestWithHeaderSection(ofBytes: 16 * 1024 + 2)),
        ]
    }
}

/// A request whose header section (field lines with their CRLFs, not the empty line) has
/// exactly `size` bytes: `Host: x` and one `X-Pad` field.
private func requestWithHeaderSection(ofBytes size: Int) -> String {
    let host = "Host: x\r\n"
    let padding = size - host.utf8.count - "X-Pad: \r\n".utf8.count
    return "GET / HTTP/1.1\r\n" + host + "X-Pad: " + String(repeating: "p", count: padding) + "\r\n\r\n"
}

// MARK: - Feeding the parser

extension RequestParserTests {
    /// The head fields a test compares, as a value.
    struct ParsedHead: Equatable, CustomStringConvertible {
        var method: HTTPMethod
        var target: String
        var path: String
        var query: String?
        var minorVersion: Int
        var headers: [HTTPHeaders.Field]
        var framing: RequestHead.Framing
        var isKeepAlive: Bool
        var expectsContinue: Bool

        init(_ head: RequestHead) {
            method = head.method
            target = head.target
            path = head.path
            query = head.query
            minorVersion = head.minorVersion
            headers = Array(head.headers)
            framing = head.framing
            isKeepAlive = head.isKeepAlive
            expectsContinue = head.expectsContinue
        }

        var description: String { "\(method) \(target) HTTP/1.\(minorVersion) \(headers.count) fields \(framing)" }
    }

    /// What feeding bytes to a parser came to.
    enum ParseOutcome: Equatable, CustomStringConvertible {
        case needMore
        case parsed(ParsedHead, consumed: Int)
        case failed(HTTPParseError)

        var head: ParsedHead? { if case .parsed(let head, _) = self { head } else { nil } }
        var consumed: Int? { if case .parsed(_, let consumed) = self { consumed } else { nil } }
        var error: HTTPParseError? { if case .failed(let error) = self { error } else { nil } }

        var description: String {
            switch self {
            case .needMore: "need more"
            case .parsed(let head, let consumed): "\(head), consumed \(consumed)"
            case .failed(let error): "\(error)"
            }
        }
    }
}

private typealias ParsedHead = RequestParserTests.ParsedHead
private typealias ParseOutcome = RequestParserTests.ParseOutcome

extension RequestParser {
    /// One call of `parseHead`, as a value.
    fileprivate mutating func outcome(_ bytes: UnsafeBufferPointer<UInt8>) -> ParseOutcome {
        do {
            guard let (head, consumed) = try parseHead(bytes) else { return .needMore }
            return .parsed(ParsedHead(head), consumed: consumed)
        } catch {
            return .failed(error)
        }
    }
}

/// Parses `text` in one call.
@discardableResult
private func parse(_ text: String) throws(HTTPParseError) -> (head: RequestHead, consumed: Int)? {
    var parser = RequestParser()
    return try Array(text.utf8).withUnsafeBufferPointer { buffer throws(HTTPParseError) in try parser.parseHead(buffer) }
}

private func parseWhole(_ bytes: [UInt8], limits: ParserLimits = ParserLimits()) -> ParseOutcome {
    var parser = RequestParser(limits: limits)
    return bytes.withUnsafeBufferPointer { parser.outcome($0) }
}

/// Feeds a growing buffer, one more byte each call, as the connection does when bytes
/// trickle in; stops at the first answer.
private func parseByteByByte(_ bytes: [UInt8], limits: ParserLimits = ParserLimits()) -> ParseOutcome {
    parseInReads(bytes, of: 1, limits: limits)
}

/// Feeds a growing buffer, `size` more bytes each call.
private func parseInReads(_ bytes: [UInt8], of size: Int, limits: ParserLimits = ParserLimits()) -> ParseOutcome {
    var parser = RequestParser(limits: limits)
    return bytes.withUnsafeBufferPointer { full in
        var end = 0
        while end < full.count {
            end = min(end + size, full.count)
            let outcome = parser.outcome(UnsafeBufferPointer(rebasing: full[..<end]))
            if outcome != .needMore { return outcome }
        }
        return .needMore
    }
}

/// A request with `Host` and one more field line, as bytes.
private func request(withFieldLine line: [UInt8]) -> [UInt8] {
    Array("GET / HTTP/1.1\r\nHost: x\r\n".utf8) + line + Array("\r\n\r\n".utf8)
}

/// tchar (RFC 9110 §5.6.2), written out independently of the parser's table.
private func isTchar(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): true
    default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
    }
}
