@testable import HTTPServer
import Testing

// Unit tests for `Router` and `RoutePattern`: 404 for an unknown path, 405 with `Allow` for a
// known path and another method, HEAD answered by GET, parameters percent-decoded.

@Suite("Router")
struct RouterTests {
    @Test("finds a static route")
    func findsStatic() throws {
        let (route, parameters) = try #require(makeRouter().match(method: .get, path: "/health").found)
        #expect(route.method == .get)
        #expect(route.pattern.description == "/health")
        #expect(parameters.isEmpty)
    }

    @Test("finds the root route")
    func findsRoot() throws {
        #expect(makeRouter().match(method: .get, path: "/").found?.route.pattern.description == "/")
    }

    @Test("binds a parameter, percent-decoded", arguments: [
        ("/v1/members/12", "12"),
        ("/v1/members/a%20b", "a b"),
        ("/v1/members/a%2Fb", "a/b"),
        ("/v1/members/a%2fb", "a/b"),
        ("/v1/members/a+b", "a+b"),
        ("/v1/members/%E2%9C%93", "\u{2713}"),
        ("/v1/members/me%21", "me!"),
    ])
    func bindsParameter(path: String, id: String) throws {
        let (route, parameters) = try #require(makeRouter().match(method: .get, path: path).found)
        #expect(route.pattern.description == "/v1/members/{id}")
        #expect(parameters == ["id": id])
    }

    @Test("binds several parameters")
    func bindsSeveral() throws {
        let (route, parameters) = try #require(makeRouter().match(method: .put, path: "/v1/orgs/jkn/members/7").found)
        #expect(route.pattern.description == "/v1/orgs/{org}/members/{id}")
        #expect(parameters == ["org": "jkn", "id": "7"])
    }

    @Test("answers not found for an unknown path", arguments: [
        "/v1", "/v1/members/12/extra", "/v1/members/", "/v1/members//", "/health/", "//health", "/HEALTH", "/healthz",
        "*", "/v1/orgs/jkn/members/", "/v1/orgs//members/7",
    ])
    func notFound(_ path: String) {
        #expect(makeRouter().match(method: .get, path: path).isNotFound)
    }

    @Test("answers not found for a path that does not percent-decode", arguments: [
        "/v1/members/%", "/v1/members/%2", "/v1/members/%zz", "/v1/members/%FF", "/v1/members/%C3",
    ])
    func undecodablePath(_ path: String) {
        #expect(makeRouter().match(method: .get, path: path).isNotFound)
    }

    @Test("answers 405 with Allow for a known path and another method")
    func methodNotAllowed() throws {
        let allow = try #require(makeRouter().match(method: .delete, path: "/v1/members").allow)
        #expect(allow == [.get, .post, .head])
    }

    @Test("answers 405 for a parameter route with another method")
    func methodNotAllowedOnParameterRoute() throws {
        let allow = try #require(makeRouter().match(method: .post, path: "/v1/members/12").allow)
        #expect(allow == [.get, .delete, .head])
    }

    @Test("lists HEAD in Allow only when GET is allowed")
    func allowWithoutGet() throws {
        let allow = try #require(makeRouter().match(method: .get, path: "/v1/imports").allow)
        #expect(allow == [.post])
        #expect(makeRouter().match(method: .head, path: "/v1/imports").allow == [.post])
    }

    @Test("does not list a method twice in Allow")
    func allowHasNoDuplicates() throws {
        var router = Router()
        router.get("/a") { _ in Response(status: .ok) }
        router.add(.head, "/a") { _ in Response(status: .ok) }
        #expect(router.match(method: .post, path: "/a").allow == [.get, .head])

        // Two parameter routes of one method that both match the path.
        router.get("/b/{x}") { _ in Response(status: .ok) }
        router.get("/{y}/c") { _ in Response(status: .ok) }
        #expect(router.match(method: .delete, path: "/b/c").allow == [.get, .head])
    }

    @Test("answers HEAD with the GET route")
    func headFallsBackToGet() throws {
        let router = makeRouter()
        let (route, _) = try #require(router.match(method: .head, path: "/health").found)
        #expect(route.method == .get)
        let (member, parameters) = try #require(router.match(method: .head, path: "/v1/members/9").found)
        #expect(member.method == .get)
        #expect(parameters == ["id": "9"])
    }

    @Test("prefers an explicit HEAD route")
    func explicitHead() throws {
        var router = Router()
        router.get("/a") { _ in Response(status: .ok) }
        router.add(.head, "/a") { _ in Response(status: .noContent) }
        #expect(router.match(method: .head, path: "/a").found?.route.method == .head)
        #expect(router.match(method: .get, path: "/a").found?.route.method == .get)
    }

    @Test("compares methods case-sensitively")
    func methodsAreCaseSensitive() {
        #expect(makeRouter().match(method: "get", path: "/health").allow == [.get, .head])
        #expect(makeRouter().match(method: "Get", path: "/health").found == nil)
    }

    @Test("prefers a static route to a parameter route")
    func staticBeatsParameter() throws {
        let router = makeRouter()
        #expect(router.match(method: .get, path: "/v1/members/me").found?.route.pattern.description == "/v1/members/me")
        #expect(router.match(method: .get, path: "/v1/members/mine").found?.route.pattern.description == "/v1/members/{id}")
        // The static path owns its methods: DELETE /v1/members/{id} does not take "me".
        #expect(router.match(method: .delete, path: "/v1/members/me").allow == [.get, .head])
        #expect(router.match(method: .delete, path: "/v1/members/mine").found?.route.pattern.description == "/v1/members/{id}")
    }

