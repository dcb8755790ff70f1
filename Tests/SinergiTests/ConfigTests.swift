import Foundation
import HTTPServer
import Logging
import Sinergi
import Testing

@Suite struct ConfigTests {
    /// The repository's root, three levels above this file.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    // MARK: - Layers

    @Test("defaults when no file, environment or flag sets anything")
    func defaults() throws {
        // Without a file named, `load` reads `config/sinergi.json` from the working directory
        // when present (the repository's, when run by `swift test`), which holds the defaults.
        let config = try Config.load(environment: [:])
        #expect(config == Config())
        #expect(config.host == "127.0.0.1")
        #expect(config.port == 8080)
        #expect(config.threads == 0)
        #expect(config.logLevel == "info")
        #expect(config.headerTimeoutSeconds == 10)
        #expect(config.bodyMinBytesPerSecond == 1024)
        #expect(config.serverConfiguration.minimumBodyBytesPerSecond == ServerConfiguration().minimumBodyBytesPerSecond)
    }

    @Test("an empty file object leaves the defaults")
    func emptyFile() throws {
        #expect(try Sources(file: "{}", testDescription: "").load() == Config())
    }

    @Test("the file sets every setting, nested keys included")
    func fileSetsEverything() throws {
        let sources = Sources(file: """
            {
              "host": "0.0.0.0", "port": 9000, "database": "/var/lib/sinergi/db.sqlite", "threads": 3,
              "database_readers": 2, "log_level": "debug",
              "limits": { "max_connections": 50, "max_body_bytes": 2048 },
              "timeouts": { "header_seconds": 1.5, "body_idle_seconds": 2, "body_min_bytes_per_second": 100,
                            "keep_alive_seconds": 3, "shutdown_grace_seconds": 4 },
              "paths": { "migrations": "/srv/migrations", "openapi": "/srv/openapi.yaml" }
            }
            """, testDescription: "")
        var expected = Config()
        expected.host = "0.0.0.0"
        expected.port = 9000
        expected.database = "/var/lib/sinergi/db.sqlite"
        expected.threads = 3
        expected.databaseReaders = 2
        expected.logLevel = "debug"
        expected.maxConnections = 50
        expected.maxBodyBytes = 2048
        expected.headerTimeoutSeconds = 1.5
        expected.bodyIdleTimeoutSeconds = 2
        expected.bodyMinBytesPerSecond = 100
        expected.keepAliveTimeoutSeconds = 3
        expected.shutdownGraceSeconds = 4
        expected.migrationsPath = "/srv/migrations"
        expected.openAPIPath = "/srv/openapi.yaml"
        #expect(try sources.load() == expected)
    }

    @Test("the environment sets every setting")
    func environmentSetsEverything() throws {
        let environment = [
            "SINERGI_HOST": "::1", "SINERGI_PORT": " 9001 ", "SINERGI_DATABASE": "env.db", "SINERGI_THREADS": "2",
            "SINERGI_DATABASE_READERS": "8", "SINERGI_LOG_LEVEL": "warning", "SINERGI_MAX_CONNECTIONS": "77",
            "SINERGI_MAX_BODY_BYTES": "4096", "SINERGI_HEADER_TIMEOUT": "0.25", "SINERGI_BODY_IDLE_TIMEOUT": "5",
            "SINERGI_BODY_MIN_RATE": "0", "SINERGI_KEEP_ALIVE_TIMEOUT": "6", "SINERGI_SHUTDOWN_GRACE": "7",
            "SINERGI_MIGRATIONS": "m",
            "SINERGI_OPENAPI": "o.yaml", "SINERGI_UNRELATED": "ignored",
        ]
        var expected = Config()
        expected.host = "::1"
        expected.port = 9001
        expected.database = "env.db"
        expected.threads = 2
        expected.databaseReaders = 8
        expected.logLevel = "warning"
        expected.maxConnections = 77
        expected.maxBodyBytes = 4096
        expected.headerTimeoutSeconds = 0.25
        expected.bodyIdleTimeoutSeconds = 5
        expected.bodyMinBytesPerSecond = 0
        expected.keepAliveTimeoutSeconds = 6
        expected.shutdownGraceSeconds = 7
        expected.migrationsPath = "m"
        expected.openAPIPath = "o.yaml"
        #expect(try Sources(file: "{}", environment: environment, testDescription: "").load() == expected)
    }

