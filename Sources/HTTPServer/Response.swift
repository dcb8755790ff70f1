/// Produces a response body piece by piece: each call returns the next bytes, or nil at the end.
public typealias ResponseBodyStream = @Sendable () async throws -> [UInt8]?

/// A response to write: status, headers and the whole body, or a stream that produces it.
///
/// The server adds `Date`, `Content-Length` (or `Transfer-Encoding: chunked` for a stream),
/// `X-Request-Id` and `Connection` itself.
public struct Response: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// When set, the body is this stream's pieces and `body` is ignored.
    ///
    /// The connection asks for the next piece only once the previous one has been handed to
    /// the socket, so a slow client holds one piece in memory, not the whole body. Pieces go
    /// out as chunks (close-delimited for HTTP/1.0, which then closes); empty pieces are
    /// skipped. The stream runs as handlers do, preferring the connection's loop, so it must
    /// not block. For HEAD, and statuses without content, it is never called. When it throws,
    /// the error is logged with the request id and the connection closed without the last
    /// chunk, so the client sees a truncated body.
    public var stream: ResponseBodyStream?

    /// A response with explicit headers.
    public init(status: HTTPStatus, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response whose body `stream` produces piece by piece (see `stream`).
    public init(status: HTTPStatus, headers: HTTPHeaders = HTTPHeaders(), stream: @escaping ResponseBodyStream) {
        self.status = status
        self.headers = headers
        self.body = []
        self.stream = stream
    }

    /// A response with a body of the given media type.
    public init(status: HTTPStatus, body: [UInt8], contentType: String) {
        self.status = status
        self.headers = HTTPHeaders([("Content-Type", contentType)])
        self.body = body
    }

    /// A JSON response from already encoded bytes.
    public static func json(_ body: [UInt8], status: HTTPStatus = .ok) -> Response {
        Response(status: status, body: body, contentType: "application/json; charset=utf-8")
    }
}
