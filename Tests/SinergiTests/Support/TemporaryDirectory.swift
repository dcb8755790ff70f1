import Foundation

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

    /// The directory's file-system path.
    var path: String { url.path }

    /// Creates `<tmp>/<prefix>-<UUID>`.
    init(prefix: String = "SinergiTests") throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Deletes the directory and everything in it; calling it again does nothing.
    func remove() {
        try? FileManager.default.removeItem(at: url)
    }

    deinit {
        remove()
    }
}
