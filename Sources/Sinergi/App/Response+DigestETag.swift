internal import Crypto
internal import HTTPServer

extension Response {
    /// This answer with a strong ETag that is a digest of its body, for representations that
    /// have no version of their own (a region with its figures, a family card, an API key).
    var withDigestETag: Response {
        var response = self
        response.headers.add("ETag", Self.digestETag(of: body))
        return response
    }

    /// `"…"`: the first 8 bytes of the body's SHA-256 in base 36.
    static func digestETag(of bytes: [UInt8]) -> String {
        let digest = SHA256.hash(bytes).prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return "\"\(String(digest, radix: 36))\""
    }
}
