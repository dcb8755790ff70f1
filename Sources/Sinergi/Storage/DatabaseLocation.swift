internal import Foundation

/// What the `database` setting names: a SQLite file (a path), or a PostgreSQL database (a
/// `postgres://` or `postgresql://` URL, as libpq reads it).
public enum DatabaseLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgresql(url: String)

    public init(_ setting: String) {
        let isURL = setting.hasPrefix("postgres://") || setting.hasPrefix("postgresql://")
        self = isURL ? .postgresql(url: setting) : .sqlite(path: setting)
    }

    /// The setting with any password replaced by `***`, for logs and error messages.
    public var redacted: String {
        switch self {
        case .sqlite(let path): path
        case .postgresql(let url): Self.withoutPassword(url)
        }
    }

    private static func withoutPassword(_ url: String) -> String {
        var text = Substring(url)
        var result = ""
        // postgres://user:password@host/db: the password sits between the first ':' after
        // the scheme and the '@' that ends the user information.
        if let schemeEnd = text.range(of: "://") {
            result += text[..<schemeEnd.upperBound]
            text = text[schemeEnd.upperBound...]
            let authorityEnd = text.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? text.endIndex
            if let at = text[..<authorityEnd].lastIndex(of: "@"), let colon = text[..<at].firstIndex(of: ":") {
                result += text[..<colon] + ":***"
                text = text[at...]
            }
        }
        // ...or a `password=` query parameter.
        guard let query = text.firstIndex(of: "?") else { return result + text }
        result += text[...query]
        let parameters = text[text.index(after: query)...].split(separator: "&", omittingEmptySubsequences: false).map { parameter in
            parameter.hasPrefix("password=") ? "password=***" : String(parameter)
        }
        return result + parameters.joined(separator: "&")
    }
}
