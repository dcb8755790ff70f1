/// A complete request as handlers see it: head, whole body (or the file it was spooled to),
/// route and request id.
public struct Request: Sendable {
    public var method: HTTPMethod
    /// The path, still percent-encoded, without the query.
    public var path: String
    /// The raw query string after `?`, or nil.
    public var query: String?
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// For a route that spools its body (`Router.add(spoolsBody: true)`): the file holding it;
    /// `body` is empty then.
    public var spooledBody: SpooledBody?
    /// The server's id for this request, unique per process run; the audit log records it.
    public var id: String
    /// The client's `X-Request-Id` when it sent a valid one: echoed in the response and logged
    /// beside `id`, for correlation only.
    public var correlationID: String?
    /// The matched route pattern (`/v1/members/{id}`), or nil when no route matched.
    public var route: String?
    /// Path parameters of the matched route, percent-decoded.
    public var parameters: [String: String]
    /// Minor version of HTTP/1.x.
    public var minorVersion: Int
    /// Lowercase hex SHA-256 of the verified TLS client certificate's DER bytes, or nil.
    public var clientCertificateSHA256: String?
    /// What the router made of method and path; the innermost responder runs it.
    var resolution: Router.Match = .notFound

    /// A request; the server builds these, tests may too.
    public init(
        method: HTTPMethod, path: String, query: String? = nil, headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = [], id: String = "test", route: String? = nil, parameters: [String: String] = [:],
        minorVersion: Int = 1
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.id = id
        self.route = route
        self.parameters = parameters
        self.minorVersion = minorVersion
    }

    /// The query parameters, percent-decoded, `+` read as a space.
    ///
    /// - Throws: `RequestError.invalidQuery` for a malformed percent-escape or invalid UTF-8.
    public func queryParameters() throws(RequestError) -> QueryParameters {
        guard let query else { return QueryParameters(items: []) }
        return try QueryParameters(parsing: query)
    }
}

/// A request the server read but the handler cannot use as sent.
public enum RequestError: Error, Sendable, Equatable, ProblemConvertible {
    case invalidQuery

    public var problem: Problem {
        switch self {
        case .invalidQuery:
            Problem(slug: "malformed-request", title: "Bad Request", status: .badRequest,
                    detail: "The query string holds an invalid percent-escape or invalid UTF-8.")
        }
    }
}
