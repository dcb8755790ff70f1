internal import HTTPServer

/// Every failure a handler reports to a client; one type for the whole application, turned
/// into problem+json in one place (`AppError+Problem.swift`).
public enum AppError: Error, Sendable, Equatable {
    /// 404; also what a caller outside its scope sees, so existence is never revealed.
    case notFound
    /// 401 with `WWW-Authenticate: Bearer`.
    case unauthenticated
    /// 403: the caller's role may not do this.
    case forbidden
    /// 400: a body that is not JSON, or a malformed query.
    case malformedBody(String)
    /// 422: every bad field at once.
    case invalid([FieldError])
    /// 409: duplicate, or an illegal transition.
    case conflict(String)
    /// 409: the value is taken; `existingID` names the holder when the caller may see it.
    case duplicate(String, existingID: Int64?)
    /// 412: stale `If-Match`.
    case preconditionFailed
    /// 428: a `PATCH` without `If-Match`.
    case preconditionRequired
    /// 406: the endpoint cannot answer in any media type `Accept` allows.
    case notAcceptable(offered: [String])
    /// 422: the same `Idempotency-Key` with another body.
    case idempotencyKeyReused
    /// 409: the first request with this `Idempotency-Key` is still running.
    case idempotencyKeyInFlight
    /// 429 with `Retry-After`: the key's rate limit is used up.
    case rateLimited(retryAfterSeconds: Int)
    /// 415: the body is not of the media type the endpoint reads (`offered`).
    case unsupportedMediaType(offered: String)
    /// 503: a dependency is not ready.
    case unavailable(String)
}
