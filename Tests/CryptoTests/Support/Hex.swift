extension Array where Element == UInt8 {
    /// Bytes from a hex string written in a test; whitespace is ignored so long vectors can wrap.
    ///
    /// Deliberately independent of `Crypto`'s own `hexString`, which is itself under test.
    init(hex: String) {
        let digits = hex.unicodeScalars.filter { !$0.properties.isWhitespace }.map { scalar -> UInt8 in
            guard let value = UInt8(String(scalar), radix: 16) else { preconditionFailure("not hex: \(scalar)") }
            return value
        }
        precondition(digits.count.isMultiple(of: 2), "odd number of hex digits")
        self = stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
    }

    /// Repeats one byte, for RFC 4231's `0xaa` × 131 style keys.
    init(repeating byte: UInt8, _ count: Int) {
        self.init(repeating: byte, count: count)
    }
}
