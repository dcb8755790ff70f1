import Foundation
import HTTPServer
import Logging
import Sinergi
import Testing

/// The contract test: every route the server registers is an operation of docs/openapi.yaml,
/// and every operation there is served. A route added without its spec entry fails here.
@Suite struct RouteParityTests {
    @Test("server routes and spec operations are the same set")
    func parity() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let application = try Application(config: testConfig(in: directory), logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        defer { application.close() }
        let spec = try OpenAPIDocument(contentsOf: repositoryRoot.appendingPathComponent("docs/openapi.yaml"))

        let served = Set(application.routes.map { "\($0.method.rawValue) \($0.pattern)" })
        let documented = Set(spec.operations.map { "\($0.method) \($0.path)" })
        for route in served.subtracting(documented).sorted() {
            Issue.record("route missing from docs/openapi.yaml: \(route)")
        }
        for operation in documented.subtracting(served).sorted() {
            Issue.record("operation in docs/openapi.yaml that the server does not have: \(operation)")
        }
        #expect(!served.isEmpty)
    }
}
