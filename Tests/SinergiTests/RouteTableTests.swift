import Foundation
import HTTPServer
import Logging
import Sinergi
import Testing

/// The access tables cannot fall behind the routes: every `/v1` route the server registers
/// has its row in `AccessTests.table`, whose statuses agree with the roles the route admits,
/// and every route that answers with personal data has a path in `ScopeTests.rows`, just as
/// RouteParityTests holds the routes and docs/openapi.yaml together.
@Suite struct RouteTableTests {
    static func routes() throws -> (all: [(method: HTTPMethod, pattern: String)], access: [RouteAccess]) {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let application = try Application(config: testConfig(in: directory), logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        defer { application.close() }
        return (application.routes, application.routeAccess)
    }

    /// Whether a concrete path (placeholders like `{member}` and `{n}` allowed, query
    /// ignored) is one `pattern` matches.
    static func path(_ path: String, matches pattern: String) -> Bool {
        let concrete = path.split(separator: "?", maxSplits: 1)[0].split(separator: "/")
        let template = pattern.split(separator: "/")
        guard concrete.count == template.count else { return false }
        return zip(concrete, template).allSatisfy { part, expected in
            (expected.hasPrefix("{") && expected.hasSuffix("}")) || part == expected
        }
    }

    @Test("every /v1 route records its roles")
    func everyRouteRecordsRoles() throws {
        let (all, access) = try Self.routes()
        let recorded = Set(access.map { "\($0.method.rawValue) \($0.pattern)" })
        for route in all where route.pattern.hasPrefix("/v1/") && !recorded.contains("\(route.method.rawValue) \(route.pattern)") {
            Issue.record("\(route.method.rawValue) \(route.pattern) is registered without its roles (use APIRouter.add)")
        }
        #expect(!access.isEmpty)
    }

    @Test("every /v1 route has its row in the access table, agreeing with its roles")
    func accessTableRows() throws {
        let roles: [Role] = [.admin, .officer, .partner, .viewer]
        for route in try Self.routes().access {
            let rows = AccessTests.table.filter { $0.method == route.method.rawValue && Self.path($0.path, matches: route.pattern) }
            guard let row = rows.first else {
                Issue.record("\(route.method.rawValue) \(route.pattern) has no row in AccessTests.table")
                continue
            }
            #expect(row.expected[0] == 401, "\(route.method.rawValue) \(route.pattern) without a key")
            for (index, role) in roles.enumerated() {
                let admitted = route.roles.contains(role)
                #expect((row.expected[index + 1] == 403) != admitted,
                        "\(route.method.rawValue) \(route.pattern) as \(role.rawValue): the route \(admitted ? "admits" : "refuses") it, the table says \(row.expected[index + 1])")
            }
        }
    }

    @Test("every /v1 route that answers with personal data has a path in the partner-scope table")
    func scopeTableRows() throws {
        let trees = ScopeTests.Trees(
            ownRoot: 1, ownChild: 2, otherRoot: 3, otherChild: 4, ownMember: 5, ownChildMember: 6, otherMember: 7,
            otherChildMember: 8)
        for route in try Self.routes().access where route.personalData {
            let covered = (ScopeTests.rows + ScopeTests.importRows + ScopeTests.contributionRows).contains { $0.method == route.method.rawValue && Self.path($0.path(trees), matches: route.pattern) }
            if !covered { Issue.record("\(route.method.rawValue) \(route.pattern) returns personal data but has no row in ScopeTests.rows") }
        }
    }
}
