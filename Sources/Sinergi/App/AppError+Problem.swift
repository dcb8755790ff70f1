public import HTTPServer

extension AppError: ProblemConvertible {
    /// The only place that knows each error's status, title and type URI (docs/errors.md).
    public var problem: Problem {
        switch self {
        case .notFound:
            Problem.notFound
        case .unauthenticated:
            Problem(slug: "unauthenticated", title: "Unauthorized", status: 401,
                    detail: "Send a valid API key as `Authorization: Bearer <key>`.",
                    headers: HTTPHeaders([("WWW-Authenticate", "Bearer")]))
        case .forbidden:
            Problem(slug: "forbidden", title: "Forbidden", status: 403,
                    detail: "Your role may not do this.")
        case .malformedBody(let detail):
            Problem(slug: "malformed-body", title: "Bad Request", status: 400, detail: detail)
        case .invalid(let errors):
            Problem(slug: "validation-failed", title: "Unprocessable Content", status: 422,
                    detail: "\(errors.count) field\(errors.count == 1 ? " is" : "s are") invalid.", errors: errors.map(\.problemField))
        case .conflict(let detail):
            Problem(slug: "conflict", title: "Conflict", status: 409, detail: detail)
        case .duplicate(let detail, let existingID):
            Problem(slug: "duplicate", title: "Conflict", status: 409, detail: detail,
                    extensions: existingID.map { [("existing_id", Int($0))] } ?? [])
        case .preconditionFailed:
            Problem(slug: "precondition-failed", title: "Precondition Failed", status: 412,
                    detail: "The resource changed since you read it; read it again and retry with its new ETag.")
        case .preconditionRequired:
            Problem(slug: "precondition-required", title: "Precondition Required", status: 428,
                    detail: "Send the ETag you read as If-Match, so a change made since is not overwritten.")
        case .notAcceptable(let offered):
            Problem(slug: "not-acceptable", title: "Not Acceptable", status: 406,
                    detail: "This endpoint answers \(offered.joined(separator: " or ")); Accept allows neither.")
        case .idempotencyKeyInFlight:
            Problem(slug: "idempotency-key-in-flight", title: "Conflict", status: 409,
                    detail: "The first request with this Idempotency-Key is still running; retry when it has finished.")
        case .idempotencyKeyReused:
            Problem(slug: "idempotency-key-reused", title: "Unprocessable Content", status: 422,
                    detail: "This Idempotency-Key was used with a different request body.")
        case .rateLimited(let seconds):
            Problem(slug: "rate-limited", title: "Too Many Requests", status: 429,
                    detail: "This key sent more requests than its rate limit allows; retry after \(seconds) s.",
                    headers: HTTPHeaders([("Retry-After", "\(seconds)")]))
        case .unsupportedMediaType(let offered):
            Problem(slug: "unsupported-media-type", title: "Unsupported Media Type", status: 415,
                    detail: "This endpoint reads \(offered) bodies.")
        case .unavailable(let detail):
            Problem(slug: "unavailable", title: "Service Unavailable", status: 503, detail: detail)
        }
    }
}
