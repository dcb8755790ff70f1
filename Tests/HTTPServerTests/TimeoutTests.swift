import Foundation
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

    @Test("a body trickling in below the minimum rate gets 408, though no pause reaches the idle timeout")
    func bodyBelowMinimumRate() async throws {
        try await withTestServer(configure: { configuration in
            configuration.headerTimeout = .milliseconds(200)
            // Far beyond the test: only the rate can answer while the bytes go on.
            configuration.bodyIdleTimeout = .seconds(30)
            // A body of n bytes has 200 ms + n / 100 s: a byte every 25 ms (40 bytes a
            // second, fewer if the test is slowed) falls behind after about a third of a second.
            configuration.minimumBodyBytesPerSecond = 100
        }, routes: Self.routes) { _, port in
            let client = try RawClient(port: port, timeout: .seconds(3))
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n")
            // For up to 120 bytes: were only the idle timeout to apply, no answer could come
            // while this goes on.
            var answeredWhileSending = false
            for _ in 0..<120 {
                if client.hasPendingInput {
                    answeredWhileSending = true
                    break
                }
                try? client.send("x")
                try await Task.sleep(for: .milliseconds(25))
            }
            #expect(answeredWhileSending)
            let response = try client.readResponse()
            #expect(response.status == 408)
            #expect(response.header("Content-Type") == "application/problem+json")
            #expect(response.header("Connection") == "close")
            #expect(try client.waitForClose())
        }
    }

    @Test("a body that keeps the minimum rate is read to its end, past the grace period")
    func bodyAtMinimumRate() async throws {
        try await withTestServer(configure: { configuration in
            configuration.headerTimeout = .milliseconds(200)
            configuration.bodyIdleTimeout = .seconds(30)
            // Sent at ten times the rate: 64 bytes every 25 ms for half a second, which is
            // past the 200 ms grace, so only the bytes earned keep the body going.
            configuration.minimumBodyBytesPerSecond = 256
        }, routes: Self.routes) { _, port in
            let pieces = 20
            // Paced on a thread of its own: other tests' blocking reads can hold the test
            // executor's threads, and a delayed wake-up would slow the body below the rate.
            let status = try await onOwnThread {
                let client = try RawClient(port: port, timeout: .seconds(5))
                try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: \(pieces * 64)\r\n\r\n")
                for _ in 0..<pieces {
                    try client.send(String(repeating: "y", count: 64))
                    usleep(25_000)
                }
                let response = try client.readResponse()
                return (response.status, response.body.count)
            }
            #expect(status.0 == 200)
            #expect(status.1 == pieces * 64)
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

/// Runs `body` on a thread of its own and returns what it returns, for a client that paces
/// itself with blocking sleeps.
private func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
