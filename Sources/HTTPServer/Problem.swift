/// An RFC 9457 problem document: the one shape of every error response.
public struct Problem: Error, Sendable {
    /// One invalid input field of a 422 answer.
    public struct FieldError: Sendable, Equatable {
        /// Path of the field, dotted for nested values (`registered_via.organization_id`).
        public var field: String
        /// A stable machine-readable code (`required`, `invalid_format`, …).
        public var code: String
        /// A sentence for people; never echoes the submitted value.
        public var message: String

        public init(field: String, code: String, message: String) {
            self.field = field
            self.code = code
            self.message = message
        }

        /// `[{"field","code","message"}, …]`, the shape of `errors` and of other lists of
        /// remarks about fields, such as a registration's warnings.
        public static func write(_ errors: [FieldError], into json: inout JSONWriter) {
            json.beginArray()
            for error in errors {
                json.beginObject()
                json.field("field", error.field)
                json.field("code", error.code)
                json.field("message", error.message)
                json.endObject()
            }
            json.endArray()
        }
    }

    /// A URI reference naming the problem type, listed in docs/errors.md.
    public var type: String
    /// A short summary of the type.
    public var title: String
    /// The HTTP status.
    public var status: HTTPStatus
    /// What went wrong in this occurrence. Never echoes input.
    public var detail: String?
    /// The request path, filled in by the server.
    public var instance: String?
    /// Every bad field, for validation errors.
    public var errors: [FieldError]
    /// Extra response headers (`Allow`, `WWW-Authenticate`, `Retry-After`).
    public var headers: HTTPHeaders
    /// RFC 9457 extension members with integer values, such as the `existing_id` of a duplicate.
    public var extensions: [(name: String, value: Int)]

    /// A problem of type `/problems/<slug>`.
    public init(
        slug: String, title: String, status: HTTPStatus, detail: String? = nil,
        errors: [FieldError] = [], headers: HTTPHeaders = HTTPHeaders(), extensions: [(name: String, value: Int)] = []
    ) {
        self.type = "/problems/\(slug)"
        self.title = title
        self.status = status
        self.detail = detail
        self.instance = nil
        self.errors = errors
        self.headers = headers
        self.extensions = extensions
    }

    /// The JSON document, `type`, `title`, `status`, `detail`, `instance` and `errors`.
    public var jsonBytes: [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.field("type", type)
        json.field("title", title)
        json.field("status", status.code)
        if let detail { json.field("detail", detail) }
        if let instance { json.field("instance", instance) }
        for (name, value) in extensions { json.field(name, value) }
        if !errors.isEmpty {
            json.key("errors")
            FieldError.write(errors, into: &json)
        }
        json.endObject()
        return json.bytes
    }

    /// The response carrying this problem as `application/problem+json`.
    public func response(instance: String? = nil) -> Response {
        var problem = self
        problem.instance = problem.instance ?? instance
        var response = Response(status: status, body: problem.jsonBytes, contentType: "application/problem+json")
        for field in headers { response.headers.add(field.name, field.value) }
        return response
    }
}

/// An error that knows the problem document it answers with.
public protocol ProblemConvertible: Error {
    /// The problem this error is shown as.
    var problem: Problem { get }
}

extension Problem: ProblemConvertible {
    public var problem: Problem { self }
}

extension Problem {
    /// 404: no route, or nothing the caller may see at this path.
    public static let notFound = Problem(
        slug: "not-found", title: "Not Found", status: .notFound,
        detail: "No resource exists at this path.")

    /// 500 with a generic detail; the cause goes to the log, never to the client.
    public static let internalError = Problem(
        slug: "internal-error", title: "Internal Server Error", status: .internalServerError,
        detail: "The server failed to handle this request. Quote the request id when reporting it.")

    /// 405 with the `Allow` header listing what the path accepts.
    public static func methodNotAllowed(allow: [HTTPMethod]) -> Problem {
        let list = allow.map(\.rawValue).joined(separator: ", ")
        return Problem(
            slug: "method-not-allowed", title: "Method Not Allowed", status: .methodNotAllowed,
            detail: "This path accepts \(list).", headers: HTTPHeaders([("Allow", list)]))
    }
}
