public import Foundation
public import HTTPServer

/// The service's settings, from `config/sinergi.json` < `SINERGI_*` environment < flags.
///
/// Every setting has a dotted key (`timeouts.header_seconds`), the JSON path in the file; its
/// environment variable is `SINERGI_` plus the key's last part upper-cased where unambiguous
/// (see `Config.settings`). A bad value stops start-up with a message naming the key.
public struct Config: Sendable, Equatable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// SQLite file, created with its folder when missing, or a `postgres://` URL.
    public var database = "data/sinergi.db"
    /// Event loop threads; 0 means one per core.
    public var threads = 0
    /// Read-only SQLite connections, each on its own thread.
    public var databaseReaders = 4
    /// PostgreSQL connections of this process, each on its own thread.
    public var databasePoolSize = 16
    /// PostgreSQL cancels a statement running longer than this (`statement_timeout`).
    public var databaseStatementTimeoutSeconds = 30.0
    public var logLevel = "info"
    public var maxConnections = 10_000
    public var maxBodyBytes = 10 * 1024 * 1024
    public var headerTimeoutSeconds = 10.0
    public var bodyIdleTimeoutSeconds = 30.0
    /// Slowest average rate a request body may arrive at, after a grace of the header
    /// timeout; 0 turns the check off.
    public var bodyMinBytesPerSecond = 1024
    public var keepAliveTimeoutSeconds = 60.0
    public var shutdownGraceSeconds = 10.0
    /// Folder of numbered `.sql` files.
    public var migrationsPath = "migrations"
    /// The contract served as `/openapi.json`.
    public var openAPIPath = "docs/openapi.yaml"
    /// The Kemendagri region list loaded into an empty database.
    public var regionsPath = "migrations/data/regions.csv"
    /// Whether start-up loads the region list into an empty database.
    public var loadRegions = true
    /// PEM certificate chain; with `tlsKeyPath`, the listener speaks HTTPS only.
    public var tlsCertificatePath: String?
    /// PEM private key of the certificate.
    public var tlsKeyPath: String?
    /// PEM bundle of the CAs whose client certificates are accepted.
    public var tlsClientCAPath: String?
    /// `none`, `optional` or `required`.
    public var tlsClientAuthentication = "none"
    /// Base64 of the 32-byte key personal data is encrypted under (`SINERGI_DATA_KEY`).
    public var dataKey: String?
    /// Refuse development conveniences, such as a generated data key.
    public var production = false
    /// Origins (`https://portal.example`) whose browsers may call the API.
    public var corsAllowedOrigins: [String] = []
    /// Requests a second per API key, on average.
    public var rateLimitPerSecond = 100.0
    /// Requests a key may send at once above the average.
    public var rateLimitBurst = 200
    /// How long an `Idempotency-Key` and its first response are kept, in hours.
    public var idempotencyRetentionHours = 24
    /// Where uploaded member lists wait for their import; nil: `imports` beside the SQLite
    /// file, or `data/imports` with PostgreSQL. Nodes sharing a PostgreSQL database share it.
    public var importsDirectory: String?
    /// The largest file `POST /v1/imports` takes.
    public var importsMaxBodyBytes = 1 << 30
    /// Rows an import commits at a time; nil: 100 on SQLite, whose one writer each batch holds
    /// while requests that write wait (reads too: they record their audit row), 1,000 on
    /// PostgreSQL, whose writers do not wait for one another.
    public var importsBatchRows: Int?
    /// How often a node looks for import jobs stored by other processes.
    public var importsPollSeconds = 5.0

    public init() {}

    /// What `database` names.
    public var databaseLocation: DatabaseLocation { DatabaseLocation(database) }

    /// `importsBatchRows`, or its default for the engine.
    public var resolvedImportsBatchRows: Int {
        if let importsBatchRows { return importsBatchRows }
        switch databaseLocation {
        case .sqlite: return 100
        case .postgresql: return 1000
        }
    }

    /// `importsDirectory`, or its default.
    public var resolvedImportsDirectory: String {
        if let importsDirectory { return importsDirectory }
        switch databaseLocation {
        case .sqlite(let path): return URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("imports").path
        case .postgresql: return "data/imports"
        }
    }

    /// The HTTP server's part of the settings.
    public var serverConfiguration: ServerConfiguration {
        var server = ServerConfiguration()
        server.host = host
        server.port = port
        server.eventLoops = threads > 0 ? threads : max(1, ProcessInfo.processInfo.activeProcessorCount)
        server.maxConnections = maxConnections
        server.maxBodyBytes = maxBodyBytes
        // Not `.milliseconds(Int64(s * 1000))`: that truncates 0.29 s to 289 ms and an accepted
        // 0.0004 s to zero.
        server.headerTimeout = .seconds(headerTimeoutSeconds)
        server.bodyIdleTimeout = .seconds(bodyIdleTimeoutSeconds)
        server.minimumBodyBytesPerSecond = bodyMinBytesPerSecond
        server.keepAliveTimeout = .seconds(keepAliveTimeoutSeconds)
        server.shutdownGracePeriod = .seconds(shutdownGraceSeconds)
        return server
    }
}

