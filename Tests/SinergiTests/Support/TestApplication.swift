import Foundation
import HTTPTestSupport
import Logging
import Sinergi

/// The repository's root, for the real `migrations/`, `docs/` and `config/`.
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A config for tests: port 0, the repository's migrations and spec, and a database in
/// `directory`; or, when the tests run on PostgreSQL (`PostgreSQLTestSettings`), a fresh
/// schema of the test server, dropped with `directory`, and a data key of its own.
func testConfig(in directory: TemporaryDirectory) throws -> Config {
    var config = Config()
    config.port = 0
    config.threads = 2
    // A test that awaits its database while the tests beside it hold both threads of the
    // cooperative pool can idle its connection past a minute on a loaded machine: the server
    // must not close it under the test. Keep-alive itself is tested on the server alone.
    config.keepAliveTimeoutSeconds = 600
    config.databaseReaders = 2
    if PostgreSQLTestSettings.isApplicationEngine {
        let schema = try directory.postgreSQLSchema()
        config.database = schema.url
        config.databasePoolSize = 2
        config.dataKey = schema.dataKey
    } else {
        config.database = directory.url.appendingPathComponent("sinergi.db").path
    }
    config.migrationsPath = repositoryRoot.appendingPathComponent("migrations").path
    config.openAPIPath = repositoryRoot.appendingPathComponent("docs/openapi.yaml").path
    config.regionsPath = repositoryRoot.appendingPathComponent("migrations/data/regions.csv").path
    // 91,599 rows per test database would slow every test; the region tests turn it on.
    config.loadRegions = false
    return config
}

/// Runs the whole application (migrated temp database, real server on an ephemeral port) for
/// the duration of `body`, then stops it and removes its folder.
func withTestApplication(
    configure: (inout Config) -> Void = { _ in },
    logger: Logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() },
    clock: ServiceClock = .system,
    _ body: (Application, Int) async throws -> Void
) async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    var config = try testConfig(in: directory)
    configure(&config)
    try await serve(Application(config: config, logger: logger, clock: clock), body)
}

/// Runs a second application on `first`'s database file (and its data key) for the duration
/// of `body`: its own pool, authenticator, rate limiter and server, as a second `sinergi serve`
/// process on the same database would have. Stops it afterwards; the folder stays `first`'s.
func withSecondApplication(
    on first: Application,
    logger: Logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() },
    _ body: (Application, Int) async throws -> Void
) async throws {
    var config = first.config
    config.port = 0
    try await serve(Application(config: config, logger: logger), body)
}

/// Starts `application`, runs `body`, and stops it whether `body` threw or not.
private func serve(_ application: Application, _ body: (Application, Int) async throws -> Void) async throws {
    let port = try application.start()
    do {
        try await body(application, port)
    } catch {
        application.shutdown()
        await application.waitUntilStopped()
        throw error
    }
    application.shutdown()
    await application.waitUntilStopped()
}
