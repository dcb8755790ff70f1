/// The parsed request line and header section, with the framing decided from them.
public struct RequestHead: Sendable {
    /// How the body is delimited (RFC 9112 §6.3).
    public enum Framing: Sendable, Equatable {
        case none
        case length(Int)
        case chunked
    }

    public var method: HTTPMethod
    /// The request target exactly as sent.
    public var target: String
    /// The path part of the target, still percent-encoded.
    public var path: String
    /// The query part after `?`, still percent-encoded, or nil.
    public var query: String?
    /// Minor version of HTTP/1.x.
    public var minorVersion: Int
    public var headers: HTTPHeaders
    public var framing: Framing
    /// Whether the connection stays open after the response.
    public var isKeepAlive: Bool
    /// Whether the client waits for `100 Continue` before sending the body.
    public var expectsContinue: Bool
}
