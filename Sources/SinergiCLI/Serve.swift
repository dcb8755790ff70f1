import ArgumentParser
import Dispatch
import Foundation
import Logging
import Sinergi

/// `sinergi serve`: migrate, then serve until SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP server (migrations are applied first).")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Address to bind.")
    var host: String?

    @Option(help: "Port to bind; 0 picks a free one, named in the log's 'listening' line.")
    var port: String?

    @Option(help: "Event loop threads; 0 means one per core.")
    var threads: String?

    @Option(help: "PEM certificate chain; with --tls-key the server speaks HTTPS only.")
    var tlsCert: String?

    @Option(help: "PEM private key of the certificate.")
    var tlsKey: String?

    @Flag(help: "Production mode: refuse to start without SINERGI_DATA_KEY.")
    var production = false

    func run() async throws {
        var flags: [String: String] = [:]
        flags["host"] = host
        flags["port"] = port
        flags["threads"] = threads
        flags["tls.cert"] = tlsCert
        flags["tls.key"] = tlsKey
        if production { flags["production"] = "true" }
        let config = try global.loadConfig(extra: flags)
        let logger = makeLogger(config: config)
        let application = exitingOnError({ "cannot open the database \(config.databaseLocation.redacted): \($0)" }) {
            try Application(config: config, logger: logger)
        }
        // Signals are handled on a thread of their own (`SignalPipe`), set up before the server
        // listens, so a SIGTERM sent once "listening" is logged (as scripts and tests do) is never
        // lost or fatal. SIGHUP re-reads the TLS files; connections already open keep the old ones.
        SignalPipe.handle([SIGTERM, SIGINT, SIGHUP]) { number in
            if number == SIGHUP {
                application.reloadTLS()
                return
            }
            logger.info("shutting down", metadata: ["signal": "\(number == SIGTERM ? "SIGTERM" : "SIGINT")"])
            application.shutdown()
        }
        do {
            try application.start()
        } catch {
            application.close()
            exitWithMessage("cannot listen on \(config.host):\(config.port): \(error)", code: 1)
        }
        await application.waitUntilStopped()
        JSONLogHandler.flush()
    }
}