/// A setting that could not be used; says which and why, never more of the value than needed.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The dotted key, environment variable or flag at fault.
    public let key: String
    public let reason: String

    public init(key: String, reason: String) {
        self.key = key
        self.reason = reason
    }

    public var description: String { "configuration: \(key): \(reason)" }
}

extension Config {
    /// One setting: its dotted key in the file, its environment variable, how to apply a value.
    struct Setting: Sendable {
        let key: String
        let environment: String
        let apply: @Sendable (inout Config, ConfigValue) throws(ConfigError) -> Void
    }

    /// A raw value: a JSON value from the file, or text from the environment or a flag.
    enum ConfigValue: Sendable {
        case text(String)
        case number(Double)
        case flag(Bool)
        case other
    }

    static let settings: [Setting] = [
        Setting(key: "host", environment: "SINERGI_HOST") { config, value throws(ConfigError) in
            config.host = try value.string(key: "host")
            guard !config.host.isEmpty else { throw ConfigError(key: "host", reason: "must not be empty") }
        },
        Setting(key: "port", environment: "SINERGI_PORT") { config, value throws(ConfigError) in
            config.port = try value.integer(key: "port", in: 0...65535)
        },
        Setting(key: "database", environment: "SINERGI_DATABASE") { config, value throws(ConfigError) in
            config.database = try value.string(key: "database")
            guard !config.database.isEmpty else { throw ConfigError(key: "database", reason: "must not be empty") }
        },
        Setting(key: "threads", environment: "SINERGI_THREADS") { config, value throws(ConfigError) in
            config.threads = try value.integer(key: "threads", in: 0...256)
        },
        Setting(key: "database_readers", environment: "SINERGI_DATABASE_READERS") { config, value throws(ConfigError) in
            config.databaseReaders = try value.integer(key: "database_readers", in: 1...64)
        },
        Setting(key: "database_pool_size", environment: "SINERGI_DATABASE_POOL_SIZE") { config, value throws(ConfigError) in
            config.databasePoolSize = try value.integer(key: "database_pool_size", in: 1...256)
        },
        Setting(key: "database_statement_timeout_seconds", environment: "SINERGI_DATABASE_STATEMENT_TIMEOUT") {
            config, value throws(ConfigError) in
            config.databaseStatementTimeoutSeconds = try value.seconds(key: "database_statement_timeout_seconds")
        },
        Setting(key: "log_level", environment: "SINERGI_LOG_LEVEL") { config, value throws(ConfigError) in
            let level = try value.string(key: "log_level")
            let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
            guard levels.contains(level) else {
                throw ConfigError(key: "log_level", reason: "must be one of \(levels.joined(separator: ", "))")
            }
            config.logLevel = level
        },
        Setting(key: "limits.max_connections", environment: "SINERGI_MAX_CONNECTIONS") { config, value throws(ConfigError) in
            config.maxConnections = try value.integer(key: "limits.max_connections", in: 1...1_000_000)
        },
        Setting(key: "limits.max_body_bytes", environment: "SINERGI_MAX_BODY_BYTES") { config, value throws(ConfigError) in
            config.maxBodyBytes = try value.integer(key: "limits.max_body_bytes", in: 1...(1 << 32))
        },
        Setting(key: "timeouts.header_seconds", environment: "SINERGI_HEADER_TIMEOUT") { config, value throws(ConfigError) in
            config.headerTimeoutSeconds = try value.seconds(key: "timeouts.header_seconds")
        },
        Setting(key: "timeouts.body_idle_seconds", environment: "SINERGI_BODY_IDLE_TIMEOUT") { config, value throws(ConfigError) in
            config.bodyIdleTimeoutSeconds = try value.seconds(key: "timeouts.body_idle_seconds")
        },
        Setting(key: "timeouts.body_min_bytes_per_second", environment: "SINERGI_BODY_MIN_RATE") { config, value throws(ConfigError) in
            config.bodyMinBytesPerSecond = try value.integer(key: "timeouts.body_min_bytes_per_second", in: 0...(1 << 30))
        },
        Setting(key: "timeouts.keep_alive_seconds", environment: "SINERGI_KEEP_ALIVE_TIMEOUT") { config, value throws(ConfigError) in
            config.keepAliveTimeoutSeconds = try value.seconds(key: "timeouts.keep_alive_seconds")
        },
        Setting(key: "timeouts.shutdown_grace_seconds", environment: "SINERGI_SHUTDOWN_GRACE") { config, value throws(ConfigError) in
            config.shutdownGraceSeconds = try value.seconds(key: "timeouts.shutdown_grace_seconds")
        },
        Setting(key: "paths.migrations", environment: "SINERGI_MIGRATIONS") { config, value throws(ConfigError) in
            config.migrationsPath = try value.string(key: "paths.migrations")
        },
        Setting(key: "paths.openapi", environment: "SINERGI_OPENAPI") { config, value throws(ConfigError) in
            config.openAPIPath = try value.string(key: "paths.openapi")
        },
        Setting(key: "paths.regions", environment: "SINERGI_REGIONS") { config, value throws(ConfigError) in
            config.regionsPath = try value.string(key: "paths.regions")
        },
        Setting(key: "regions.load_on_start", environment: "SINERGI_LOAD_REGIONS") { config, value throws(ConfigError) in
            config.loadRegions = try value.bool(key: "regions.load_on_start")
        },
        Setting(key: "data_key", environment: "SINERGI_DATA_KEY") { config, value throws(ConfigError) in
            config.dataKey = try value.path(key: "data_key")
        },
        Setting(key: "production", environment: "SINERGI_PRODUCTION") { config, value throws(ConfigError) in
            config.production = try value.bool(key: "production")
        },
        Setting(key: "cors.allowed_origins", environment: "SINERGI_CORS_ORIGINS") { config, value throws(ConfigError) in
            let origins = try value.string(key: "cors.allowed_origins").split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            for origin in origins where !(origin.hasPrefix("https://") || origin.hasPrefix("http://")) || origin.hasSuffix("/") {
                throw ConfigError(key: "cors.allowed_origins", reason: "each origin is scheme://host[:port], comma-separated")
            }
            config.corsAllowedOrigins = origins
        },
        Setting(key: "rate_limit.per_second", environment: "SINERGI_RATE_LIMIT") { config, value throws(ConfigError) in
            config.rateLimitPerSecond = Double(try value.integer(key: "rate_limit.per_second", in: 1...1_000_000))
        },
        Setting(key: "rate_limit.burst", environment: "SINERGI_RATE_LIMIT_BURST") { config, value throws(ConfigError) in
            config.rateLimitBurst = try value.integer(key: "rate_limit.burst", in: 1...1_000_000)
        },
        Setting(key: "idempotency.retention_hours", environment: "SINERGI_IDEMPOTENCY_RETENTION_HOURS") {
            config, value throws(ConfigError) in
            config.idempotencyRetentionHours = try value.integer(key: "idempotency.retention_hours", in: 1...24 * 365)
        },
        Setting(key: "imports.directory", environment: "SINERGI_IMPORTS_DIRECTORY") { config, value throws(ConfigError) in
            config.importsDirectory = try value.path(key: "imports.directory")
        },
        Setting(key: "imports.max_body_bytes", environment: "SINERGI_IMPORTS_MAX_BODY_BYTES") { config, value throws(ConfigError) in
            config.importsMaxBodyBytes = try value.integer(key: "imports.max_body_bytes", in: 1...(1 << 40))
        },
        Setting(key: "imports.batch_rows", environment: "SINERGI_IMPORTS_BATCH_ROWS") { config, value throws(ConfigError) in
            config.importsBatchRows = try value.integer(key: "imports.batch_rows", in: 1...100_000)
        },
        Setting(key: "imports.poll_seconds", environment: "SINERGI_IMPORTS_POLL") { config, value throws(ConfigError) in
            config.importsPollSeconds = try value.seconds(key: "imports.poll_seconds")
        },
        Setting(key: "tls.cert", environment: "SINERGI_TLS_CERT") { config, value throws(ConfigError) in
            config.tlsCertificatePath = try value.path(key: "tls.cert")
        },
        Setting(key: "tls.key", environment: "SINERGI_TLS_KEY") { config, value throws(ConfigError) in
            config.tlsKeyPath = try value.path(key: "tls.key")
        },
        Setting(key: "tls.client_ca", environment: "SINERGI_TLS_CLIENT_CA") { config, value throws(ConfigError) in
            config.tlsClientCAPath = try value.path(key: "tls.client_ca")
        },
        Setting(key: "tls.client_auth", environment: "SINERGI_TLS_CLIENT_AUTH") { config, value throws(ConfigError) in
            let mode = try value.string(key: "tls.client_auth")
            guard ["none", "optional", "required"].contains(mode) else {
                throw ConfigError(key: "tls.client_auth", reason: "must be none, optional or required")
            }
            config.tlsClientAuthentication = mode
        },
    ]

