public import Foundation

/// Finds the files the server reads at run time (`migrations/`, `docs/openapi.yaml`): a
/// relative path is tried against the working directory, then against each folder above
/// the executable, so `.build/release/sinergi` run from anywhere finds its checkout.
public enum ResourceLocator {
    /// The first existing location of `path`, or nil.
    public static func locate(_ path: String) -> URL? {
        let fileManager = FileManager.default
        if path.hasPrefix("/") {
            return fileManager.fileExists(atPath: path) ? URL(fileURLWithPath: path) : nil
        }
        let workingDirectory = URL(fileURLWithPath: fileManager.currentDirectoryPath)
        var candidates = [workingDirectory.appendingPathComponent(path)]
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(folder.appendingPathComponent(path))
            folder = folder.deletingLastPathComponent()
        }
        return candidates.first { fileManager.fileExists(atPath: $0.path) }
    }
}
