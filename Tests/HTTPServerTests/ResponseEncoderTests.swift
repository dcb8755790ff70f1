@testable import HTTPServer
import Testing

// Unit tests for `ResponseEncoder`: the server owns framing (`Content-Length`), persistence
// (`Connection`), `Date`, `X-Request-Id` and `X-Content-Type-Options`, and no handler value
// can split a response.

@Suite("ResponseEncoder")
struct ResponseEncoderTests {
    @Test("writes status line, fields, framing and body")
    func encodesResponse() {
        let response = Response.json(Array("{\"ok\":true}".utf8), status: .created)
        #expect(encode(response) == """
            HTTP/1.1 201 Created\r
            Content-Type: application/json; charset=utf-8\r
            Content-Length: 11\r
            Date: \(date)\r
            X-Request-Id: req-1\r
            X-Content-Type-Options: nosniff\r
            \r
            {"ok":true}
            """)
    }

    @Test("keeps handler fields in order, duplicates included")
    func keepsHandlerFields() {
        var headers = HTTPHeaders()
        headers.add("ETag", "\"v1\"")
        headers.add("Set-Cookie", "a=1")
        headers.add("Set-Cookie", "b=2")
        let text = encode(Response(status: .ok, headers: headers, body: Array("x".utf8)))
        #expect(fieldLines(text) == [
            "ETag: \"v1\"", "Set-Cookie: a=1", "Set-Cookie: b=2", "Content-Type: text/plain; charset=utf-8",
            "Content-Length: 1", "Date: \(date)", "X-Request-Id: req-1", "X-Content-Type-Options: nosniff",
        ])
    }

    @Test("adds a default Content-Type only when the handler set none")
    func defaultContentType() {
        #expect(encode(Response(status: .ok, body: Array("x".utf8))).contains("Content-Type: text/plain; charset=utf-8\r\n"))
        let text = encode(Response(status: .ok, headers: HTTPHeaders([("content-type", "text/csv")]), body: Array("a,b".utf8)))
        #expect(fieldLines(text).filter { $0.lowercased().hasPrefix("content-type:") } == ["content-type: text/csv"])
    }

    @Test("replaces the fields the server owns", arguments: ["Content-Length", "content-length", "Connection", "CONNECTION", "Transfer-Encoding", "transfer-encoding", "X-Request-Id", "x-request-id"])
    func dropsServerOwnedFields(_ name: String) {
        let response = Response(status: .ok, headers: HTTPHeaders([(name, "evil")]), body: Array("hello".utf8))
        let text = encode(response, closing: true)
        #expect(!text.contains("evil"))
        #expect(text.contains("Content-Length: 5\r\n"))
        #expect(text.contains("Connection: close\r\n"))
        #expect(text.contains("X-Request-Id: req-1\r\n"))
        #expect(!text.lowercased().contains("transfer-encoding"))
    }

    @Test("sends the length but not the body for HEAD")
    func head() {
        let text = encode(Response(status: .ok, body: Array("hello".utf8)), isHead: true)
        #expect(text.contains("Content-Length: 5\r\n"))
        #expect(text.hasSuffix("\r\n\r\n"))
        #expect(!text.contains("hello"))
    }

    @Test("sends neither length nor body for statuses without content", arguments: [204, 304, 100, 101])
    func statusesWithoutContent(_ code: Int) {
        let text = encode(Response(status: HTTPStatus(code), body: Array("ignored".utf8)))
        #expect(text.hasPrefix("HTTP/1.1 \(code) "))
        #expect(!text.contains("Content-Length"))
        #expect(!text.contains("\r\nContent-Type:"))
        #expect(text.hasSuffix("\r\n\r\n"))
        #expect(!text.contains("ignored"))
    }

    @Test("sends Content-Length: 0 for an empty body")
    func emptyBody() {
        let text = encode(Response(status: .ok))
        #expect(text.contains("Content-Length: 0\r\n"))
        #expect(text.hasSuffix("\r\n\r\n"))
    }

    @Test("decides the Connection field from version and closing", arguments: [
        (1, false, nil), (1, true, "close"), (0, false, "keep-alive"), (0, true, "close"),
    ] as [(Int, Bool, String?)])
    func connection(minorVersion: Int, closing: Bool, expected: String?) {
        let text = encode(Response(status: .ok), minorVersion: minorVersion, closing: closing)
        #expect(text.hasPrefix("HTTP/1.\(minorVersion) 200 OK\r\n"))
        let connection = fieldLines(text).filter { $0.hasPrefix("Connection:") }
        #expect(connection == (expected.map { ["Connection: \($0)"] } ?? []))
    }

    @Test("writes reason phrases", arguments: [
        (200, "OK"), (404, "Not Found"), (405, "Method Not Allowed"), (413, "Content Too Large"), (414, "URI Too Long"),
        (417, "Expectation Failed"), (422, "Unprocessable Content"), (431, "Request Header Fields Too Large"),
        (501, "Not Implemented"), (505, "HTTP Version Not Supported"), (299, "Unknown"),
    ])
    func reasonPhrases(_ code: Int, phrase: String) {
        #expect(encode(Response(status: HTTPStatus(code))).hasPrefix("HTTP/1.1 \(code) \(phrase)\r\n"))
    }

    @Test("drops CR and LF from field values, so a value cannot split the response")
    func valuesCannotSplit() {
        let headers = HTTPHeaders([("Location", "/a\r\nSet-Cookie: stolen=1\r\n\r\n<html>")])
        let text = encode(Response(status: .created, headers: headers), requestID: "id\r\nX-Evil: 1")
        #expect(fieldLines(text).contains("Location: /aSet-Cookie: stolen=1<html>"))
        #expect(fieldLines(text).contains("X-Request-Id: idX-Evil: 1"))
        #expect(!fieldLines(text).contains { $0.hasPrefix("Set-Cookie") || $0.hasPrefix("X-Evil") })
    }

    @Test("drops CR and LF from field names, so a name cannot split the response")
    func namesCannotSplit() {
        let headers = HTTPHeaders([("X-A\r\nSet-Cookie", "stolen=1")])
        let text = encode(Response(status: .ok, headers: headers))
        #expect(!fieldLines(text).contains { $0.hasPrefix("Set-Cookie") })
        #expect(fieldLines(text).contains("X-ASet-Cookie: stolen=1"))
    }

    @Test("appends to what the buffer holds")
    func appends() {
        var buffer = Array("previous".utf8)
        ResponseEncoder.encode(
            Response(status: .noContent), requestID: "r", isHead: false, minorVersion: 1, closing: false,
            date: Array(date.utf8), into: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self).hasPrefix("previousHTTP/1.1 204 No Content\r\n"))
    }

    @Test("a streamed response's head says chunked, with neither Content-Length nor body")
    func streamedHead() {
        let response = Response(status: .ok, headers: HTTPHeaders([("Content-Type", "text/csv")])) { Array("a".utf8) }
        let text = encode(response)
        #expect(fieldLines(text) == [
            "Content-Type: text/csv", "Transfer-Encoding: chunked", "Date: \(date)", "X-Request-Id: req-1",
            "X-Content-Type-Options: nosniff",
        ])
        #expect(text.hasSuffix("\r\n\r\n"))
    }

    @Test("a stream's own framing fields are replaced by the server's")
    func streamedFramingOwned() {
        let headers = HTTPHeaders([("Transfer-Encoding", "gzip"), ("Content-Length", "10")])
        let text = encode(Response(status: .ok, headers: headers) { nil })
        #expect(fieldLines(text).filter { $0.lowercased().hasPrefix("transfer-encoding:") } == ["Transfer-Encoding: chunked"])
        #expect(!text.contains("Content-Length"))
    }

    @Test("a stream to HTTP/1.0 has no framing field: the body ends with the connection")
    func streamedHeadHTTP10() {
        let text = encode(Response(status: .ok) { nil }, minorVersion: 0, closing: true)
        #expect(!text.contains("Transfer-Encoding"))
        #expect(!text.contains("Content-Length"))
        #expect(text.contains("Connection: close\r\n"))
    }

    @Test("HEAD of a streamed response is framed as GET's would be; 204 is not framed")
    func streamedHeadRequestAndNoContent() {
        #expect(encode(Response(status: .ok) { nil }, isHead: true).contains("Transfer-Encoding: chunked\r\n"))
        let noContent = encode(Response(status: .noContent) { nil })
        #expect(!noContent.contains("Transfer-Encoding"))
        #expect(!noContent.contains("Content-Length"))
    }

    @Test("a chunk is its size in hex, CRLF, the bytes, CRLF; the last chunk is 0 and an empty line",
          arguments: [1, 9, 10, 255, 4096, 65536])
    func chunks(_ size: Int) {
        var buffer = Array("x".utf8)
        ResponseEncoder.appendChunk([UInt8](repeating: UInt8(ascii: "b"), count: size), to: &buffer)
        let expected = "x" + String(size, radix: 16) + "\r\n" + String(repeating: "b", count: size) + "\r\n"
        #expect(String(decoding: buffer, as: UTF8.self) == expected)
        #expect(ResponseEncoder.lastChunk == Array("0\r\n\r\n".utf8))
    }

    @Test("writes 100 Continue exactly")
    func continueLine() {
        #expect(ResponseEncoder.continueLine == Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
    }

    @Test("encodes what the parser reads back", arguments: [false, true])
    func roundTrip(closing: Bool) throws {
        // The head is well formed: every line a field-line by the request parser's rules.
        let body = Array("{\"id\":7}".utf8)
        let text = encode(Response.json(body), closing: closing)
        let lines = fieldLines(text)
        for line in lines {
            let bytes = Array(line.utf8)
            #expect(throws: Never.self) {
                try bytes.withUnsafeBufferPointer { buffer throws(HTTPParseError) in _ = try RequestParser.parseField(buffer) }
            }
        }
        #expect(text.hasSuffix("\r\n\r\n{\"id\":7}"))
    }
}

// MARK: - Helpers

private let date = "Tue, 25 Nov 2025 10:00:00 GMT"

private func encode(
    _ response: Response, requestID: String = "req-1", isHead: Bool = false, minorVersion: Int = 1, closing: Bool = false
) -> String {
    var buffer: [UInt8] = []
    ResponseEncoder.encode(
        response, requestID: requestID, isHead: isHead, minorVersion: minorVersion, closing: closing,
        date: Array(date.utf8), into: &buffer)
    return String(decoding: buffer, as: UTF8.self)
}

/// The field lines of an encoded head: after the status line, before the empty line.
private func fieldLines(_ text: String) -> [String] {
    var lines: [String] = []
    var rest = Substring(text)
    // Split on CRLF by bytes: Swift reads "\r\n" as one Character.
    while let range = rest.utf8.firstRange(of: Array("\r\n".utf8)) {
        let line = String(rest[..<range.lowerBound])
        rest = rest[range.upperBound...]
        if line.isEmpty { break }
        lines.append(line)
    }
    return Array(lines.dropFirst())
}
