import ArgumentParser
import Sinergi

/// `sinergi version`.
struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version.")

    func run() {
        print("sinergi \(Application.version)")
    }
}
