internal import Foundation
public import HTTPServer
public import Logging
public import SQLite

/// The whole service wired together: database (migrated), routes, middleware, observers and
/// the HTTP server. The CLI and the end-to-end tests both start it through here.
public final class Application: Sendable {
    /// The release, as `sinergi version` prints it.
    public static let version = "0.1.0"

    public let config: Config
    public let database: DatabasePool
    public let logger: Logger
    private let server: Server
    /// Every route the server answers, for the contract test against the spec.
    public let routes: [(method: HTTPMethod, pattern: String)]

    /// Opens and migrates the database and builds the server, without binding.
    ///
    /// - Throws: `ConfigError` for a missing migrations folder or spec, `MigrationError`,
    ///   `SQLiteError` when the database cannot be opened.
    public init(config: Config, logger: Logger) throws {
        self.config = config
        self.logger = logger
        guard let migrationsURL = ResourceLocator.locate(config.migrationsPath) else {
            throw ConfigError(key: "paths.migrations", reason: "no folder \(config.migrationsPath)")
        }
        guard let openAPIURL = ResourceLocator.locate(config.openAPIPath) else {
            throw ConfigError(key: "paths.openapi", reason: "no file \(config.openAPIPath)")
        }
        let openAPI: OpenAPIDocument
        do {
            openAPI = try OpenAPIDocument(contentsOf: openAPIURL)
        } catch {
            throw ConfigError(key: "paths.openapi", reason: "\(openAPIURL.path) is not a readable OpenAPI YAML document")
        }
        let migrator = try Migrator(directory: migrationsURL)
        database = try Self.openDatabase(config: config)
        do {
            let applied = try migrator.migrate(database)
            for migration in applied {
                logger.info("migration applied", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            }
        } catch {
            database.close()
            throw error
        }

        let metrics = ServerMetrics()
        var router = Router()
        OperationsRoutes(database: database, migrator: migrator, metrics: metrics, openAPI: openAPI).register(on: &router)
        routes = router.registeredRoutes
        server = Server(
            configuration: config.serverConfiguration, router: router, middleware: [],
            observers: [AccessLog(logger: logger), metrics], logger: logger)
    }

    /// Binds and starts serving; returns the bound port and logs the address.
    @discardableResult
    public func start() throws -> Int {
        let port = try server.start()
        let host = config.host.contains(":") ? "[\(config.host)]" : config.host
        logger.info("listening", metadata: [
            "url": "http://\(host):\(port)", "port": .stringConvertible(port),
            "threads": "\(config.serverConfiguration.eventLoops)",
        ])
        return port
    }

    /// Starts a graceful shutdown (see `Server.shutdown`).
    public func shutdown() {
        server.shutdown()
    }

    /// Waits for the server to stop, then closes the database.
    public func waitUntilStopped() async {
        await server.waitUntilStopped()
        close()
        logger.info("stopped")
    }

    /// Closes the database; for a server that never started.
    public func close() {
        database.close()
    }

    /// Opens the pool, creating the database's folder when missing.
    static func openDatabase(config: Config) throws -> DatabasePool {
        let folder = URL(fileURLWithPath: config.database).deletingLastPathComponent()
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try DatabasePool(path: config.database, readers: config.databaseReaders)
    }
}
