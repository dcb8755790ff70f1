/// Why a request could not be read. Each case knows its status; the connection answers it
/// with a problem document and `Connection: close` before any handler runs.
///
/// Details never echo the offending bytes (Go's `conn.serve` does not echo the
/// transfer-encoding it refuses, for the same reason).
public enum HTTPParseError: Error, Sendable, Equatable {
    case malformedRequestLine
    case uriTooLong
    case unsupportedVersion
    case malformedHeader
    case obsoleteLineFolding
    case headerSectionTooLarge
    case tooManyHeaders
    case missingHost
    case repeatedHost
    case contentLengthWithTransferEncoding
    case invalidContentLength
    case unsupportedTransferCoding
    case invalidTransferEncoding
    case invalidChunk
    case bodyTooLarge
    case unsupportedExpectation
    case timeout
    /// A spooled body could not be written to disk.
    case bodyNotStored
}

extension HTTPParseError: ProblemConvertible {
    public var problem: Problem {
        switch self {
        case .malformedRequestLine:
            Problem(slug: "malformed-request", title: "Bad Request", status: 400,
                    detail: "The request line is not `METHOD target HTTP/1.1`.")
        case .uriTooLong:
            Problem(slug: "uri-too-long", title: "URI Too Long", status: 414,
                    detail: "The request target is longer than the server accepts.")
        case .unsupportedVersion:
            Problem(slug: "http-version-not-supported", title: "HTTP Version Not Supported", status: 505,
                    detail: "This server speaks HTTP/1.1 and HTTP/1.0.")
        case .malformedHeader:
            Problem(slug: "malformed-request", title: "Bad Request", status: 400,
                    detail: "A header field is malformed: invalid name, whitespace before the colon, or a forbidden character.")
        case .obsoleteLineFolding:
            Problem(slug: "malformed-request", title: "Bad Request", status: 400,
                    detail: "Header values folded over several lines (obs-fold) are not accepted.")
        case .headerSectionTooLarge:
            Problem(slug: "header-fields-too-large", title: "Request Header Fields Too Large", status: 431,
                    detail: "The header section is larger than the server accepts.")
        case .tooManyHeaders:
            Problem(slug: "header-fields-too-large", title: "Request Header Fields Too Large", status: 431,
                    detail: "The request has more header fields than the server accepts.")
        case .missingHost:
            Problem(slug: "malformed-request", title: "Bad Request", status: 400,
                    detail: "An HTTP/1.1 request needs exactly one Host header.")
        case .repeatedHost:
            Problem(slug: "malformed-request", title: "Bad Request", status: 400,
                    detail: "The Host header appears more than once.")
        case .contentLengthWithTransferEncoding:
            Problem(slug: "malformed-request", title: "Bad Request", status: 400,
                    detail: "A request may not carry both Content-Length and Transfer-Encoding.")
        case .invalidContentLength:
            Problem(slug: "malformed-request", title: "Bad Request", status: 400,
                    detail: "Content-Length is invalid or given with differing values.")
        case .unsupportedTransferCoding:
            Problem(slug: "not-implemented", title: "Not Implemented", status: 501,
                    detail: "The only transfer coding accepted is chunked.")
        case .invalidTransferEncoding:
            Problem(slug: "malformed-request", title: "Bad Request", status: 400,
                    detail: "Transfer-Encoding must end with chunked, and HTTP/1.0 requests may not use it.")
        case .invalidChunk:
            Problem(slug: "malformed-request", title: "Bad Request", status: 400,
                    detail: "The chunked request body is malformed.")
        case .bodyTooLarge:
            Problem(slug: "content-too-large", title: "Content Too Large", status: 413,
                    detail: "The request body is larger than this endpoint accepts.")
        case .unsupportedExpectation:
            Problem(slug: "expectation-failed", title: "Expectation Failed", status: 417,
                    detail: "The only expectation supported is 100-continue.")
        case .timeout:
            Problem(slug: "request-timeout", title: "Request Timeout", status: 408,
                    detail: "The request was not received in time.")
        case .bodyNotStored:
            Problem(slug: "insufficient-storage", title: "Insufficient Storage", status: 507,
                    detail: "The server could not store the request body; try again later.")
        }
    }
}
