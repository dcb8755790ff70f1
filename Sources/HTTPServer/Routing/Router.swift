/// Maps method and path to a handler; answers 404 for an unknown path and 405 with `Allow`
/// for a known path with another method (unlike Hummingbird and FlyingFox, which fall
/// through to 404).
public struct Router: Sendable {
    /// Handles one request.
    public typealias Handler = @Sendable (Request) async throws -> Response

    /// One registered route.
    public struct Route: Sendable {
        public let method: HTTPMethod
        public let pattern: RoutePattern
        /// Largest request body accepted, or nil for the server default.
        public let maxBodyBytes: Int?
        /// Whether the body goes to a file in `ServerConfiguration.spoolDirectory` as it arrives
        /// (`Request.spooledBody`) instead of into memory.
        public let spoolsBody: Bool
        let handler: Handler
    }

    /// What a method and path resolve to.
    public enum Match: Sendable {
        case found(Route, parameters: [String: String])
        case methodNotAllowed(allow: [HTTPMethod])
        case notFound
    }

    private var routes: [Route] = []
    private var staticRoutes: [String: [Int]] = [:]  // path → indexes into routes
    private var parameterRoutes: [Int] = []

    public init() {}

    /// Every registered route as (method, pattern), for the contract test against the spec.
    public var registeredRoutes: [(method: HTTPMethod, pattern: String)] {
        routes.map { ($0.method, $0.pattern.description) }
    }

    /// Registers `handler` for `method` and `pattern`. Registering a route twice is a
    /// programming error.
    public mutating func add(
        _ method: HTTPMethod, _ pattern: String, maxBodyBytes: Int? = nil, spoolsBody: Bool = false,
        handler: @escaping Handler
    ) {
        let pattern = RoutePattern(pattern)
        precondition(
            !routes.contains { $0.method == method && $0.pattern.overlaps(pattern) },
            "route registered twice: \(method) \(pattern)")
        routes.append(Route(method: method, pattern: pattern, maxBodyBytes: maxBodyBytes, spoolsBody: spoolsBody, handler: handler))
        if pattern.isStatic {
            staticRoutes[pattern.description, default: []].append(routes.count - 1)
        } else {
            parameterRoutes.append(routes.count - 1)
        }
    }

    public mutating func get(_ pattern: String, handler: @escaping Handler) { add(.get, pattern, handler: handler) }
    public mutating func post(_ pattern: String, maxBodyBytes: Int? = nil, handler: @escaping Handler) {
        add(.post, pattern, maxBodyBytes: maxBodyBytes, handler: handler)
    }
    public mutating func put(_ pattern: String, handler: @escaping Handler) { add(.put, pattern, handler: handler) }
    public mutating func patch(_ pattern: String, handler: @escaping Handler) { add(.patch, pattern, handler: handler) }
    public mutating func delete(_ pattern: String, handler: @escaping Handler) { add(.delete, pattern, handler: handler) }

    /// Resolves a request; HEAD falls back to GET (RFC 9110 §9.3.2).
    ///
    /// A path that a static route names belongs to the static routes alone, as OpenAPI matches
    /// concrete paths before templated ones: with `POST /v1/members/validate` beside
    /// `PATCH /v1/members/{id}`, `PATCH /v1/members/validate` is 405, not a member named
    /// "validate".
    public func match(method: HTTPMethod, path: String) -> Match {
        var candidates: [(Route, [String: String])] = []
        if let indexes = staticRoutes[path] {
            candidates = indexes.map { (routes[$0], [:]) }
        } else if !parameterRoutes.isEmpty, let segments = Self.decodedSegments(path) {
            for index in parameterRoutes {
                if let parameters = routes[index].pattern.match(segments) {
                    candidates.append((routes[index], parameters))
                }
            }
        }
        guard !candidates.isEmpty else { return .notFound }
        if let hit = candidates.first(where: { $0.0.method == method }) {
            return .found(hit.0, parameters: hit.1)
        }
        if method == .head, let hit = candidates.first(where: { $0.0.method == .get }) {
            return .found(hit.0, parameters: hit.1)
        }
        // Each method once (RFC 9110 §10.2.1 lists methods, not routes): an explicit HEAD
        // route, or two parameter routes of one method matching the path, must not repeat it.
        var allow: [HTTPMethod] = []
        for method in candidates.map(\.0.method) where !allow.contains(method) { allow.append(method) }
        if allow.contains(.get) && !allow.contains(.head) { allow.append(.head) }
        return .methodNotAllowed(allow: allow)
    }

    // "/v1/members/12" → ["v1", "members", "12"], each percent-decoded; nil if undecodable.
    private static func decodedSegments(_ path: String) -> [String]? {
        var segments: [String] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            guard let decoded = PercentDecoding.decode(part) else { return nil }
            segments.append(decoded)
        }
        return segments
    }
}
