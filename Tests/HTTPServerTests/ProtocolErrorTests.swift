import HTTPServer
import HTTPTestSupport
import Testing

/// Each malformed request, sent over a real socket, gets its problem response and a closed
/// connection, never a hang (every read is bounded).
@Suite struct ProtocolErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let request: String
        let status: Int
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "malformed request line", request: "GET /\r\nHost: t\r\n\r\n", status: 400),
        Case(name: "lowercase version", request: "GET / http/1.1\r\nHost: t\r\n\r\n", status: 400),
        Case(name: "both Content-Length and Transfer-Encoding",
             request: "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", status: 400),
        Case(name: "differing Content-Length",
             request: "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", status: 400),
        Case(name: "invalid Content-Length", request: "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: +3\r\n\r\nabc", status: 400),
        Case(name: "bad chunk size", request: "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", status: 400),
        Case(name: "obs-fold", request: "GET /hello HTTP/1.1\r\nHost: t\r\nX-A: 1\r\n  2\r\n\r\n", status: 400),
        Case(name: "whitespace before the colon", request: "GET /hello HTTP/1.1\r\nHost : t\r\n\r\n", status: 400),
        Case(name: "bare CR in a header", request: "GET /hello HTTP/1.1\r\nHost: t\rX\r\n\r\n", status: 400),
        Case(name: "NUL in a header", request: "GET /hello HTTP/1.1\r\nHost: t\u{0}\r\n\r\n", status: 400),
        Case(name: "missing Host on 1.1", request: "GET /hello HTTP/1.1\r\n\r\n", status: 400),
        Case(name: "repeated Host", request: "GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", status: 400),
        Case(name: "target over 8 KiB", request: "GET /\(String(repeating: "a", count: 8200)) HTTP/1.1\r\nHost: t\r\n\r\n", status: 414),
        Case(name: "header section over 16 KiB",
             request: "GET /hello HTTP/1.1\r\nHost: t\r\nX-Big: \(String(repeating: "b", count: 17_000))\r\n\r\n", status: 431),
        Case(name: "more than 256 headers",
             request: "GET /hello HTTP/1.1\r\nHost: t\r\n" + (0..<256).map { "X-\($0): v\r\n" }.joined() + "\r\n", status: 431),
        Case(name: "HTTP/2.0", request: "GET /hello HTTP/2.0\r\nHost: t\r\n\r\n", status: 505),
        Case(name: "gzip transfer-coding",
             request: "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", status: 501),
        Case(name: "binary garbage", request: "\u{16}\u{3}\u{1}\u{2}\u{0}\u{1}", status: 400),
    ]

    @Test("answers and closes", arguments: cases)
    func rejects(_ testCase: Case) async throws {
        try await withTestServer(routes: { router in
            router.get("/hello") { _ in text("hello") }
            router.post("/echo") { request in Response(status: .ok, body: request.body) }
        }) { _, port in
            let client = try RawClient(port: port)
            try client.send(testCase.request)
            let response = try client.readResponse()
            #expect(response.status == testCase.status)
            #expect(response.header("Content-Type") == "application/problem+json")
            #expect(response.header("Connection") == "close")
            #expect(try client.waitForClose())
        }
    }
}
