import ArgumentParser
import Foundation
import Logging
import Sinergi

/// `sinergi billing`: premium jobs run from the command line or a timer.
struct Billing: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Premium jobs.", subcommands: [CloseMonth.self])

    /// `sinergi billing close-month YYYY-MM`.
    struct CloseMonth: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "close-month",
            abstract: "Mark members whose premium for the month is unpaid after its due date inactive (idempotent).")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The month, YYYY-MM.")
        var month: String

        func run() throws {
            guard let period = Period(month) else { throw ValidationError("the month must be written YYYY-MM, such as 2026-11") }
            var config = try global.loadConfig()
            config.loadRegions = false
            let logger = makeLogger(config: config)
            let changed = exitingOnError(code: 1, { "cannot close \(period): \($0)" }) {
                let application = try Application(config: config, logger: logger)
                defer { application.close() }
                let started = ContinuousClock.now
                let changed = try application.closeMonth(period)
                logger.notice("month closed", metadata: [
                    "month": "\(period)", "inactive": "\(changed)", "seconds": "\((ContinuousClock.now - started).components.seconds)",
                ])
                return changed
            }
            print("\(period): \(changed) members became inactive")
        }
    }
}
