public import Foundation
internal import Yams

/// `docs/openapi.yaml`, the one source of the contract, converted once to the JSON served
/// at `/openapi.json`.
public struct OpenAPIDocument: Sendable {
    /// The document as JSON.
    public let json: [UInt8]
    /// Every operation as (method, path), e.g. ("GET", "/v1/members/{id}").
    public let operations: [(method: String, path: String)]

    /// Reads and converts the YAML file.
    public init(contentsOf url: URL) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        guard let root = try Yams.load(yaml: text) as? [String: Any] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        json = Array(try JSONSerialization.data(withJSONObject: Self.jsonCompatible(root), options: [.sortedKeys]))
        let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        var operations: [(method: String, path: String)] = []
        for (path, item) in (root["paths"] as? [String: Any] ?? [:]).sorted(by: { $0.key < $1.key }) {
            for method in methods where (item as? [String: Any])?[method] != nil {
                operations.append((method.uppercased(), path))
            }
        }
        self.operations = operations
    }

    // YAML gives Int, Double, Bool, String, arrays and dictionaries; keys may be non-strings
    // (`200:` under responses), which JSON needs as strings.
    private static func jsonCompatible(_ value: Any) -> Any {
        switch value {
        case let dictionary as [String: Any]:
            return dictionary.mapValues(jsonCompatible)
        case let dictionary as [AnyHashable: Any]:
            return Dictionary(uniqueKeysWithValues: dictionary.map { ("\($0.key)", jsonCompatible($0.value)) })
        case let array as [Any]:
            return array.map(jsonCompatible)
        default:
            return value
        }
    }
}
