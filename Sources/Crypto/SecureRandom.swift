internal import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's DRBG.
public enum SecureRandom {
    /// `count` random bytes, for keys, nonces and tokens. Traps if OpenSSL cannot provide them.
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0 && count <= Int(Int32.max), "SecureRandom.bytes: count out of range")
        guard count > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: count)
        let ok = bytes.withUnsafeMutableBufferPointer { buffer in
            RAND_bytes(buffer.baseAddress, Int32(count))
        }
        // Without randomness every key and nonce is guessable; the process cannot go on safely.
        precondition(ok == 1, "RAND_bytes failed: no secure randomness available")
        return bytes
    }
}
