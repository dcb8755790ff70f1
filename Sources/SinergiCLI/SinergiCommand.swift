import ArgumentParser
import Sinergi

/// `sinergi`: the REST API service behind JKN partnership work.
@main
struct SinergiCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sinergi",
        abstract: "Sinergi: the REST API for JKN partnership programmes.",
        version: Application.version,
        subcommands: [Serve.self, Migrate.self, Keys.self, Import.self, Seed.self, Billing.self, Version.self],
        defaultSubcommand: Serve.self
    )
}
