import Crypto
import Testing

// RFC 4231 §4 test cases for HMAC-SHA-256. Every expected value was re-checked with
// `openssl dgst -sha256 -mac HMAC -macopt hexkey:…`.
@Suite struct HMACTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let key: [UInt8]
        let data: [UInt8]
        let mac: String
        var testDescription: String { name }
    }

    static let rfc4231: [Vector] = [
        Vector(
            name: "RFC 4231 test case 1",
            key: [UInt8](repeating: 0x0b, 20),
            data: Array("Hi There".utf8),
            mac: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        ),
        Vector(
            name: "RFC 4231 test case 2: key shorter than the output",
            key: Array("Jefe".utf8),
            data: Array("what do ya want for nothing?".utf8),
            mac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        ),
        Vector(
            name: "RFC 4231 test case 3: 50 bytes of 0xdd",
            key: [UInt8](repeating: 0xaa, 20),
            data: [UInt8](repeating: 0xdd, 50),
            mac: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
        ),
        Vector(
            name: "RFC 4231 test case 4: 25-byte key",
            key: [UInt8](hex: "0102030405060708090a0b0c0d0e0f10111213141516171819"),
            data: [UInt8](repeating: 0xcd, 50),
            mac: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"
        ),
        Vector(
            name: "RFC 4231 test case 6: 131-byte key, hashed first",
            key: [UInt8](repeating: 0xaa, 131),
            data: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
            mac: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        ),
        Vector(
            name: "RFC 4231 test case 7: key and data longer than a block",
            key: [UInt8](repeating: 0xaa, 131),
            data: Array(
                ("This is a test using a larger than block-size key and a larger than block-size data. "
                    + "The key needs to be hashed before being used by the HMAC algorithm.").utf8
            ),
            mac: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
        ),
    ]

    @Test("matches RFC 4231", arguments: rfc4231)
    func matchesRFC4231(vector: Vector) {
        #expect(HMAC.sha256(key: vector.key, message: vector.data) == [UInt8](hex: vector.mac))
    }

    @Test("matches RFC 4231 test case 5 in its first 128 bits")
    func matchesTruncatedCase5() {
        let mac = HMAC.sha256(key: [UInt8](repeating: 0x0c, 20), message: Array("Test With Truncation".utf8))
        #expect(mac.count == 32)
        #expect(Array(mac.prefix(16)) == [UInt8](hex: "a3b6167473100ee06e0c796c2955552b"))
    }

    // Not in RFC 4231. The openssl CLI rejects an empty hexkey, so these were checked with
    // the RFC 2104 construction written out in Python over hashlib.sha256, and against
    // Wikipedia's "HMAC" examples (HMAC_SHA256("", "") and the "key"/fox pair).
    @Test("takes an empty key")
    func takesEmptyKey() {
        #expect(HMAC.sha256(key: [], message: [UInt8]()) == [UInt8](hex: "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"))
        #expect(
            HMAC.sha256(key: [], message: "The quick brown fox jumps over the lazy dog".utf8)
                == [UInt8](hex: "fb011e6154a19b9a4c767373c305275a5a69e8b68b0b4c9200c383dced19a416")
        )
    }

    @Test("matches Wikipedia's HMAC_SHA256(\"key\", fox)")
    func matchesWikipediaExample() {
        #expect(
            HMAC.sha256(key: Array("key".utf8), message: "The quick brown fox jumps over the lazy dog".utf8)
                == [UInt8](hex: "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8")
        )
    }
}
