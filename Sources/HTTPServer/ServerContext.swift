internal import Logging
internal import Synchronization
internal import TLS

/// What every loop and connection of one server shares: settings, routes, the responder
/// chain, the observer and the connection count.
final class ServerContext: Sendable {
    let configuration: ServerConfiguration
    let router: Router
    let observers: [any ServerObserver]
    let logger: Logger
    /// Prefix of generated request ids, different for every server start.
    let requestIDPrefix: String
    // Timeouts in nanoseconds, as the loops compare them.
    let headerTimeout: UInt64
    let bodyIdleTimeout: UInt64
    let keepAliveTimeout: UInt64
    /// The deadline of a request body still arriving: idle timeout and minimum rate.
    let bodyDeadline: BodyDeadline
    /// How often loops look for connections past their deadline.
    let sweepInterval: UInt64
    private let responder: Router.Handler
    private let openConnections = Atomic<Int>(0)
    private let runningLoops: Atomic<Int>
    private let onStopped: @Sendable () -> Void
    private let tls: Mutex<TLSContext?>

    init(
        configuration: ServerConfiguration, router: Router, middleware: [any Middleware],
        observers: [any ServerObserver], logger: Logger, onStopped: @escaping @Sendable () -> Void
    ) {
        self.configuration = configuration
        self.router = router
        self.observers = observers
        self.logger = logger
        self.onStopped = onStopped
        self.tls = Mutex(configuration.tls)
        runningLoops = Atomic(configuration.eventLoops)
        requestIDPrefix = String(UInt32.random(in: 0x1000_0000...UInt32.max), radix: 16) + "-"
        headerTimeout = configuration.headerTimeout.nanoseconds
        bodyIdleTimeout = configuration.bodyIdleTimeout.nanoseconds
        keepAliveTimeout = configuration.keepAliveTimeout.nanoseconds
        bodyDeadline = BodyDeadline(
            idleTimeout: bodyIdleTimeout, grace: headerTimeout,
            minimumBytesPerSecond: configuration.minimumBodyBytesPerSecond)
        // A quarter of the shortest timeout, between 5 ms and 1 s: tiny timeouts in tests stay
        // accurate, and the default ones cost one sweep a second.
        let shortest = min(headerTimeout, bodyIdleTimeout, keepAliveTimeout)
        sweepInterval = min(max(shortest / 4, 5_000_000), 1_000_000_000)

        // The innermost responder runs what the router resolved; middleware wraps it.
        // The innermost responder runs what the router resolved and turns its errors into
        // problem responses, so middleware (CORS, security headers) sees every answer as a
        // response, errors included.
        let logger = logger
        var chain: Router.Handler = { request in
            do {
                switch request.resolution {
                case .found(let route, _): return try await route.handler(request)
                case .methodNotAllowed(let allow): throw Problem.methodNotAllowed(allow: allow)
                case .notFound: throw Problem.notFound
                }
            } catch {
                return Self.errorResponse(error, to: request, logger: logger)
            }
        }
        for layer in middleware.reversed() {
            let next = chain
            chain = { request in try await layer.respond(to: request, next: next) }
        }
        responder = chain
    }

    /// Runs the responder chain; every error becomes a problem response, and the ones that
    /// are not problems are logged with the request id as the 500 they turn into.
    func respond(to request: Request) async -> Response {
        do {
            return try await responder(request)
        } catch {
            // Only middleware can still throw here.
            return Self.errorResponse(error, to: request, logger: logger)
        }
    }

    /// A problem response for `error`; errors that are not problems are logged with the
    /// request id and become a generic 500.
    static func errorResponse(_ error: any Error, to request: Request, logger: Logger) -> Response {
        if let error = error as? any ProblemConvertible {
            return error.problem.response(instance: request.path)
        }
        // A client quotes the X-Request-Id it was answered with, its own when it sent one.
        var metadata: Logger.Metadata = [
            "request_id": .string(request.id),
            "route": .string(request.route ?? "-"),
            "error_type": .string(String(reflecting: type(of: error))),
            "error": .string(String(describing: error)),
        ]
        if let correlationID = request.correlationID { metadata["correlation_id"] = .string(correlationID) }
        logger.error("handler failed", metadata: metadata)
        return Problem.internalError.response(instance: request.path)
    }

    /// Logs a response stream that threw after its head was sent, with the request id; the
    /// client gets a truncated body, not a problem document.
    func logStreamFailure(_ error: any Error, requestID: String, correlationID: String?, route: String) {
        var metadata: Logger.Metadata = [
            "request_id": .string(requestID),
            "route": .string(route),
            "error_type": .string(String(reflecting: type(of: error))),
            "error": .string(String(describing: error)),
        ]
        if let correlationID { metadata["correlation_id"] = .string(correlationID) }
        logger.error("response stream failed", metadata: metadata)
    }

    /// Hands a finished request to every observer.
    func recordCompleted(_ record: AccessRecord) {
        for observer in observers { observer.requestCompleted(record) }
    }

    /// The TLS configuration new connections use, or nil for plain HTTP.
    var currentTLS: TLSContext? { tls.withLock { $0 } }

    /// Makes `context` the one new connections use; established ones keep theirs.
    func replaceTLS(_ context: TLSContext) {
        tls.withLock { $0 = context }
    }

    func tlsHandshakeCompleted(version: String) {
        for observer in observers { observer.tlsHandshakeCompleted(version: version) }
    }

    func tlsHandshakeFailed(reason: String) {
        for observer in observers { observer.tlsHandshakeFailed(reason: reason) }
    }

    /// Counts a new connection; false when the limit is reached.
    func reserveConnection() -> Bool {
        let count = openConnections.wrappingAdd(1, ordering: .relaxed).newValue
        if count > configuration.maxConnections {
            openConnections.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func releaseConnection() {
        openConnections.wrappingSubtract(1, ordering: .relaxed)
    }

    /// Connections open across loops.
    var connectionCount: Int { openConnections.load(ordering: .relaxed) }

    /// Called by each loop as its thread ends; the last one reports the server stopped.
    func loopFinished() {
        if runningLoops.wrappingSubtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
            onStopped()
        }
    }
}
