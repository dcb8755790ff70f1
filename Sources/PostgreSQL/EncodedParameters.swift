/// Statement parameters as libpq takes them: one pointer, length and format per parameter,
/// all pointing into one buffer.
struct EncodedParameters {
    private var storage: [UInt8] = []
    /// Each parameter's offset in `storage`, or nil for NULL.
    private var offsets: [Int?] = []
    private var lengths: [Int32] = []
    /// 0 for text, 1 for binary (bytes).
    private var formats: [Int32] = []

    /// - Throws: `PGError` 22021 for text with a NUL character, which PostgreSQL cannot store
    ///   and C strings would silently cut.
    init(_ parameters: [PGValue], sql: String) throws {
        offsets.reserveCapacity(parameters.count)
        for parameter in parameters {
            let start = storage.count
            let isBinary: Bool
            switch parameter {
            case .null:
                offsets.append(nil)
                lengths.append(0)
                formats.append(0)
                continue
            case .integer(let value):
                storage.append(contentsOf: String(value).utf8)
                isBinary = false
            case .real(let value):
                storage.append(contentsOf: Self.text(of: value).utf8)
                isBinary = false
            case .boolean(let value):
                storage.append(value ? UInt8(ascii: "t") : UInt8(ascii: "f"))
                isBinary = false
            case .text(let value):
                guard !value.utf8.contains(0) else {
                    throw PGError(sqlState: "22021", message: "text parameter holds a NUL character", sql: sql)
                }
                storage.append(contentsOf: value.utf8)
                isBinary = false
            case .bytes(let value):
                storage.append(contentsOf: value)
                isBinary = true
            }
            lengths.append(Int32(storage.count - start))
            formats.append(isBinary ? 1 : 0)
            // Text parameters are read as C strings: terminated.
            if !isBinary { storage.append(0) }
            offsets.append(start)
        }
        // So that every offset, an empty value's at the end too, points into a real buffer.
        storage.append(0)
    }

    /// PostgreSQL's spelling of the non-finite values; Swift's shortest round-trip text otherwise.
    private static func text(of value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return "\(value)"
    }

    /// Calls `body` with libpq's three arrays, valid during the call only.
    func withArrays<R>(
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> R
    ) -> R {
        storage.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress)
            let pointers: [UnsafePointer<CChar>?] = offsets.map { offset in
                guard let offset, let base else { return nil }
                // An empty value still needs a pointer (to its terminating NUL, or anywhere).
                return (base + offset).assumingMemoryBound(to: CChar.self)
            }
            return pointers.withUnsafeBufferPointer { values in
                lengths.withUnsafeBufferPointer { lengths in
                    formats.withUnsafeBufferPointer { formats in
                        body(values.baseAddress, lengths.baseAddress, formats.baseAddress)
                    }
                }
            }
        }
    }
}