    @Test("tries parameter routes in registration order")
    func parameterRoutesInOrder() throws {
        var router = Router()
        router.get("/a/{x}") { _ in Response(status: .ok) }
        router.get("/{y}/b") { _ in Response(status: .ok) }
        let (route, parameters) = try #require(router.match(method: .get, path: "/a/b").found)
        #expect(route.pattern.description == "/a/{x}")
        #expect(parameters == ["x": "b"])
        #expect(router.match(method: .get, path: "/z/b").found?.parameters == ["y": "z"])
    }

    @Test("keeps a route's body limit")
    func maxBodyBytes() {
        let router = makeRouter()
        #expect(router.match(method: .post, path: "/v1/imports").found?.route.maxBodyBytes == 10 * 1024 * 1024)
        #expect(router.match(method: .post, path: "/v1/members").found.map { $0.route.maxBodyBytes == nil } == true)
    }

    @Test("lists registered routes in order")
    func registeredRoutes() {
        let routes = makeRouter().registeredRoutes.map { "\($0.method) \($0.pattern)" }
        #expect(routes == [
            "GET /", "GET /health", "GET /v1/members", "POST /v1/members", "GET /v1/members/me", "GET /v1/members/{id}",
            "DELETE /v1/members/{id}", "PUT /v1/orgs/{org}/members/{id}", "POST /v1/imports",
        ])
    }

    @Test("runs the matched handler with the request")
    func runsHandler() async throws {
        let (route, parameters) = try #require(makeRouter().match(method: .get, path: "/v1/members/42").found)
        let request = Request(method: .get, path: "/v1/members/42", parameters: parameters)
        let response = try await route.handler(request)
        #expect(response.status == .ok)
        #expect(String(decoding: response.body, as: UTF8.self) == "member 42")
    }

    @Test("registering a route twice is a programming error")
    func registeringTwiceTraps() async {
        await #expect(processExitsWith: .failure) {
            var router = Router()
            router.get("/a") { _ in Response(status: .ok) }
            router.get("/a") { _ in Response(status: .ok) }
        }
        await #expect(processExitsWith: .failure) {
            var router = Router()
            router.get("/a/{x}") { _ in Response(status: .ok) }
            router.get("/a/{y}") { _ in Response(status: .ok) }
        }
    }

    @Test("allows one pattern under several methods, and overlapping patterns of other shapes")
    func registeringDistinctRoutes() {
        var router = Router()
        router.get("/a/{x}") { _ in Response(status: .ok) }
        router.post("/a/{y}") { _ in Response(status: .ok) }
        router.get("/a/b") { _ in Response(status: .ok) }
        router.get("/a/{x}/c") { _ in Response(status: .ok) }
        #expect(router.registeredRoutes.count == 4)
    }
}

@Suite("RoutePattern")
struct RoutePatternTests {
    @Test("splits a pattern into literals and parameters")
    func segments() {
        #expect(RoutePattern("/v1/members/{id}").segments == [.literal("v1"), .literal("members"), .parameter("id")])
        #expect(RoutePattern("/").segments == [.literal("")])
        #expect(RoutePattern("/a/{b}c").segments == [.literal("a"), .literal("{b}c")])
    }

    @Test("knows when it has no parameters")
    func isStatic() {
        #expect(RoutePattern("/health").isStatic)
        #expect(!RoutePattern("/v1/members/{id}").isStatic)
    }

    @Test("matches decoded segments", arguments: [
        (["v1", "members", "7"], ["id": "7"]),
        (["v1", "members", ""], nil),
        (["v1", "members"], nil),
        (["v1", "members", "7", ""], nil),
        (["v1", "Members", "7"], nil),
    ] as [([String], [String: String]?)])
    func match(_ segments: [String], parameters: [String: String]?) {
        #expect(RoutePattern("/v1/members/{id}").match(segments) == parameters)
    }

    @Test("overlaps a pattern that matches the same paths", arguments: [
        ("/a/{x}", "/a/{y}", true), ("/a/b", "/a/b", true), ("/a/b", "/a/{x}", false), ("/a/{x}", "/a/{x}/c", false),
        ("/a", "/b", false),
    ])
    func overlaps(_ first: String, _ second: String, expected: Bool) {
        #expect(RoutePattern(first).overlaps(RoutePattern(second)) == expected)
        #expect(RoutePattern(second).overlaps(RoutePattern(first)) == expected)
    }
}

// MARK: - Helpers

private func makeRouter() -> Router {
    var router = Router()
    router.get("/") { _ in Response(status: .ok) }
    router.get("/health") { _ in Response(status: .ok) }
    router.get("/v1/members") { _ in Response(status: .ok) }
    router.post("/v1/members") { _ in Response(status: .created) }
    router.get("/v1/members/me") { _ in Response(status: .ok) }
    router.get("/v1/members/{id}") { request in
        Response(status: .ok, body: Array("member \(request.parameters["id"] ?? "?")".utf8), contentType: "text/plain")
    }
    router.delete("/v1/members/{id}") { _ in Response(status: .noContent) }
    router.put("/v1/orgs/{org}/members/{id}") { _ in Response(status: .ok) }
    router.post("/v1/imports", maxBodyBytes: 10 * 1024 * 1024) { _ in Response(status: .ok) }
    return router
}

extension Router.Match {
    fileprivate var found: (route: Router.Route, parameters: [String: String])? {
        if case .found(let route, let parameters) = self { (route, parameters) } else { nil }
    }

    fileprivate var allow: [HTTPMethod]? {
        if case .methodNotAllowed(let allow) = self { allow } else { nil }
    }

    fileprivate var isNotFound: Bool {
        if case .notFound = self { true } else { false }
    }
}
