internal import HTTPServer

/// `/healthz`, `/readyz`, `/metrics` and `/openapi.json`: the endpoints operators and load
/// balancers use. None needs authentication and none touches personal data.
struct OperationsRoutes: Sendable {
    let store: Store
    let migrator: Migrator
    let metrics: ServerMetrics
    let openAPI: OpenAPIDocument

    private static let healthy = Response.json(Array(#"{"status":"ok"}"#.utf8))
    private static let ready = Response.json(Array(#"{"status":"ready"}"#.utf8))

    func register(on router: inout Router) {
        // Liveness: the process answers; nothing else is checked.
        router.get("/healthz") { _ in Self.healthy }

        // Readiness: the database answers and every migration on disk is applied unchanged.
        router.get("/readyz") { [store, migrator] _ in
            let isCurrent: Bool
            do {
                isCurrent = try await store.read { connection in try migrator.isCurrent(connection) }
            } catch {
                throw AppError.unavailable("The database does not answer.")
            }
            guard isCurrent else { throw AppError.unavailable("Database migrations are not current.") }
            return Self.ready
        }

        router.get("/metrics") { [metrics] _ in
            Response(status: .ok, body: metrics.render(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }

        let openAPIJSON = Response.json(openAPI.json)
        router.get("/openapi.json") { _ in openAPIJSON }
    }
}
