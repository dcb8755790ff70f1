internal import Foundation
public import HTTPServer
public import Logging
internal import TLS

/// The whole service wired together: database (migrated), routes, middleware, observers and
/// the HTTP server. The CLI and the end-to-end tests both start it through here.
public final class Application: Sendable {
    /// The release, as `sinergi version` prints it.
    public static let version = "0.1.0"

    public let config: Config
    public let logger: Logger
    /// Encryption and blind indexes for personal data.
    public let protection: DataProtection
    /// What services use: the database of either engine, each call naming the connection
    /// its use case needs.
    let store: Store
    /// How processes on this database tell each other that API keys changed.
    private let keyChanges: KeyChangeSignal
    /// Reads of personal data, recorded through `writes`.
    public let audit: AuditLog
    /// The date rules read.
    private let clock: ServiceClock
    private let server: Server
    /// Runs import jobs in the background once the server starts.
    let importRunner: ImportRunner
    let importService: ImportService
    /// Every route the server answers, for the contract test against the spec.
    public let routes: [(method: HTTPMethod, pattern: String)]
    /// Every `/v1` route with the roles it admits, for the access-table tests.
    public let routeAccess: [RouteAccess]

    /// Opens and migrates the database and builds the server, without binding.
    ///
    /// - Throws: `ConfigError` for a missing migrations folder or spec, `MigrationError`,
    ///   `SQLiteError` or `PGError` when the database cannot be opened.
    public init(config: Config, logger: Logger, clock: ServiceClock = .system) throws {
        self.config = config
        self.logger = logger
        self.clock = clock
        guard let openAPIURL = ResourceLocator.locate(config.openAPIPath) else {
            throw ConfigError(key: "paths.openapi", reason: "no file \(config.openAPIPath)")
        }
        let openAPI: OpenAPIDocument
        do {
            openAPI = try OpenAPIDocument(contentsOf: openAPIURL)
        } catch {
            throw ConfigError(key: "paths.openapi", reason: "\(openAPIURL.path) is not a readable OpenAPI YAML document")
        }
        let migrator = try Migrations.migrator(for: config)
        // Settings that can be wrong are checked before the database is touched.
        let tls = try Self.makeTLSContext(config: config, logger: logger)
        protection = try DataProtection.load(config: config, logger: logger)
        store = try Store.open(config)
        do {
            let applied = try store.migrate(migrator)
            for migration in applied {
                logger.info("migration applied", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            }
            if config.loadRegions {
                guard let regions = ResourceLocator.locate(config.regionsPath) else {
                    throw ConfigError(key: "paths.regions", reason: "no file \(config.regionsPath)")
                }
                let loaded = try RegionsLoader.loadIfEmpty(store, from: regions)
                if loaded > 0 { logger.info("regions loaded", metadata: ["rows": "\(loaded)"]) }
            }
        } catch {
            store.close()
            throw error
        }

        audit = AuditLog(store: store)
        keyChanges = switch config.databaseLocation {
        case .sqlite(let path): KeyChangeSignal(databasePath: path, logger: logger)
        case .postgresql: KeyChangeSignal.none(logger: logger)
        }
        let access = Access(
            authenticator: Authenticator(store: store, protection: protection, changes: keyChanges, logger: logger),
            rateLimiter: RateLimiter(ratePerSecond: config.rateLimitPerSecond, burst: config.rateLimitBurst))
        let metrics = ServerMetrics()
        var operations = Router()
        OperationsRoutes(store: store, migrator: migrator, metrics: metrics, openAPI: openAPI).register(on: &operations)
        var router = APIRouter(
            router: operations, access: access,
            idempotency: IdempotencyStore(
                store: store, protection: protection, retention: config.idempotencyRetentionHours * 3600),
            audit: audit, clock: clock)
        APIKeyRoutes(service: APIKeyService(store: store, protection: protection, changes: keyChanges)).register(on: &router)
        AuditRoutes(service: AuditService(store: store)).register(on: &router)
        RegionRoutes(service: RegionService(store: store)).register(on: &router)
        OrganizationRoutes(service: OrganizationService(store: store)).register(on: &router)
        EmployerRoutes(service: EmployerService(store: store)).register(on: &router)
        let regions = KnownRegions()
        let members = MemberService(store: store, protection: protection, audit: audit, regions: regions)
        MemberRoutes(service: members).register(on: &router)
        let contributions = ContributionService(store: store, members: members.repository, audit: audit)
        ContributionRoutes(service: contributions).register(on: &router)
        let schemes = SchemeService(store: store, members: members.repository, audit: audit)
        SchemeRoutes(service: schemes).register(on: &router)
        InvoiceRoutes(service: schemes).register(on: &router)
        FacilityRoutes(service: FacilityService(store: store)).register(on: &router)
        let importsDirectory = config.resolvedImportsDirectory
        do {
            try FileManager.default.createDirectory(atPath: importsDirectory, withIntermediateDirectories: true)
        } catch {
            store.close()
            throw ConfigError(key: "imports.directory", reason: "cannot create \(importsDirectory)")
        }
        importRunner = ImportRunner(
            store: store, repository: members.repository, regions: regions, clock: clock,
            settings: .init(
                directory: importsDirectory, location: config.databaseLocation, batchRows: config.resolvedImportsBatchRows,
                pollSeconds: config.importsPollSeconds),
            logger: logger)
        importService = ImportService(store: store, runner: importRunner, directory: importsDirectory)
        ImportRoutes(service: importService, maxBodyBytes: config.importsMaxBodyBytes).register(on: &router)
        routes = router.router.registeredRoutes
        routeAccess = router.entries
        var serverConfiguration = config.serverConfiguration
        serverConfiguration.tls = tls
        // Uploads are spooled where their jobs keep them, so keeping one is a rename.
        serverConfiguration.spoolDirectory = importsDirectory
        server = Server(
            configuration: serverConfiguration, router: router.router,
            middleware: [CORS(allowedOrigins: config.corsAllowedOrigins)],
            observers: [AccessLog(logger: logger), metrics], logger: logger)
    }

    /// Binds and starts serving; returns the bound port and logs the address.
    @discardableResult
    public func start() throws -> Int {
        MemoryTuning.keepFreedMemory()
        let port = try server.start()
        importRunner.start()
        let host = config.host.contains(":") ? "[\(config.host)]" : config.host
        let scheme = config.tlsCertificatePath == nil ? "http" : "https"
        logger.info("listening", metadata: [
            "url": "\(scheme)://\(host):\(port)", "port": .stringConvertible(port),
            "threads": "\(config.serverConfiguration.eventLoops)",
        ])
        return port
    }

    /// Reads the TLS certificate, key and client CA again (on SIGHUP): connections accepted
    /// from now on use them; a file that does not load is logged and the old ones kept.
    public func reloadTLS() {
        guard config.tlsCertificatePath != nil else {
            logger.notice("reload asked, but TLS is not configured")
            return
        }
        do {
            guard let context = try Self.makeTLSContext(config: config, logger: logger) else { return }
            server.reloadTLS(context)
            logger.notice("tls reloaded")
        } catch {
            logger.error("tls reload failed; keeping the previous certificate", metadata: ["reason": "\(error.description)"])
        }
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

    /// Creates an API key and returns its text (shown this once).
    public func issueKey(
        role: Role, name: String, organizationID: Int64? = nil, clientCertificateSHA256: String? = nil,
        allowsSignature: Bool = false
    ) throws -> String {
        try APIKeyService(store: store, protection: protection, changes: keyChanges).issue(
            role: role, name: name, organizationID: organizationID, clientCertificateSHA256: clientCertificateSHA256,
            allowsSignature: allowsSignature)
    }

    /// `sinergi import`: imports `file` for `organizationID` (see `ImportService.importFile`)
    /// and returns the finished job's figures.
    public func importFile(
        _ file: String, organizationID: Int64?, onProgress: @escaping @Sendable (ImportFigures) -> Void
    ) throws -> ImportFigures {
        ImportFigures(try importService.importFile(file, organizationID: organizationID, clock: clock) { onProgress(ImportFigures($0)) })
    }

    /// `sinergi billing close-month`: marks members whose premium for `period` is unpaid after
    /// its due date inactive (see `MonthClose`) and returns how many changed.
    public func closeMonth(_ period: Period) throws -> Int {
        try MonthClose.run(period, store: store, clock: clock)
    }

    /// Stops the import runner after its batch in progress, then closes the database.
    public func close() {
        importRunner.stop()
        store.close()
    }

    /// The TLS configuration from `tls.*`, or nil when neither certificate nor key is set.
    static func makeTLSContext(config: Config, logger: Logger) throws(ConfigError) -> TLSContext? {
        switch (config.tlsCertificatePath, config.tlsKeyPath) {
        case (nil, nil):
            if config.tlsClientAuthentication != "none" || config.tlsClientCAPath != nil {
                throw ConfigError(key: "tls.client_auth", reason: "client certificates need tls.cert and tls.key")
            }
            return nil
        case (_?, nil):
            throw ConfigError(key: "tls.key", reason: "tls.cert is set but tls.key is not")
        case (nil, _?):
            throw ConfigError(key: "tls.cert", reason: "tls.key is set but tls.cert is not")
        case let (certificate?, key?):
            if TLSContext.isWorldReadable(key) {
                logger.warning("the TLS private key file is readable by every user; chmod 600 it", metadata: ["file": "\(key)"])
            }
            do {
                return try TLSContext(
                    certificateChainPath: certificate, privateKeyPath: key, clientCAPath: config.tlsClientCAPath,
                    clientAuthentication: ClientAuthentication(rawValue: config.tlsClientAuthentication) ?? .none)
            } catch {
                throw ConfigError(key: "tls.\(error.setting)", reason: error.reason)
            }
        }
    }
}
