import Foundation
import Synchronization

/// A fresh, uniquely named directory under the system's temporary folder, removed with its
/// contents by `remove()` or when the last reference goes away.
///
/// ```swift
/// let dir = try TemporaryDirectory()
/// defer { dir.remove() }
/// let database = dir.url.appendingPathComponent("test.sqlite").path
/// ```
///
/// Swift may release an object right after its last use, before the end of the scope, so call
/// `remove()` in a `defer` (or otherwise use `dir` last) when files inside it are still needed.
final class TemporaryDirectory: Sendable {
    /// The directory, which exists until `remove()`.
    let url: URL
    /// The PostgreSQL schema of the same test, once made; `remove()` drops it.
    private let schema = Mutex<FreshPostgreSQLSchema?>(nil)

    /// The directory's file-system path.
    var path: String { url.path }

    /// Creates `<tmp>/<prefix>-<UUID>`.
    init(prefix: String = "SinergiTests") throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A schema of the PostgreSQL test server for the same test (the same one on every call),
    /// dropped by `remove()`: what the directory is to a SQLite database.
    func postgreSQLSchema() throws -> FreshPostgreSQLSchema {
        try schema.withLock { schema in
            if let schema { return schema }
            let made = try FreshPostgreSQLSchema()
            schema = made
            return made
        }
    }

    /// Deletes the directory and everything in it, and drops its PostgreSQL schema; calling it
    /// again does nothing.
    func remove() {
        try? FileManager.default.removeItem(at: url)
        schema.withLock { schema in
            schema?.drop()
            schema = nil
        }
    }

    deinit {
        remove()
    }
}
