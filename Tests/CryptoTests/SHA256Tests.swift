import Crypto
import Testing

// Expected digests are the examples in FIPS 180-2 Appendix B (and NIST's "SHA256.pdf"
// example file); each was re-checked with `printf … | openssl dgst -sha256`.
@Suite struct SHA256Tests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let message: String
        let digest: String
        var testDescription: String { name }
    }

    static let vectors: [Vector] = [
        Vector(
            name: "empty string",
            message: "",
            digest: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        ),
        Vector(
            name: "\"abc\" (FIPS 180-2 B.1)",
            message: "abc",
            digest: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        ),
        Vector(
            name: "448-bit message (FIPS 180-2 B.2)",
            message: "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            digest: "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ]

    @Test("hashes the FIPS 180-2 examples", arguments: vectors)
    func hashesStandardExamples(vector: Vector) {
        #expect(SHA256.hash(Array(vector.message.utf8)) == [UInt8](hex: vector.digest))
        #expect(SHA256.hexDigest(Array(vector.message.utf8)) == vector.digest)
    }

    @Test("hashes one million \"a\" (FIPS 180-2 B.3), given as a non-contiguous collection")
    func hashesOneMillionA() {
        // `repeatElement` has no contiguous storage, so this also covers the copying path.
        let message = repeatElement(UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hash(message) == [UInt8](hex: "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"))
    }

    @Test("a String's UTF-8 view hashes like its bytes")
    func hashesUTF8View() {
        #expect(SHA256.hash("abc".utf8) == SHA256.hash(Array("abc".utf8)))
        #expect(SHA256.byteCount == 32)
    }

    @Test("hexString is lowercase, two digits a byte, empty for no bytes")
    func hexString() {
        #expect([UInt8]().hexString == "")
        #expect([0x00, 0x0f, 0xa0, 0xff].hexString == "000fa0ff")
    }
}