    /// Loads the layers: the file (`explicitFile`, else `SINERGI_CONFIG`, else
    /// `config/sinergi.json` when present), then the environment, then `overrides` (flags,
    /// by dotted key).
    public static func load(
        explicitFile: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        overrides: [String: String] = [:]
    ) throws(ConfigError) -> Config {
        var config = Config()
        let named = explicitFile ?? environment["SINERGI_CONFIG"]
        let path = named ?? "config/sinergi.json"
        if named != nil || FileManager.default.fileExists(atPath: path) {
            try config.applyFile(path, key: explicitFile != nil ? "--config" : named != nil ? "SINERGI_CONFIG" : "config")
        }
        for setting in settings {
            if let text = environment[setting.environment] {
                do throws(ConfigError) {
                    try setting.apply(&config, .text(text))
                } catch {
                    throw ConfigError(key: setting.environment, reason: error.reason)
                }
            }
        }
        let known = Set(settings.map(\.key))
        // A flag for a key no setting has would otherwise change nothing, silently.
        if let unknown = overrides.keys.sorted().first(where: { !known.contains($0) }) {
            throw ConfigError(key: unknown, reason: "unknown setting")
        }
        for setting in settings {
            if let text = overrides[setting.key] {
                try setting.apply(&config, .text(text))
            }
        }
        return config
    }

