import ArgumentParser
import Foundation
import Logging
import Sinergi

/// Flags every subcommand shares; they override the config file and `SINERGI_*`.
struct GlobalOptions: ParsableArguments {
    @Option(help: "Config file (default: config/sinergi.json when present).")
    var config: String?

    @Option(help: "SQLite database file.")
    var database: String?

    /// Flag overrides by their dotted config key.
    var overrides: [String: String] {
        var overrides: [String: String] = [:]
        overrides["database"] = database
        return overrides
    }

    /// Loads the config, printing the offending key and exiting 2 when a value is bad.
    func loadConfig(extra: [String: String] = [:]) throws -> Config {
        do {
            return try Config.load(explicitFile: config, overrides: overrides.merging(extra) { $1 })
        } catch {
            exitWithMessage(error.description)
        }
    }
}

/// Prints `message` on standard error and exits 2, the code for bad configuration.
func exitWithMessage(_ message: String, code: Int32 = 2) -> Never {
    JSONLogHandler.flush()
    FileHandle.standardError.write(Data("sinergi: \(message)\n".utf8))
    exit(code)
}

/// The result of `body`, or an exit: code 2 with the message of a bad setting or migration
/// (they name what to fix), `code` with `message(error)` for any other failure.
func exitingOnError<T>(code: Int32 = 2, _ message: (any Error) -> String, _ body: () throws -> T) -> T {
    do {
        return try body()
    } catch let error as ConfigError {
        exitWithMessage(error.description)
    } catch let error as MigrationError {
        exitWithMessage(error.description)
    } catch {
        exitWithMessage(message(error), code: code)
    }
}

/// Routes swift-log to JSON lines on standard error at the configured level.
func makeLogger(config: Config) -> Logger {
    let level = Logger.Level(rawValue: config.logLevel) ?? .info
    LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
    return Logger(label: "sinergi")
}
