internal import HTTPServer

/// The media types an endpoint can answer with, chosen from the request's `Accept`
/// (RFC 9110 §12.5.1): lists and reports offer JSON and CSV, everything else JSON.
public enum ResponseFormat: String, Sendable, CaseIterable {
    case json = "application/json"
    case csv = "text/csv"

    /// The best of `offered` for `accept` (JSON when there is no header); nil when the client
    /// accepts none of them (406). Ties go to the first offered.
    static func negotiate(_ accept: String?, offered: [ResponseFormat]) -> ResponseFormat? {
        guard let accept, !accept.allSatisfy({ $0 == " " || $0 == "\t" }) else { return offered.first }
        var best: (format: ResponseFormat, quality: Double, specificity: Int)?
        for format in offered {
            // The most specific range that matches decides the format's quality.
            var match: (quality: Double, specificity: Int)?
            for range in accept.split(separator: ",") {
                guard let (type, quality) = parse(range), let specificity = specificity(of: type, matching: format) else { continue }
                if match == nil || specificity > match!.specificity { match = (quality, specificity) }
            }
            guard let match, match.quality > 0 else { continue }
            if best == nil || match.quality > best!.quality { best = (format, match.quality, match.specificity) }
        }
        return best?.format
    }

    // "text/csv;q=0.5" → ("text/csv", 0.5); media type parameters other than q are ignored.
    private static func parse(_ range: Substring) -> (String, Double)? {
        let parts = range.split(separator: ";")
        guard let first = parts.first else { return nil }
        let type = first.filter { $0 != " " && $0 != "\t" }.lowercased()
        guard type.contains("/") else { return nil }
        var quality = 1.0
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.filter { $0 != " " && $0 != "\t" } }
            if pair.count == 2, pair[0].lowercased() == "q" {
                guard let value = Double(pair[1]), (0...1).contains(value) else { return nil }
                quality = value
            }
        }
        return (type, quality)
    }

    // 3 for the exact type, 2 for `type/*`, 1 for `*/*`, nil when the range does not match.
    private static func specificity(of range: String, matching format: ResponseFormat) -> Int? {
        if range == format.rawValue { return 3 }
        if range == "\(format.rawValue.prefix { $0 != "/" })/*" { return 2 }
        return range == "*/*" ? 1 : nil
    }
}
