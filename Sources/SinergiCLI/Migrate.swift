import ArgumentParser
import Foundation
import Sinergi

/// `sinergi migrate`: apply pending migrations and exit.
struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let config = try global.loadConfig()
        let applied = exitingOnError({ "cannot open the database \(config.databaseLocation.redacted): \($0)" }) {
            try Migrations.apply(config: config)
        }
        print(applied.isEmpty ? "database is current" : applied.map { "applied \($0)" }.joined(separator: "\n"))
    }
}
