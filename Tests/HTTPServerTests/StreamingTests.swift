import Foundation
import HTTPServer
import HTTPTestSupport
import Logging
import Synchronization
import Testing

/// Streamed response bodies end to end: chunked framing, backpressure from a slow reader,
/// failures mid-way, HEAD, HTTP/1.0 and what follows on the connection.
@Suite struct StreamingTests {
    struct Boom: Error {}

    /// `/count/{n}`: n pieces `line 1\n` … `line n\n`; `/sparse/{n}`: the same with an empty
    /// piece before each; `/fails-after/{n}`: n one-letter pieces, then a throw.
    static func routes(_ router: inout Router) {
        router.get("/hello") { _ in text("hello") }
        router.get("/count/{n}") { request in
            let total = Int(request.parameters["n"]!)!
            let calls = Counter()
            return Response(status: .ok, headers: HTTPHeaders([("Content-Type", "text/csv")])) {
                let index = calls.next()
                return index <= total ? Array("line \(index)\n".utf8) : nil
            }
        }
        router.get("/sparse/{n}") { request in
            let total = Int(request.parameters["n"]!)!
            let calls = Counter()
            return Response(status: .ok) {
                let call = calls.next()
                if call > 2 * total { return nil }
                return call % 2 == 1 ? [] : Array("line \(call / 2)\n".utf8)
            }
        }
        router.get("/fails-after/{n}") { request in
            let total = Int(request.parameters["n"]!)!
            let calls = Counter()
            return Response(status: .ok) {
                let index = calls.next()
                guard index <= total else { throw Boom() }
                return [UInt8(ascii: "a") + UInt8(index - 1)]
            }
        }
    }

    static func lines(_ count: Int) -> String {
        (1...count).map { "line \($0)\n" }.joined()
    }

    @Test("many pieces arrive in order as chunks, and the connection serves the next request")
    func manyPieces() async throws {
        let observer = RecordingObserver()
        try await withTestServer(observers: [observer], routes: Self.routes) { _, port in
            let client = try RawClient(port: port)
            try client.send("GET /count/5000 HTTP/1.1\r\nHost: t\r\nX-Request-Id: many-1\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.header("Transfer-Encoding") == "chunked")
            #expect(response.header("Content-Length") == nil)
            #expect(response.header("Content-Type") == "text/csv")
            #expect(response.header("Connection") == nil)
            #expect(response.text == Self.lines(5000))
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().text == "hello")
        }
        let records = observer.completed
        #expect(records.map(\.correlationID).filter { $0 == "many-1" }.count == 1)
        #expect(records.first?.route == "/count/{n}")
        #expect(records.first?.status == 200)
    }

    @Test("empty pieces are skipped, not taken for the last chunk")
    func emptyPieces() async throws {
        try await withTestServer(routes: Self.routes) { _, port in
            let client = try RawClient(port: port)
            try client.send("GET /sparse/50 HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().text == Self.lines(50))
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().text == "hello")
        }
    }

    @Test("a client that stops reading stops the pulling; the write idle timeout then closes it", .timeLimit(.minutes(1)))
    func slowReader() async throws {
        let pieceSize = 64 * 1024
        let piece = [UInt8](repeating: UInt8(ascii: "x"), count: pieceSize)
        let pulled = Counter()
        let observer = RecordingObserver()
        try await withTestServer(
            configure: { $0.bodyIdleTimeout = .milliseconds(300) }, observers: [observer],
            routes: { router in
                router.get("/big") { _ in
                    Response(status: .ok) { pulled.next() <= 10_000 ? piece : nil }
                }
            }
        ) { _, port in
            let receiveBuffer = 64 * 1024
            let client = try RawClient(port: port, receiveBuffer: receiveBuffer)
            try client.send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n")
            let read = try client.read(count: 1 << 20)
            #expect(read.starts(with: Array("HTTP/1.1 200 OK\r\n".utf8)))
            // The client stops reading. Once the socket buffers are full the server cannot
            // write, and after the write idle timeout it closes the connection; from then on
            // the count cannot grow.
            await observer.connectionClosedGate.wait()
            // What can be outside the client's hands: what it read (its last read may have
            // gone past 1 MiB by a read's worth), its receive buffer (doubled by the kernel),
            // the server's send buffer (autotuned up to tcp_wmem's maximum), one piece
            // queued in the connection and one being pulled.
            let sendBufferMax = (try? String(contentsOfFile: "/proc/sys/net/ipv4/tcp_wmem", encoding: .utf8))
                .flatMap { $0.split(whereSeparator: \.isWhitespace).last.flatMap { Int($0) } } ?? 4 << 20
            let bound = ((1 << 20) + 64 * 1024 + 2 * receiveBuffer + sendBufferMax) / pieceSize + 2
            #expect(pulled.value <= bound, "pulled \(pulled.value) pieces of 64 KiB, at most \(bound) fit")
            #expect(pulled.value >= 16)
        }
        // Cut off, still logged once.
        #expect(observer.completed.count == 1)
    }

