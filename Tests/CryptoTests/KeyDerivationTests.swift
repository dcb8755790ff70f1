import Crypto
import Testing

@Suite struct KeyDerivationTests {
    // Expected value from the RFC 2104 construction written out in Python over hashlib.sha256,
    // key = 00 01 … 1f, message = "sinergi/test/v1".
    @Test("is HMAC-SHA256 of the label under the master key")
    func derivesKnownAnswer() {
        let master = (0..<32).map { UInt8($0) }
        #expect(
            KeyDerivation.hmacSHA256Derive(key: master, label: "sinergi/test/v1")
                == [UInt8](hex: "b9cc701c0443f1d19b9a10b66453702f717069bb3ddc4b5aaa430ac232caaad8")
        )
    }

    @Test("gives distinct 32-byte keys for distinct labels and masters")
    func derivesDistinctKeys() {
        let master = SecureRandom.bytes(32)
        let first = KeyDerivation.hmacSHA256Derive(key: master, label: "a")
        let second = KeyDerivation.hmacSHA256Derive(key: master, label: "b")
        let otherMaster = KeyDerivation.hmacSHA256Derive(key: SecureRandom.bytes(32), label: "a")
        #expect(first.count == 32)
        #expect(first != second)
        #expect(first != otherMaster)
        #expect(first != master)
        #expect(KeyDerivation.hmacSHA256Derive(key: master, label: "a") == first)
    }
}
