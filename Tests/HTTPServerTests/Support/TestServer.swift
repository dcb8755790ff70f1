import HTTPServer
import Logging
import Synchronization

/// Runs a real server on 127.0.0.1 with an ephemeral port for the duration of `body`, then
/// shuts it down and waits for it to stop.
func withTestServer(
    configure: (inout ServerConfiguration) -> Void = { _ in },
    middleware: [any Middleware] = [],
    observers: [any ServerObserver] = [],
    logger: Logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
    routes: (inout Router) -> Void,
    _ body: (Server, Int) async throws -> Void
) async throws {
    var configuration = ServerConfiguration()
    configuration.port = 0
    configuration.eventLoops = 2
    configure(&configuration)
    var router = Router()
    routes(&router)
    let server = Server(configuration: configuration, router: router, middleware: middleware, observers: observers, logger: logger)
    let port = try server.start()
    do {
        try await body(server, port)
    } catch {
        server.shutdown()
        await server.waitUntilStopped()
        throw error
    }
    server.shutdown()
    await server.waitUntilStopped()
}

/// A response with a text body.
func text(_ body: String, status: HTTPStatus = .ok) -> Response {
    Response(status: status, body: Array(body.utf8), contentType: "text/plain; charset=utf-8")
}

/// A one-shot signal a test opens to let a waiting handler go on.
final class Gate: Sendable {
    private let state = Mutex<(isOpen: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let isOpen = state.withLock { state in
                if !state.isOpen { state.waiters.append(continuation) }
                return state.isOpen
            }
            if isOpen { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state in
            state.isOpen = true
            defer { state.waiters = [] }
            return state.waiters
        }
        waiters.forEach { $0.resume() }
    }
}

/// A streamed body of "first " and "second" that, asked for its second piece (the head and
/// the first piece are out by then), opens `waiting` and holds until `release` opens.
func pausedStream(waiting: Gate, release: Gate) -> Response {
    let calls = Counter()
    return Response(status: .ok) {
        switch calls.next() {
        case 1: return Array("first ".utf8)
        case 2:
            waiting.open()
            await release.wait()
            return Array("second".utf8)
        default: return nil
        }
    }
}

/// Records what the server reports, for assertions.
final class RecordingObserver: ServerObserver {
    private let records = Mutex<[AccessRecord]>([])
    /// Opens when the server closes a connection, for tests that wait for one to go.
    let connectionClosedGate = Gate()

    var completed: [AccessRecord] { records.withLock { $0 } }

    func connectionOpened() {}
    func connectionClosed() { connectionClosedGate.open() }
    func requestCompleted(_ record: AccessRecord) { records.withLock { $0.append(record) } }
}

/// Counts calls from any thread.
final class Counter: Sendable {
    private let count = Atomic<Int>(0)

    /// Counts one more and returns the new count.
    func next() -> Int { count.wrappingAdd(1, ordering: .relaxed).newValue }

    var value: Int { count.load(ordering: .relaxed) }
}
