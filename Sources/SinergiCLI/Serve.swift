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
        // Signals arrive on a dispatch queue instead of interrupting a thread mid-request. They are
        // set up before the server listens, so a SIGTERM sent once "listening" is logged (as
        // scripts and tests do) is never lost or fatal.
        let signals = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                logger.info("shutting down", metadata: ["signal": "\(number == SIGTERM ? "SIGTERM" : "SIGINT")"])
                application.shutdown()
            }
            source.resume()
            return source
        }
        // SIGHUP re-reads the TLS files; connections already open keep the old ones.
        signal(SIGHUP, SIG_IGN)
        let reload = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        reload.setEventHandler { application.reloadTLS() }
        reload.resume()
        do {
            try application.start()
        } catch {
            application.close()
            exitWithMessage("cannot listen on \(config.host):\(config.port): \(error)", code: 1)
        }
        await application.waitUntilStopped()
        reload.cancel()
        signals.forEach { $0.cancel() }
        JSONLogHandler.flush()
    }
}