    @Test("file < environment < flags, setting by setting")
    func layering() throws {
        let sources = Sources(
            file: #"{"port": 9000, "threads": 2, "log_level": "debug", "limits": {"max_connections": 10}}"#,
            environment: ["SINERGI_PORT": "9001", "SINERGI_THREADS": "3", "SINERGI_MAX_CONNECTIONS": "20"],
            overrides: ["port": "9002", "limits.max_connections": "30", "timeouts.header_seconds": "0.5"],
            testDescription: "")
        let config = try sources.load()
        #expect(config.port == 9002)                  // flag over environment over file
        #expect(config.threads == 3)                  // environment over file
        #expect(config.logLevel == "debug")           // file only
        #expect(config.maxConnections == 30)          // nested key, flag wins
        #expect(config.headerTimeoutSeconds == 0.5)   // flag only
        #expect(config.database == Config().database) // nobody
    }

    @Test("SINERGI_CONFIG names the file; an explicit file wins over it")
    func configFileFromEnvironment() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let fromEnvironment = dir.url.appendingPathComponent("env.json")
        let explicit = dir.url.appendingPathComponent("explicit.json")
        try Data(#"{"port": 7001}"#.utf8).write(to: fromEnvironment)
        try Data(#"{"port": 7002}"#.utf8).write(to: explicit)
        let environment = ["SINERGI_CONFIG": fromEnvironment.path]

        #expect(try Config.load(environment: environment).port == 7001)
        #expect(try Config.load(explicitFile: explicit.path, environment: environment).port == 7002)
    }

    @Test("port 0 (pick a free port) and 65535 are allowed", arguments: [
        Sources(file: #"{"port": 0}"#, testDescription: "file 0"),
        Sources(file: "{}", environment: ["SINERGI_PORT": "0"], testDescription: "SINERGI_PORT=0"),
        Sources(file: "{}", overrides: ["port": "0"], testDescription: "flag port=0"),
        Sources(file: #"{"port": 65535}"#, testDescription: "file 65535"),
        Sources(file: #"{"port": 8080.0}"#, testDescription: "file 8080.0"),
    ])
    func allowedPorts(_ sources: Sources) throws {
        let port = try sources.load().port
        #expect(port == 0 || port == 65535 || port == 8080)
    }

    // MARK: - Bad values

    @Test("every bad value throws ConfigError naming its key", arguments: [
        // In the file: the dotted key.
        .file(#"{"port": "abc"}"#, key: "port"),
        .file(#"{"port": 70000}"#, key: "port"),
        .file(#"{"port": -1}"#, key: "port"),
        .file(#"{"port": 80.5}"#, key: "port"),
        .file(#"{"port": true}"#, key: "port"),
        .file(#"{"port": null}"#, key: "port"),
        .file(#"{"port": 1e30}"#, key: "port"),
        .file(#"{"threads": "x"}"#, key: "threads"),
        .file(#"{"threads": 257}"#, key: "threads"),
        .file(#"{"database_readers": 0}"#, key: "database_readers"),
        .file(#"{"host": ""}"#, key: "host"),
        .file(#"{"host": 5}"#, key: "host"),
        .file(#"{"database": ""}"#, key: "database"),
        .file(#"{"log_level": "loud"}"#, key: "log_level"),
        .file(#"{"log_level": "INFO"}"#, key: "log_level"),
        .file(#"{"limits": {"max_connections": 0}}"#, key: "limits.max_connections"),
        .file(#"{"limits": {"max_body_bytes": "big"}}"#, key: "limits.max_body_bytes"),
        .file(#"{"timeouts": {"header_seconds": 0}}"#, key: "timeouts.header_seconds"),
        .file(#"{"timeouts": {"header_seconds": -1}}"#, key: "timeouts.header_seconds"),
        .file(#"{"timeouts": {"header_seconds": "soon"}}"#, key: "timeouts.header_seconds"),
        .file(#"{"timeouts": {"keep_alive_seconds": 86401}}"#, key: "timeouts.keep_alive_seconds"),
        .file(#"{"timeouts": {"body_min_bytes_per_second": -1}}"#, key: "timeouts.body_min_bytes_per_second"),
        .file(#"{"timeouts": {"body_min_bytes_per_second": 10.5}}"#, key: "timeouts.body_min_bytes_per_second"),
        .file(#"{"timeouts": {"body_min_bytes_per_second": "fast"}}"#, key: "timeouts.body_min_bytes_per_second"),
        .file(#"{"paths": {"migrations": ["a"]}}"#, key: "paths.migrations"),
        .file(#"{"prot": 8080}"#, key: "prot"),
        .file(#"{"timeouts": {"header": 1}}"#, key: "timeouts.header"),
        .file(#"{"limits": 5}"#, key: "limits"),
        // In the environment: the variable's name.
        .environment("SINERGI_PORT", "abc"),
        .environment("SINERGI_PORT", "70000"),
        .environment("SINERGI_PORT", "-1"),
        .environment("SINERGI_PORT", ""),
        .environment("SINERGI_THREADS", "x"),
        .environment("SINERGI_LOG_LEVEL", "loud"),
        .environment("SINERGI_HOST", ""),
        .environment("SINERGI_MAX_CONNECTIONS", "0"),
        .environment("SINERGI_HEADER_TIMEOUT", "0"),
        .environment("SINERGI_HEADER_TIMEOUT", "-1"),
        .environment("SINERGI_HEADER_TIMEOUT", "soon"),
        .environment("SINERGI_HEADER_TIMEOUT", "nan"),
        .environment("SINERGI_HEADER_TIMEOUT", "inf"),
        .environment("SINERGI_SHUTDOWN_GRACE", "0"),
        .environment("SINERGI_BODY_MIN_RATE", "-5"),
        .environment("SINERGI_BODY_MIN_RATE", "1KiB"),
        // As flags: the dotted key.
        .override("port", "abc"),
        .override("port", "70000"),
        .override("threads", "-1"),
        .override("timeouts.header_seconds", "soon"),
        .override("prot", "8080"),
    ] as [Sources])
    func badValue(_ sources: Sources) throws {
        let error = #expect(throws: ConfigError.self) { try sources.load() }
        #expect(error?.key == sources.key)
        #expect(error?.reason.isEmpty == false)
    }

    @Test("a file that is not a JSON object is refused, naming --config", arguments: [
        "port = 8080", "", "{\"port\": 8080", "[1, 2]", "\"text\"", "8080",
    ])
    func fileNotJSONObject(_ text: String) throws {
        let error = #expect(throws: ConfigError.self) { try Sources(file: text, testDescription: "").load() }
        #expect(error?.key == "--config")
    }

    @Test("a missing explicit file, or one named by SINERGI_CONFIG, is refused")
    func missingFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let missing = dir.url.appendingPathComponent("missing.json").path

        let explicit = #expect(throws: ConfigError.self) { try Config.load(explicitFile: missing, environment: [:]) }
        #expect(explicit?.key == "--config")
        let named = #expect(throws: ConfigError.self) {
            try Config.load(environment: ["SINERGI_CONFIG": missing])
        }
        #expect(named?.key == "SINERGI_CONFIG")
    }

    @Test("a bad value in the file is refused even when the environment sets the same setting")
    func badFileValueUnderEnvironment() throws {
        let sources = Sources(file: #"{"port": "abc"}"#, environment: ["SINERGI_PORT": "9000"], testDescription: "")
        let error = #expect(throws: ConfigError.self) { try sources.load() }
        #expect(error?.key == "port")
    }

    @Test("the description names the key")
    func errorDescription() {
        let error = ConfigError(key: "timeouts.header_seconds", reason: "must be a number")
        #expect(error.description == "configuration: timeouts.header_seconds: must be a number")
    }

    // MARK: - The repository's file

    @Test("config/sinergi.json loads cleanly and holds the defaults")
    func repositoryConfigFile() throws {
        let path = Self.repositoryRoot.appendingPathComponent("config/sinergi.json").path
        try #require(FileManager.default.fileExists(atPath: path))
        #expect(try Config.load(explicitFile: path, environment: [:]) == Config())
    }

    // MARK: - Server configuration

    @Test("serverConfiguration carries the settings, seconds as Durations")
    func serverConfiguration() {
        var config = Config()
        config.host = "0.0.0.0"
        config.port = 0
        config.threads = 3
        config.maxConnections = 12
        config.maxBodyBytes = 3456
        config.headerTimeoutSeconds = 1.5
        config.bodyIdleTimeoutSeconds = 0.25
        config.bodyMinBytesPerSecond = 512
        config.keepAliveTimeoutSeconds = 60
        config.shutdownGraceSeconds = 2
        let server = config.serverConfiguration
        #expect(server.host == "0.0.0.0")
        #expect(server.port == 0)
        #expect(server.eventLoops == 3)
        #expect(server.maxConnections == 12)
        #expect(server.maxBodyBytes == 3456)
        #expect(server.headerTimeout == .milliseconds(1500))
        #expect(server.bodyIdleTimeout == .milliseconds(250))
        #expect(server.minimumBodyBytesPerSecond == 512)
        #expect(server.keepAliveTimeout == .seconds(60))
        #expect(server.shutdownGracePeriod == .seconds(2))
    }

    @Test("threads 0 means one event loop per core, at least one")
    func threadsZero() {
        var config = Config()
        config.threads = 0
        let loops = config.serverConfiguration.eventLoops
        #expect(loops >= 1)
        #expect(loops == max(1, ProcessInfo.processInfo.activeProcessorCount))
    }

    @Test("an accepted timeout never becomes zero or loses precision", arguments: [0.0004, 0.001, 0.29, 0.3, 86_400])
    func timeoutPrecision(_ seconds: Double) throws {
        var config = try Sources(
            file: "{}", overrides: ["timeouts.header_seconds": String(seconds)], testDescription: "").load()
        config.bodyIdleTimeoutSeconds = seconds
        let server = config.serverConfiguration
        #expect(server.headerTimeout > .zero)
        // Within a microsecond of the setting; truncating 0.29 s to whole milliseconds gives 289 ms.
        let error = distance(server.headerTimeout, .seconds(seconds))
        #expect(error < .microseconds(1))
        #expect(server.bodyIdleTimeout == server.headerTimeout)
    }
}

extension ConfigTests {
    /// One way of loading: an optional config file (its JSON text), environment and flag overrides.
    struct Sources: Sendable, CustomTestStringConvertible {
        var file: String?
        var environment: [String: String] = [:]
        var overrides: [String: String] = [:]
        /// The key a `ConfigError` must name, for the failing cases.
        var key = ""
        var testDescription: String

        /// Loads with `file` written to a temporary directory and passed as the explicit file.
        func load() throws -> Config {
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            var explicitFile: String?
            if let file {
                let url = dir.url.appendingPathComponent("sinergi.json")
                try Data(file.utf8).write(to: url)
                explicitFile = url.path
            }
            return try Config.load(explicitFile: explicitFile, environment: environment, overrides: overrides)
        }

        static func file(_ json: String, key: String) -> Sources {
            Sources(file: json, key: key, testDescription: "file \(json)")
        }

        static func environment(_ name: String, _ value: String) -> Sources {
            Sources(file: "{}", environment: [name: value], key: name, testDescription: "\(name)=\(value)")
        }

        static func override(_ key: String, _ value: String) -> Sources {
            Sources(file: "{}", overrides: [key: value], key: key, testDescription: "flag \(key)=\(value)")
        }
    }

    // MARK: - Database location

    @Test("database is a SQLite path or a postgres:// URL, and a URL's password never shows",
          arguments: [
              ("data/sinergi.db", "data/sinergi.db", false),
              ("postgres://sinergi:s3cret@db.internal:5432/sinergi", "postgres://sinergi:***@db.internal:5432/sinergi", true),
              ("postgresql://sinergi@db/sinergi?password=s3cret&sslmode=require",
               "postgresql://sinergi@db/sinergi?password=***&sslmode=require", true),
              ("postgresql:///sinergi?host=/run/postgresql", "postgresql:///sinergi?host=/run/postgresql", true),
          ])
    func databaseLocation(setting: String, redacted: String, isPostgreSQL: Bool) {
        let location = DatabaseLocation(setting)
        #expect(location.redacted == redacted)
        #expect(!location.redacted.contains("s3cret"))
        if case .postgresql = location { #expect(isPostgreSQL) } else { #expect(!isPostgreSQL) }
    }

    @Test("a PostgreSQL database needs SINERGI_DATA_KEY: a key generated per node would differ")
    func postgreSQLNeedsADataKey() {
        var config = Config()
        config.database = "postgres://sinergi@127.0.0.1/sinergi"
        #expect(throws: ConfigError.self) {
            try DataProtection.load(config: config, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        }
    }
}

private func distance(_ a: Duration, _ b: Duration) -> Duration {
    a < b ? b - a : a - b
}
