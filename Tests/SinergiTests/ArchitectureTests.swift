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
}
