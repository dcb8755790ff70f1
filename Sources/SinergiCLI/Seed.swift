import ArgumentParser
import Foundation
import Logging
import Sinergi

/// `sinergi seed --members N`: a made-up registry for development and benchmarks.
struct Seed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add synthetic organizations, employers and members (valid NIKs, sealed as usual) for development and benchmarks.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "How many members to add.")
    var members: Int = 10_000

    @Option(help: "Seed of the generator; the same seed gives the same rows.")
    var seed: UInt64 = 2026

    func run() throws {
        guard members > 0 else { throw ValidationError("--members must be positive") }
        var config = try global.loadConfig()
        config.loadRegions = true
        let logger = makeLogger(config: config)
        exitingOnError(code: 1, { "cannot seed: \($0)" }) {
            let application = try Application(config: config, logger: logger)
            defer { application.close() }
            let started = ContinuousClock.now
            let summary = try SyntheticRegistry.addMembers(members, to: application, seed: seed)
            logger.notice("seeded", metadata: [
                "members": "\(summary.members)", "families": "\(summary.families)",
                "organizations": "\(summary.organizations)", "employers": "\(summary.employers)",
                "seconds": "\((ContinuousClock.now - started).components.seconds)",
            ])
            JSONLogHandler.flush()
        }
    }
}
