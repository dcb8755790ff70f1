/// A business identification number (Nomor Induk Berusaha, issued through OSS): exactly 13
/// ASCII digits, leading zeros kept. It cannot hold anything else.
///
/// Only the form is checked: OSS publishes no checksum, so a well-formed NIB may still be one
/// that was never issued. It is business data, not personal data, so it may be logged.
public struct NIB: Sendable, Hashable, CustomStringConvertible {
    /// The 13 digits.
    public let digits: String

    /// Nil unless `text` is 13 ASCII digits. Whitespace, dashes and non-ASCII digits (Arabic-Indic,
    /// fullwidth) are refused, not stripped: the stored value must be the one OSS issued.
    public init?(_ text: String) {
        guard text.isASCIIDigits(count: 13) else { return nil }
        digits = text
    }

    public var description: String { digits }
}
