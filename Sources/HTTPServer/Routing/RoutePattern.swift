/// A path pattern such as `/v1/members/{id}`: literal segments and named parameters.
public struct RoutePattern: Sendable, Hashable, CustomStringConvertible {
    enum Segment: Sendable, Hashable {
        case literal(String)
        case parameter(String)
    }

    /// The pattern as written.
    public let description: String
    let segments: [Segment]

    /// Parses a pattern; parameters are whole segments in braces.
    public init(_ pattern: String) {
        precondition(pattern.hasPrefix("/"), "route pattern must start with /: \(pattern)")
        description = pattern
        segments = pattern.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { part in
            if part.hasPrefix("{") && part.hasSuffix("}") {
                return .parameter(String(part.dropFirst().dropLast()))
            }
            return .literal(String(part))
        }
    }

    /// Whether the pattern has no parameters.
    var isStatic: Bool { segments.allSatisfy { if case .literal = $0 { true } else { false } } }

    /// The parameters if `path` (split into decoded segments) matches, else nil.
    func match(_ pathSegments: [String]) -> [String: String]? {
        guard pathSegments.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, value) in zip(segments, pathSegments) {
            switch segment {
            case .literal(let literal): if literal != value { return nil }
            case .parameter(let name):
                if value.isEmpty { return nil }
                parameters[name] = value
            }
        }
        return parameters
    }

    /// Whether two patterns match the same paths (`/a/{x}` and `/a/{y}`).
    func overlaps(_ other: RoutePattern) -> Bool {
        guard segments.count == other.segments.count else { return false }
        return zip(segments, other.segments).allSatisfy { pair in
            switch pair {
            case let (.literal(a), .literal(b)): a == b
            case (.parameter, .parameter): true
            default: false
            }
        }
    }
}
