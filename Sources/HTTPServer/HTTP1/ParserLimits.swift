/// Sizes the parser refuses to exceed, checked while reading, not after.
public struct ParserLimits: Sendable, Equatable {
    /// Longest request target; longer is 414.
    public var maxTargetLength: Int = 8 * 1024
    /// Largest header section (the fields after the request line); larger is 431.
    public var maxHeaderSectionBytes: Int = 16 * 1024
    /// Most header fields, `Host` and the other usual ones included: this many are
    /// accepted, one more is 431. Generous, so a client adding 100 fields of its own is
    /// served; `maxHeaderSectionBytes` still bounds the memory they take.
    public var maxHeaderCount: Int = 256
    /// Longest chunk-size line, extensions included.
    public var maxChunkLineLength: Int = 1024

    public init() {}
}
