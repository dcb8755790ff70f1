internal import Foundation

/// The `If-Match` check of every `PATCH` (API.md: a stale ETag is 412).
enum IfMatch {
    /// RFC 9110 §13.1.1: `*` or a list of entity tags, compared strongly (a weak `W/` tag never
    /// matches). The header is required (428 without it, `APIRouter`).
    static func matches(_ ifMatch: String, etag: String) -> Bool {
        let candidates = ifMatch.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return candidates.contains("*") || candidates.contains(etag)
    }
}
