public import HTTPServer

/// CORS for partner web frontends (Fetch standard): allow-listed origins only; preflight
/// `OPTIONS` requests are answered here, before authentication, as browsers send them
/// without credentials.
public struct CORS: Middleware {
    private let allowedOrigins: Set<String>

    public init(allowedOrigins: [String]) {
        self.allowedOrigins = Set(allowedOrigins)
    }

    static let allowedMethods = "GET, POST, PUT, PATCH, DELETE"
    static let allowedHeaders = "Authorization, Content-Type, If-Match, Idempotency-Key, X-Request-Id, X-Cons-Id, X-Timestamp, X-Signature"
    static let exposedHeaders = "X-Request-Id, ETag, Location, Retry-After"

    public func respond(to request: Request, next: Router.Handler) async throws -> Response {
        guard let origin = request.headers["Origin"], allowedOrigins.contains(origin) else {
            return try await next(request)
        }
        if request.method == .options, request.headers.contains("Access-Control-Request-Method") {
            var response = Response(status: .noContent)
            response.headers.add("Access-Control-Allow-Origin", origin)
            response.headers.add("Access-Control-Allow-Methods", Self.allowedMethods)
            response.headers.add("Access-Control-Allow-Headers", Self.allowedHeaders)
            response.headers.add("Access-Control-Max-Age", "600")
            response.headers.add("Vary", "Origin")
            return response
        }
        var response = try await next(request)
        response.headers.set("Access-Control-Allow-Origin", origin)
        response.headers.set("Access-Control-Expose-Headers", Self.exposedHeaders)
        response.headers.add("Vary", "Origin")
        return response
    }
}
