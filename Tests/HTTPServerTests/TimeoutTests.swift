import HTTPServer
import HTTPTestSupport
import Testing

/// Timeouts, set tiny here; each wait is bounded from outside by the client's read timeout.
@Suite struct TimeoutTests {
    static func tinyTimeouts(_ configuration: inout ServerConfiguration) {
        configuration.headerTimeout = .milliseconds(200)
        configuration.bodyIdleTimeout = .milliseconds(200)
        configuration.keepAliveTimeout = .milliseconds(300)
    }

    static func routes(_ router: inout Router) {
        router.get("/hello") { _ in text("hello") }
        router.post("/echo") { request in Response(status: .ok, body: request.body) }
    }

    @Test("an unfinished head gets 408 at the header timeout while others are served")
    func headerTimeout() async throws {
        try await withTestServer(configure: Self.tinyTimeouts, routes: Self.routes) { _, port in
            let slow = try RawClient(port: port, timeout: .seconds(3))
            try slow.send("GET /hello HTTP/1.1\r\nHost: t\r\n")
            let other = try RawClient(port: port)
            try other.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try other.readResponse().status == 200)
            let response = try slow.readResponse()
            #expect(response.status == 408)
            #expect(try slow.waitForClose())
        }
    }

    @Test("drip-feeding does not extend the header timeout")
    func dripFeed() async throws {
        try await withTestServer(configure: Self.tinyTimeouts, routes: Self.routes) { _, port in
            let client = try RawClient(port: port, timeout: .seconds(3))
            try client.send("GET /hello HTTP/1.1\r\n")
            // Keep sending header lines, each well within the timeout, for up to 15 timeouts.
            // Were each byte to extend the deadline, no answer could come while this goes on.
            var answeredWhileSending = false
            for index in 0..<120 {
                if client.hasPendingInput {
                    answeredWhileSending = true
                    break
                }
                try? client.send("X-\(index): v\r\n")
                try await Task.sleep(for: .milliseconds(25))
            }
            #expect(answeredWhileSending)
            #expect(try client.readResponse().status == 408)
        }
    }

    @Test("a body that stops arriving gets 408 at the body idle timeout")
    func bodyIdleTimeout() async throws {
        try await withTestServer(configure: Self.tinyTimeouts, routes: Self.routes) { _, port in
            let client = try RawClient(port: port, timeout: .seconds(3))
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
            #expect(try client.readResponse().status == 408)
            #expect(try client.waitForClose())
        }
    }

    @Test("an idle kept-alive connection is closed at the keep-alive timeout")
    func keepAliveTimeout() async throws {
        try await withTestServer(configure: Self.tinyTimeouts, routes: Self.routes) { _, port in
            let client = try RawClient(port: port, timeout: .seconds(3))
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            #expect(try client.waitForClose())
        }
    }
}
