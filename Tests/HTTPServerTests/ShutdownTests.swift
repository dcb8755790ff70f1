import HTTPServer
import HTTPTestSupport
import Logging
import Testing

/// Graceful shutdown, as Go's `Shutdown`: stop accepting, close idle connections, finish
/// requests in flight with `Connection: close`, then stop.
@Suite struct ShutdownTests {
    @Test("in-flight requests finish with Connection: close; idle connections and new ones are refused")
    func finishesInFlight() async throws {
        let gate = Gate()
        let started = Gate()
        var configuration = ServerConfiguration()
        configuration.port = 0
        // One loop: it closes its listener and its idle connections in one step, so once the
        // idle connection is seen closed, the listener is closed too. With several loops each
        // closes its own listener on its own time.
        configuration.eventLoops = 1
        // Only the shutdown may close the idle connection: when the tests beside this one hold
        // the cooperative pool for a minute, the keep-alive timeout closed it first, and the
        // check below then ran before the loop had closed its listener.
        configuration.keepAliveTimeout = .seconds(600)
        var router = Router()
        router.get("/wait") { _ in
            started.open()
            await gate.wait()
            return text("finished")
        }
        router.get("/hello") { _ in text("hello") }
        let server = Server(configuration: configuration, router: router, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let port = try server.start()

        let idle = try RawClient(port: port)
        try idle.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try idle.readResponse().status == 200)
        let busy = try RawClient(port: port)
        try busy.send("GET /wait HTTP/1.1\r\nHost: t\r\n\r\n")
        await started.wait()

        server.shutdown()
        #expect(try idle.waitForClose())
        #expect(throws: RawClient.Failure.self) { _ = try RawClient(port: port) }
        gate.open()
        let response = try busy.readResponse()
        #expect(response.text == "finished")
        #expect(response.header("Connection") == "close")
        #expect(try busy.waitForClose())
        await server.waitUntilStopped()
    }

    @Test("a response stream in flight finishes within the grace period, then its connection closes")
    func streamFinishes() async throws {
        let waiting = Gate()
        let release = Gate()
        var configuration = ServerConfiguration()
        configuration.port = 0
        // Long: the server must stop because the stream ended, not because time ran out.
        configuration.shutdownGracePeriod = .seconds(60)
        var router = Router()
        router.get("/export") { _ in pausedStream(waiting: waiting, release: release) }
        let server = Server(configuration: configuration, router: router, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let port = try server.start()
        let client = try RawClient(port: port)
        try client.send("GET /export HTTP/1.1\r\nHost: t\r\n\r\n")
        await waiting.wait()

        server.shutdown()
        release.open()
        let response = try client.readResponse()
        #expect(response.text == "first second")
        // Its head went out before the shutdown, without `Connection: close`; the connection
        // closes once the body is complete.
        #expect(try client.waitForClose())
        await server.waitUntilStopped()
    }

    @Test("a request still running at the end of the grace period is cut off and the server stops")
    func gracePeriodEnds() async throws {
        let gate = Gate()
        let started = Gate()
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.shutdownGracePeriod = .milliseconds(200)
        var router = Router()
        router.get("/wait") { _ in
            started.open()
            await gate.wait()
            return text("too late")
        }
        let server = Server(configuration: configuration, router: router, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let port = try server.start()
        let busy = try RawClient(port: port, timeout: .seconds(3))
        try busy.send("GET /wait HTTP/1.1\r\nHost: t\r\n\r\n")
        await started.wait()
        server.shutdown()
        #expect(try busy.waitForClose())
        await server.waitUntilStopped()
        gate.open()  // the abandoned handler finishes off the stopped loop without harm
    }
}