    private mutating func applyFile(_ path: String, key: String) throws(ConfigError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(key: key, reason: "cannot read \(path)")
        }
        guard case .object(let object)? = JSONValue.parse(Array(data)) else {
            throw ConfigError(key: key, reason: "\(path) is not a JSON object")
        }
        var flat: [String: JSONValue] = [:]
        Self.flatten(object, prefix: "", into: &flat)
        let known = Dictionary(uniqueKeysWithValues: Self.settings.map { ($0.key, $0) })
        for (dottedKey, raw) in flat.sorted(by: { $0.key < $1.key }) {
            guard let setting = known[dottedKey] else {
                throw ConfigError(key: dottedKey, reason: "unknown setting in \(path)")
            }
            let value: ConfigValue = switch raw {
            case .string(let text): .text(text)
            case .integer(let number): .number(Double(number))
            case .number(let number): .number(number)
            case .bool(let flag): .flag(flag)
            default: .other
            }
            try setting.apply(&self, value)
        }
    }

    private static func flatten(_ object: [String: JSONValue], prefix: String, into flat: inout [String: JSONValue]) {
        for (key, value) in object {
            let dotted = prefix.isEmpty ? key : "\(prefix).\(key)"
            if case .object(let nested) = value {
                flatten(nested, prefix: dotted, into: &flat)
            } else {
                flat[dotted] = value
            }
        }
    }
}

extension Config.ConfigValue {
    func string(key: String) throws(ConfigError) -> String {
        guard case .text(let text) = self else { throw ConfigError(key: key, reason: "must be a string") }
        return text
    }

    /// `true`/`false` (also `1`/`0`, `yes`/`no`), as text or a JSON boolean.
    func bool(key: String) throws(ConfigError) -> Bool {
        switch self {
        case .flag(let flag): return flag
        case .text(let text):
            switch text.lowercased() {
            case "true", "1", "yes": return true
            case "false", "0", "no", "": return false
            default: break
            }
        default: break
        }
        throw ConfigError(key: key, reason: "must be true or false")
    }

    /// A file path; empty means unset.
    func path(key: String) throws(ConfigError) -> String? {
        let text = try string(key: key)
        return text.isEmpty ? nil : text
    }

    func integer(key: String, in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        let value: Int?
        switch self {
        case .text(let text): value = Int(text.trimmingCharacters(in: .whitespaces))
        case .number(let number): value = number.rounded() == number ? Int(exactly: number) : nil
        case .other, .flag: value = nil
        }
        guard let value, range.contains(value) else {
            throw ConfigError(key: key, reason: "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    func seconds(key: String) throws(ConfigError) -> Double {
        let value: Double?
        switch self {
        case .text(let text): value = Double(text.trimmingCharacters(in: .whitespaces))
        case .number(let number): value = number
        case .other, .flag: value = nil
        }
        guard let value, value.isFinite, value > 0, value <= 86_400 else {
            throw ConfigError(key: key, reason: "must be a number of seconds above 0 and at most 86400")
        }
        return value
    }
}
