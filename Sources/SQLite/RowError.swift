/// A row that does not fit what the code reading it expects: a programming error or a
/// database changed behind the application's back, never bad input.
public enum RowError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The query has no result column of this name.
    case noSuchColumn(String)
    /// The column holds a value the code does not know, such as an enum case it lacks.
    case unexpectedValue(column: String)

    public var description: String {
        switch self {
        case .noSuchColumn(let name): "no result column named \(name)"
        case .unexpectedValue(let column): "column \(column) holds a value this version does not know"
        }
    }
}