    @Test("a stream that throws truncates the body, without the last chunk, and is logged with the request id")
    func throwingStream() async throws {
        let store = CapturingLogHandler.Store()
        let logger = Logger(label: "test") { _ in CapturingLogHandler(store: store) }
        try await withTestServer(logger: logger, routes: Self.routes) { _, port in
            let client = try RawClient(port: port)
            try client.send("GET /fails-after/3 HTTP/1.1\r\nHost: t\r\nX-Request-Id: stream-1\r\n\r\n")
            #expect(throws: RawClient.Failure.self) { try client.readResponse() }

            // On the wire: the head, three chunks, then the end of the connection.
            let raw = try RawClient(port: port)
            try raw.send("GET /fails-after/3 HTTP/1.1\r\nHost: t\r\nX-Request-Id: stream-2\r\n\r\n")
            let text = String(decoding: try raw.readToEnd(), as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(text.hasSuffix("\r\n\r\n1\r\na\r\n1\r\nb\r\n1\r\nc\r\n"))
        }
        let errors = store.lines.withLock { $0.filter { $0.level == .error } }
        #expect(errors.map(\.message) == ["response stream failed", "response stream failed"])
        #expect(errors.map { $0.metadata["correlation_id"] } == ["stream-1", "stream-2"])
        #expect(errors.allSatisfy { $0.metadata["request_id"] != nil && $0.metadata["request_id"] != $0.metadata["correlation_id"] })
        #expect(errors.first?.metadata["route"] == "/fails-after/{n}")
    }

    @Test("HTTP/1.0 gets a close-delimited body and the connection closed, even when asked to keep it")
    func http10() async throws {
        try await withTestServer(routes: Self.routes) { _, port in
            let client = try RawClient(port: port)
            try client.send("GET /count/300 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.header("Connection") == "close")
            #expect(response.header("Transfer-Encoding") == nil)
            #expect(response.header("Content-Length") == nil)
            #expect(response.text == Self.lines(300))
        }
    }

    @Test("HTTP/1.0: a stream that throws resets the connection, so the body cannot pass for complete")
    func http10Throwing() async throws {
        try await withTestServer(routes: Self.routes) { _, port in
            let client = try RawClient(port: port)
            try client.send("GET /fails-after/3 HTTP/1.0\r\n\r\n")
            // A clean end of stream would end a close-delimited body: it must be an error.
            #expect(throws: RawClient.Failure.self) { try client.readResponse() }
        }
    }

    @Test("HEAD gets the head, framed as GET's would be, and the stream is never called")
    func head() async throws {
        let calls = Counter()
        try await withTestServer(routes: { router in
            router.get("/hello") { _ in text("hello") }
            router.get("/export") { _ in
                Response(status: .ok) { calls.next() == 1 ? Array("data".utf8) : nil }
            }
        }) { _, port in
            let client = try RawClient(port: port)
            try client.send("HEAD /export HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try client.readResponse(isHead: true)
            #expect(response.status == 200)
            #expect(response.header("Transfer-Encoding") == "chunked")
            #expect(response.header("Content-Length") == nil)
            // Had a body been sent, it would be read as the start of this response.
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().text == "hello")
        }
        #expect(calls.value == 0)
    }

    @Test("requests pipelined behind a streamed response are answered in order")
    func pipelined() async throws {
        try await withTestServer(routes: Self.routes) { _, port in
            let client = try RawClient(port: port)
            try client.send(
                "GET /count/2000 HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /count/3 HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().text == Self.lines(2000))
            #expect(try client.readResponse().text == "hello")
            #expect(try client.readResponse().text == Self.lines(3))
        }
    }

    @Test("the observer sees a streamed request when its last piece is out, not before")
    func observedOnCompletion() async throws {
        let observer = RecordingObserver()
        let waiting = Gate()
        let release = Gate()
        try await withTestServer(observers: [observer], routes: { router in
            router.get("/slow") { _ in pausedStream(waiting: waiting, release: release) }
        }) { _, port in
            let client = try RawClient(port: port)
            try client.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
            await waiting.wait()
            #expect(observer.completed.isEmpty)
            release.open()
            #expect(try client.readResponse().text == "first second")
            #expect(observer.completed.map(\.status) == [200])
        }
    }
}
