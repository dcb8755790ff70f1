import ArgumentParser
import Foundation
import Logging
import Sinergi

/// `sinergi keys create`: the first admin key of a fresh database, and any key later.
struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage API keys.", subcommands: [Create.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API key and print it on standard output (shown only this once).")

        @OptionGroup var global: GlobalOptions

        @Option(help: "admin, officer, partner or viewer.")
        var role: String

        @Option(help: "A name that says who holds the key.")
        var name: String

        @Option(help: "For partner keys: the organization whose subtree the key sees.")
        var organization: Int64?

        func run() throws {
            guard let role = Role(rawValue: role) else {
                throw ValidationError("--role must be admin, officer, partner or viewer")
            }
            let config = try global.loadConfig()
            // Logs go to standard error, so a script can capture the key from standard output.
            let logger = makeLogger(config: config)
            exitingOnError(code: 1, { "cannot create the key: \(Self.explain($0))" }) {
                let application = try Application(config: config, logger: logger)
                defer { application.close() }
                print(try application.issueKey(role: role, name: name, organizationID: organization))
                JSONLogHandler.flush()
            }
        }

        /// "organization_id is required for a partner key", as the API's 422 names each field.
        static func explain(_ error: any Error) -> String {
            guard case AppError.invalid(let problems)? = error as? AppError else { return "\(error)" }
            return problems.map { "\($0.field) \($0.message)" }.joined(separator: "; ")
        }
    }
}
