import Foundation
import Testing

/// The shape every domain folder keeps (docs/architecture.md, "Adding a domain").
@Suite struct ArchitectureTests {
    /// SQL statements start like this; only repositories (and the migrator, which runs the
    /// migration files) may hold them.
    static let sqlPattern = #"\b(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM|CREATE (TABLE|INDEX)|WITH RECURSIVE)\b"#

    @Test("no SQL outside repositories")
    func sqlOnlyInRepositories() throws {
        let sql = try Regex(Self.sqlPattern)
        let sources = repositoryRoot.appendingPathComponent("Sources/Sinergi")
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        var checked = 0
        for case let file as URL in files where file.pathExtension == "swift" {
            let relative = String(file.path.dropFirst(sources.path.count + 1))
            guard !relative.hasSuffix("Repository.swift"), !relative.hasPrefix("Storage/") else { continue }
            checked += 1
            for (number, line) in try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where !line.trimmingPrefix(while: \.isWhitespace).hasPrefix("//") && line.contains(sql) {
                Issue.record("SQL outside a repository: Sources/Sinergi/\(relative):\(number + 1)")
            }
        }
        #expect(checked > 20)
    }

    @Test("in domain folders, routes never reach the database and services reach it only through Store")
    func storageThroughStore() throws {
        let sources = repositoryRoot.appendingPathComponent("Sources/Sinergi")
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        let notDomains = ["App", "Storage", "Middleware", "Operations"]
        var checked = 0
        for case let file as URL in files where !notDomains.contains(file.deletingLastPathComponent().lastPathComponent) {
            let name = file.lastPathComponent
            let banned: [String]
            if name.hasSuffix("Routes.swift") || name.hasSuffix("Route.swift") {
                banned = ["DatabasePool", "GroupCommit", "Store", "Connection"]
            } else if name.contains("Service") {
                banned = ["DatabasePool", "GroupCommit"]
            } else {
                continue
            }
            checked += 1
            let text = try String(contentsOf: file, encoding: .utf8)
            for word in banned where text.contains(try Regex("\\b\(word)\\b")) { Issue.record("\(name) names \(word)") }
        }
        #expect(checked >= 14)
    }
}
