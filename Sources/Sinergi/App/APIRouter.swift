public import HTTPServer

/// Registers the `/v1` routes, each with the roles it admits, and applies around every
/// handler the conventions API.md promises for every endpoint, so no route can forget one:
/// authentication, rate limit and role (401, 429, 403); the media type from `Accept`
/// (406); `If-Match` on PATCH (428); `Idempotency-Key` on POST.
struct APIRouter {
    private(set) var router: Router
    private(set) var entries: [RouteAccess] = []
    let access: Access
    let idempotency: IdempotencyStore
    /// Records replays of answers that hold personal data, as the first answer was recorded.
    let audit: AuditLog
    let clock: ServiceClock

    init(router: Router, access: Access, idempotency: IdempotencyStore, audit: AuditLog, clock: ServiceClock) {
        self.router = router
        self.access = access
        self.idempotency = idempotency
        self.audit = audit
        self.clock = clock
    }

    /// Registers `handler` for callers of `roles`. `formats` are the media types it answers
    /// with (lists and reports add CSV); the handler reads the chosen one as `context.format`.
    /// A route that takes no query parameters (`readsQuery`, by default only lists do) answers
    /// any with a 422 naming them; one that does reads them with `QueryInput`, which does the same.
    mutating func add(
        _ method: HTTPMethod, _ pattern: String, roles: Set<Role>, personalData: Bool = false,
        formats: [ResponseFormat] = [.json], readsQuery: Bool? = nil, maxBodyBytes: Int? = nil, spoolsBody: Bool = false,
        handler: @escaping @Sendable (Request, RequestContext) async throws -> Response
    ) {
        entries.append(RouteAccess(method: method, pattern: pattern, roles: roles, personalData: personalData, formats: formats))
        let (access, idempotency, audit, clock) = (access, idempotency, audit, clock)
        let readsQuery = readsQuery ?? formats.contains(.csv)
        router.add(method, pattern, maxBodyBytes: maxBodyBytes, spoolsBody: spoolsBody) { request in
            let principal = try await access.authorize(request, roles: roles)
            if !readsQuery { try QueryInput(request).finish() }
            guard let format = ResponseFormat.negotiate(request.headers["Accept"], offered: formats) else {
                throw AppError.notAcceptable(offered: formats.map(\.rawValue))
            }
            if method == .patch, request.headers["If-Match"]?.contains(where: { $0 != " " && $0 != "\t" }) != true {
                throw AppError.preconditionRequired
            }
            let context = RequestContext(principal: principal, requestID: request.id, clock: clock, format: format)
            let run: @Sendable () async throws -> Response = {
                do {
                    return try await handler(request, context)
                } catch {
                    throw ConstraintViolation.appError(for: error) ?? DatabaseUnavailable.appError(for: error) ?? error
                }
            }
            if method == .post, let key = request.headers["Idempotency-Key"] {
                let response = try await idempotency.respond(to: request, key: key, context: context, handler: run)
                if personalData, response.headers["Idempotent-Replayed"] != nil {
                    try await audit.record(context.audit("replay", "response", pattern))
                }
                return response
            }
            return try await run()
        }
    }
}

/// One registered `/v1` route as the access tables see it.
public struct RouteAccess: Sendable {
    public let method: HTTPMethod
    public let pattern: String
    public let roles: Set<Role>
    /// Whether the route answers with personal data, so partner scope must be tested on it.
    public let personalData: Bool
    public let formats: [ResponseFormat]
}
