import Dispatch
import HTTPServer
import HTTPTestSupport
import Logging
import Synchronization
import Testing

/// The server end to end over real sockets: framing, persistence, pipelining, errors.
@Suite struct ServerTests {
    static func routes(_ router: inout Router) {
        router.get("/hello") { _ in text("hello") }
        router.get("/items/{id}") { request in text("item \(request.parameters["id"] ?? "?")") }
        router.post("/echo") { request in Response(status: .ok, body: request.body, contentType: "application/octet-stream") }
        router.post("/small", maxBodyBytes: 16) { request in text("\(request.body.count)") }
        router.get("/delayed/{ms}") { request in
            try await Task.sleep(for: .milliseconds(Int(request.parameters["ms"]!)!))
            return text("delayed \(request.parameters["ms"]!)")
        }
        router.get("/fails") { _ in
            struct Boom: Error {}
            throw Boom()
        }
    }

    @Test("every response has Date, Content-Length, Content-Type and X-Request-Id")
    func requiredHeaders() async throws {
        try await withTestServer(routes: Self.routes) { _, port in
            let client = try RawClient(port: port)
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.text == "hello")
            #expect(response.header("Content-Length") == "5")
            #expect(response.header("Content-Type") == "text/plain; charset=utf-8")
            #expect(response.header("Date")?.hasSuffix(" GMT") == true)
            #expect(!(response.header("X-Request-Id") ?? "").isEmpty)

            try client.send("GET /nowhere HTTP/1.1\r\nHost: t\r\n\r\n")
            let missing = try client.readResponse()
            #expect(missing.status == 404)
            #expect(missing.header("Content-Type") == "application/problem+json")
            #expect(missing.header("Date") != nil && missing.header("X-Request-Id") != nil)
        }
    }

    @Test("a valid incoming X-Request-Id is echoed, an invalid one replaced")
    func requestIDs() async throws {
        try await withTestServer(routes: Self.routes) { _, port in
            let client = try RawClient(port: port)
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\nX-Request-Id: abc-123.x_y\r\n\r\n")
            #expect(try client.readResponse().header("X-Request-Id") == "abc-123.x_y")
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\nX-Request-Id: has space\r\n\r\n")
            let replaced = try client.readResponse().header("X-Request-Id")
            #expect(replaced != nil && replaced != "has space")
        }
    }

    @Test("keep-alive serves several requests on one connection")
    func keepAlive() async throws {
        try await withTestServer(routes: Self.routes) { _, port in
            let client = try RawClient(port: port)
            for id in 1...5 {
                try client.send("GET /items/\(id) HTTP/1.1\r\nHost: t\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.text == "item \(id)")
                #expect(response.header("Connection") == nil)
            }
        }
    }

    @Test("pipelined requests are answered in order, even when an earlier one is slower")
    func pipelining() async throws {
        try await withTestServer(routes: Self.routes) { _, port in
            let client = try RawClient(port: port)
            try client.send(
                "GET /delayed/50 HTTP/1.1\r\nHost: t\r\n\r\n"
                + "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"
                + "GET /items/7 HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /delayed/1 HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().text == "delayed 50")
            #expect(try client.readResponse().text == "abc")
            #expect(try client.readResponse().text == "item 7")
            #expect(try client.readResponse().text == "delayed 1")
        }
    }

    @Test("Connection: close is honoured and the connection closed after the response")
    func connectionClose() async throws {
        try await withTestServer(routes: Self.routes) { _, port in
            let client = try RawClient(port: port)
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.header("Connection") == "close")
            #expect(try client.waitForClose())
        }
    }

    @Test("HTTP/1.0 closes by default and keeps alive when asked")
    func http10() async throws {
        try await withTestServer(routes: Self.routes) { _, port in
            let plain = try RawClient(port: port)
            try plain.send("GET /hello HTTP/1.0\r\n\r\n")
            let first = try plain.readResponse()
            #expect(first.status == 200)
            #expect(first.header("Connection") == "close")
            #expect(try plain.waitForClose())

            let kept = try RawClient(port: port)
            try kept.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try kept.readResponse().header("Connection") == "keep-alive")
            try kept.send("GET /items/2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try kept.readResponse().text == "item 2")
        }
    }

    @Test("HEAD gives GET's headers and length without the body")
    func head() async throws {
        try await withTestServer(routes: Self.routes) { _, port in
            let client = try RawClient(port: port)
            try client.send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try client.readResponse(isHead: true)
            #expect(response.status == 200)
            #expect(response.header("Content-Length") == "5")
            // Had a body been sent, it would be read as the start of this response.
            try client.send("GET /items/3 HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().text == "item 3")
        }
    }

    @Test("Content-Length and chunked bodies arrive intact, across several writes")
    func bodies() async throws {
        try await withTestServer(routes: Self.routes) { _, port in
            let client = try RawClient(port: port)
            let payload = (0..<100_000).map { UInt8($0 % 251) }
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: \(payload.count)\r\n\r\n")
            try client.send(Array(payload[0..<30_000]))
            try client.send(Array(payload[30_000...]))
            #expect(try client.readResponse().body == payload)

            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel")
            try client.send("lo\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n")
            #expect(try client.readResponse().text == "hello world")
        }
    }

    @Test("a request with 100 small header fields of its own besides Host is served")
    func hundredHeaders() async throws {
        try await withTestServer(routes: Self.routes) { _, port in
            let client = try RawClient(port: port)
            let fields = (1...100).map { "X-Field-\($0): value \($0)\r\n" }.joined()
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nUser-Agent: test\r\nAccept: */*\r\n\(fields)Content-Length: 2\r\n\r\nok")
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.text == "ok")
        }
    }

    @Test("Expect: 100-continue gets an interim 100 before the body is sent")
    func expectContinue() async throws {
        try await withTestServer(routes: Self.routes) { _, port in
            let client = try RawClient(port: port)
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
            #expect(try client.readResponse().status == 100)
            try client.send("ping")
            #expect(try client.readResponse().text == "ping")
        }
    }

    @Test("a declared body over the route's limit is refused with 413 without being read")
    func bodyTooLarge() async throws {
        try await withTestServer(configure: { $0.maxBodyBytes = 1024 }, routes: Self.routes) { _, port in
            let client = try RawClient(port: port)
            // The body is never sent: the answer must come from the declared length alone.
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 11534336\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 413)
            #expect(response.header("Connection") == "close")
            #expect(try client.waitForClose())

            let small = try RawClient(port: port)
            try small.send("POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: 17\r\nExpect: 100-continue\r\n\r\n")
            #expect(try small.readResponse().status == 413)
        }
    }

    @Test("404 and 405 with Allow are problem documents")
    func notFoundAndMethodNotAllowed() async throws {
        try await withTestServer(routes: Self.routes) { _, port in
            let client = try RawClient(port: port)
            try client.send("DELETE /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 405)
            #expect(response.header("Allow") == "GET, HEAD")
            #expect(response.text.contains(#""type":"/problems/method-not-allowed""#))
        }
    }

    @Test("a handler that throws gives a 500 problem, logged with the request id, and the server goes on")
    func handlerError() async throws {
        let store = CapturingLogHandler.Store()
        let logger = Logger(label: "test") { _ in CapturingLogHandler(store: store) }
        try await withTestServer(logger: logger, routes: Self.routes) { _, port in
            let client = try RawClient(port: port)
            try client.send("GET /fails HTTP/1.1\r\nHost: t\r\nX-Request-Id: boom-1\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 500)
            #expect(response.header("Content-Type") == "application/problem+json")
            #expect(!response.text.contains("Boom"))
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 200)
        }
        let errors = store.lines.withLock { $0.filter { $0.level == .error } }
        #expect(errors.count == 1)
        #expect(errors.first?.metadata["correlation_id"] == "boom-1")
        #expect(errors.first?.metadata["request_id"] != nil)
        #expect(errors.first?.metadata["route"] == "/fails")
    }

    @Test("a request waiting on blocking work does not delay others, on the same loop or another")
    func slowRequestDoesNotBlockFast() async throws {
        let release = DispatchSemaphore(value: 0)
        let started = Gate()
        try await withTestServer(configure: { $0.eventLoops = 1 }, routes: { router in
            router.get("/hello") { _ in text("hello") }
            // Blocking work done where blocking work belongs: on a thread of its own, as the
            // database pool does.
            router.get("/blocking") { _ in
                started.open()
                await withCheckedContinuation { continuation in
                    DispatchQueue.global().async {
                        release.wait()
                        continuation.resume()
                    }
                }
                return text("done")
            }
        }) { _, port in
            let slow = try RawClient(port: port)
            try slow.send("GET /blocking HTTP/1.1\r\nHost: t\r\n\r\n")
            await started.wait()
            for _ in 0..<20 {
                let fast = try RawClient(port: port, timeout: .seconds(2))
                try fast.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try fast.readResponse().status == 200)
            }
            release.signal()
            #expect(try slow.readResponse().text == "done")
        }
    }

    @Test("connections over the limit are answered 503 and closed")
    func connectionLimit() async throws {
        try await withTestServer(configure: { $0.maxConnections = 2; $0.eventLoops = 1 }, routes: Self.routes) { _, port in
            let first = try RawClient(port: port)
            let second = try RawClient(port: port)
            for client in [first, second] {
                try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try client.readResponse().status == 200)
            }
            let third = try RawClient(port: port)
            let refused = try third.readResponse()
            #expect(refused.status == 503)
            #expect(refused.header("Retry-After") == "1")
            #expect(try third.waitForClose())
            // The two held connections are still served.
            try first.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try first.readResponse().status == 200)
        }
    }

    @Test("the observer sees method, route pattern, status and request id, never the query")
    func accessRecords() async throws {
        let observer = RecordingObserver()
        try await withTestServer(observers: [observer], routes: Self.routes) { _, port in
            let client = try RawClient(port: port)
            try client.send("GET /items/42?nik=3507012345670001 HTTP/1.1\r\nHost: t\r\nX-Request-Id: r1\r\n\r\n")
            _ = try client.readResponse()
            try client.send("GET / HTTP/9.9\r\n\r\n")
            _ = try client.readResponse()
        }
        let records = observer.completed
        #expect(records.count == 2)
        #expect(records.first?.route == "/items/{id}")
        #expect(records.first?.method == "GET")
        #expect(records.first?.status == 200)
        #expect(records.first?.correlationID == "r1")
        #expect(records.first?.requestID != "r1")
        #expect(records.last?.status == 505)
    }
}
