/// Decodes a chunked request body (RFC 9112 §7.1) incrementally, appending the data to a
/// buffer and refusing bodies over a limit as soon as the chunk sizes say so.
///
/// Chunk extensions are skipped; trailer fields are checked as header fields are, then
/// discarded (§7.1.2 lets a recipient do so), and count against the header section limit.
public struct ChunkedDecoder: Sendable {
    private enum State: Sendable, Equatable {
        case size            // reading "HEX[;ext]CRLF"
        case data(Int)       // bytes of the current chunk still to read
        case dataEnd         // the CRLF after a chunk's data
        case trailers        // trailer lines until an empty line
        case done
    }

    private let maxBodyBytes: Int
    private let limits: ParserLimits
    private var state: State = .size
    private var trailerBytes = 0
    /// Body bytes decoded so far.
    public private(set) var bodyLength = 0

    /// A decoder that refuses bodies over `maxBodyBytes`.
    public init(maxBodyBytes: Int, limits: ParserLimits = ParserLimits()) {
        self.maxBodyBytes = maxBodyBytes
        self.limits = limits
    }

    /// Whether the last chunk and the trailers have been read.
    public var isComplete: Bool { state == .done }

    /// Decodes from `bytes`, appending data to `body`; returns how many bytes it used.
    /// Stops after the end of the body, so bytes of a pipelined request are left alone.
    public mutating func decode(_ bytes: UnsafeBufferPointer<UInt8>, into body: inout [UInt8]) throws(HTTPParseError) -> Int {
        var index = 0
        while index < bytes.count {
            switch state {
            case .size:
                guard let lf = bytes[index...].firstIndex(of: ASCII.lf) else {
                    if bytes.count - index > limits.maxChunkLineLength { throw .invalidChunk }
                    return index
                }
                let size = try Self.parseSizeLine(UnsafeBufferPointer(rebasing: bytes[index..<lf]), limits: limits)
                if size > maxBodyBytes - bodyLength { throw .bodyTooLarge }
                state = size == 0 ? .trailers : .data(size)
                index = lf + 1
            case .data(let remaining):
                let take = min(remaining, bytes.count - index)
                body.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<(index + take)]))
                bodyLength += take
                index += take
                state = remaining == take ? .dataEnd : .data(remaining - take)
            case .dataEnd:
                guard bytes.count - index >= 2 else { return index }
                guard bytes[index] == ASCII.cr, bytes[index + 1] == ASCII.lf else { throw .invalidChunk }
                index += 2
                state = .size
            case .trailers:
                guard let lf = bytes[index...].firstIndex(of: ASCII.lf) else {
                    if trailerBytes + bytes.count - index > limits.maxHeaderSectionBytes { throw .headerSectionTooLarge }
                    return index
                }
                guard lf > index, bytes[lf - 1] == ASCII.cr else { throw .invalidChunk }
                trailerBytes += lf + 1 - index
                if trailerBytes > limits.maxHeaderSectionBytes { throw .headerSectionTooLarge }
                if lf - 1 == index {
                    state = .done
                } else {
                    // trailer-section = *( field-line CRLF ): no obs-fold, bare CR or NUL,
                    // even in fields we drop (RFC 9112 §7.1.2, §5).
                    _ = try RequestParser.parseField(UnsafeBufferPointer(rebasing: bytes[index..<(lf - 1)]))
                }
                index = lf + 1
            case .done:
                return index
            }
        }
        return index
    }

    // chunk-size [ chunk-ext ] CRLF, chunk-size = 1*HEXDIG.
    private static func parseSizeLine(_ line: UnsafeBufferPointer<UInt8>, limits: ParserLimits) throws(HTTPParseError) -> Int {
        guard line.count <= limits.maxChunkLineLength, let last = line.last, last == ASCII.cr else { throw .invalidChunk }
        let end = line.count - 1  // the CR
        var size = 0
        var digits = 0
        while digits < end, let value = ASCII.hexValue(line[digits]).map(Int.init) {
            digits += 1
            // 15 hex digits stay below Int.max; more is an attack, not a body.
            guard digits <= 15 else { throw .invalidChunk }
            size = size << 4 | value
        }
        guard digits > 0 else { throw .invalidChunk }
        // chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ) (§7.1.1):
        // after the size, only whitespace, then nothing or ";". The extension is skipped, but
        // may hold no control byte: a bare CR there is read as a line end by some peers.
        var index = digits
        while index < end, line[index] == ASCII.space || line[index] == ASCII.tab { index += 1 }
        guard index == end || line[index] == UInt8(ascii: ";") else { throw .invalidChunk }
        for byte in line[index..<end] where !ASCII.isFieldValueByte(byte) { throw .invalidChunk }
        return size
    }
}
