public import HTTPServer

/// Authentication, rate limit and role check in one call, made by every `/v1` route before
/// it does anything else.
public struct Access: Sendable {
    public let authenticator: Authenticator
    public let rateLimiter: RateLimiter

    /// The caller, when authenticated (401), within its rate limit (429) and of one of
    /// `roles` (403).
    public func authorize(_ request: Request, roles: Set<Role>) async throws(AppError) -> Principal {
        let principal = try await authenticator.authenticate(request)
        if let wait = rateLimiter.take(for: principal.apiKeyID) {
            throw .rateLimited(retryAfterSeconds: wait)
        }
        guard roles.contains(principal.role) else { throw .forbidden }
        return principal
    }
}

extension Set where Element == Role {
    /// Every role.
    public static let everyone: Set<Role> = Set(Role.allCases)
    /// Roles that may see personal data of their scope.
    public static let personalData: Set<Role> = [.admin, .officer, .partner]
    /// Roles that may change domain data everywhere.
    public static let staff: Set<Role> = [.admin, .officer]
    public static let adminOnly: Set<Role> = [.admin]
}
