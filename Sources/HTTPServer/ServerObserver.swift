/// One answered request, as the access log and metrics see it: never the query or the body.
public struct AccessRecord: Sendable {
    /// The method, or "-" when the request line could not be read.
    public var method: String
    /// The matched route pattern, or "-" when none matched.
    public var route: String
    public var status: Int
    /// From the end of the request head to the response handed to the socket; for a streamed
    /// body, to its end (or to where it was cut off).
    public var duration: Duration
    /// The server's id of the request.
    public var requestID: String
    /// The client's `X-Request-Id`, when it sent a valid one.
    public var correlationID: String?

    public init(method: String, route: String, status: Int, duration: Duration, requestID: String, correlationID: String? = nil) {
        self.method = method
        self.route = route
        self.status = status
        self.duration = duration
        self.requestID = requestID
        self.correlationID = correlationID
    }
}

/// Receives connection and request events from the event loops. Called on loop threads:
/// keep it fast and never block.
public protocol ServerObserver: Sendable {
    /// A connection was accepted.
    func connectionOpened()
    /// A connection was closed.
    func connectionClosed()
    /// A response was written (or handed to the kernel); a streamed one once its stream
    /// ended, failed or was cut off with its connection, never before.
    func requestCompleted(_ record: AccessRecord)
    /// A TLS handshake finished with `version` (e.g. `TLSv1.3`).
    func tlsHandshakeCompleted(version: String)
    /// A TLS handshake failed; `reason` is a short label (`timeout`, `plain_http`, …).
    func tlsHandshakeFailed(reason: String)
}

extension ServerObserver {
    public func tlsHandshakeCompleted(version: String) {}
    public func tlsHandshakeFailed(reason: String) {}
}

/// Wraps the handling of a request: authentication, CORS, rate limits and the like.
public protocol Middleware: Sendable {
    /// Answers `request`, usually by calling `next`.
    func respond(to request: Request, next: Router.Handler) async throws -> Response
}
