import Crypto
import Testing

@Suite struct AES256GCMTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let key: [UInt8]
        let nonce: [UInt8]
        let plaintext: [UInt8]
        let associatedData: [UInt8]
        let ciphertext: [UInt8]
        let tag: [UInt8]
        var testDescription: String { name }
    }

    // The 256-bit-key test cases of McGrew & Viega, "The Galois/Counter Mode of Operation
    // (GCM)", appendix B (the vectors NIST's GCM validation uses). Each ciphertext and tag was
    // re-checked with Python's `cryptography` (AESGCM(K).encrypt(IV, P, A) == C || T).
    static let keyFFFE = [UInt8](hex: "feffe9928665731c6d6a8f9467308308 feffe9928665731c6d6a8f9467308308")
    static let nonceCAFE = [UInt8](hex: "cafebabefacedbaddecaf888")
    static let plaintext64 = [UInt8](
        hex: """
            d9313225f88406e5a55909c5aff5269a 86a7a9531534f7da2e4c303d8a318a72
            1c3c0c95956809532fcf0e2449a6b525 b16aedf5aa0de657ba637b391aafd255
            """
    )
    static let ciphertext64 = [UInt8](
        hex: """
            522dc1f099567d07f47f37a32a84427d 643a8cdcbfe5c0c97598a2bd2555d1aa
            8cb08e48590dbb3da7b08b1056828838 c5f61e6393ba7a0abcc9f662898015ad
            """
    )

    static let vectors: [Vector] = [
        Vector(
            name: "GCM test case 13: zero key, empty plaintext",
            key: [UInt8](repeating: 0, count: 32),
            nonce: [UInt8](repeating: 0, count: 12),
            plaintext: [],
            associatedData: [],
            ciphertext: [],
            tag: [UInt8](hex: "530f8afbc74536b9a963b4f1c4cb738b")
        ),
        Vector(
            name: "GCM test case 14: zero key, one zero block",
            key: [UInt8](repeating: 0, count: 32),
            nonce: [UInt8](repeating: 0, count: 12),
            plaintext: [UInt8](repeating: 0, count: 16),
            associatedData: [],
            ciphertext: [UInt8](hex: "cea7403d4d606b6e074ec5d3baf39d18"),
            tag: [UInt8](hex: "d0d1c8a799996bf0265b98b5d48ab919")
        ),
        Vector(
            name: "GCM test case 15: four blocks, no AAD",
            key: keyFFFE,
            nonce: nonceCAFE,
            plaintext: plaintext64,
            associatedData: [],
            ciphertext: ciphertext64,
            tag: [UInt8](hex: "b094dac5d93471bdec1a502270e3cc6c")
        ),
        Vector(
            name: "GCM test case 16: 60 bytes with 20 bytes of AAD",
            key: keyFFFE,
            nonce: nonceCAFE,
            plaintext: Array(plaintext64.prefix(60)),
            associatedData: [UInt8](hex: "feedfacedeadbeeffeedfacedeadbeefabaddad2"),
            ciphertext: Array(ciphertext64.prefix(60)),
            tag: [UInt8](hex: "76fc6ece0f4e1768cddf8853bb2d551b")
        ),
    ]

    // MARK: - Known answers

    @Test("encrypt gives the standard's ciphertext and tag", arguments: vectors)
    func encryptMatchesVector(vector: Vector) throws {
        let (ciphertext, tag) = try AES256GCM.encrypt(
            plaintext: vector.plaintext, key: vector.key, nonce: vector.nonce, associatedData: vector.associatedData
        )
        #expect(ciphertext == vector.ciphertext)
        #expect(tag == vector.tag)
    }

    @Test("decrypt gives back the standard's plaintext", arguments: vectors)
    func decryptMatchesVector(vector: Vector) throws {
        let plaintext = try AES256GCM.decrypt(
            ciphertext: vector.ciphertext, tag: vector.tag, key: vector.key, nonce: vector.nonce,
            associatedData: vector.associatedData
        )
        #expect(plaintext == vector.plaintext)
    }

    @Test("seal with an explicit nonce is nonce || ciphertext || tag, and open reverses it", arguments: vectors)
    func sealLayoutMatchesVector(vector: Vector) throws {
        let box = try AES256GCM.seal(vector.plaintext, key: vector.key, nonce: vector.nonce, associatedData: vector.associatedData)
        #expect(box == vector.nonce + vector.ciphertext + vector.tag)
        #expect(try AES256GCM.open(box, key: vector.key, associatedData: vector.associatedData) == vector.plaintext)
    }

    // MARK: - Round trips

    @Test("round-trips with a random nonce", arguments: [0, 1, 15, 16, 17, 1000, 1 << 20])
    func roundTrips(length: Int) throws {
        let key = SecureRandom.bytes(32)
        let plaintext = SecureRandom.bytes(length)
        let associatedData = Array("member:42".utf8)
        let box = try AES256GCM.seal(plaintext, key: key, associatedData: associatedData)
        #expect(box.count == 12 + length + 16)
        #expect(try AES256GCM.open(box, key: key, associatedData: associatedData) == plaintext)
    }

    @Test("two seals of the same plaintext differ")
    func sealsDiffer() throws {
        let key = SecureRandom.bytes(32)
        let plaintext = Array("3171234567890001".utf8)
        let first = try AES256GCM.seal(plaintext, key: key)
        let second = try AES256GCM.seal(plaintext, key: key)
        #expect(first != second)
        #expect(first.prefix(12) != second.prefix(12))
        #expect(try AES256GCM.open(first, key: key) == plaintext)
        #expect(try AES256GCM.open(second, key: key) == plaintext)
    }

    // MARK: - Tampering

    @Test("flipping any bit of any byte of the box fails authentication")
    func everyFlippedByteFails() throws {
        let key = SecureRandom.bytes(32)
        let box = try AES256GCM.seal(Array("twenty bytes of text".utf8), key: key, associatedData: [1, 2, 3])
        // Positions 0..<12 are the nonce, 12..<32 the ciphertext, 32..<48 the tag.
        for index in box.indices {
            for bit in 0..<8 {
                var tampered = box
                tampered[index] ^= 1 << bit
                #expect(throws: CryptoError.authenticationFailed, "byte \(index) bit \(bit)") {
                    try AES256GCM.open(tampered, key: key, associatedData: [1, 2, 3])
                }
            }
        }
    }

    @Test("a truncated or extended box fails authentication")
    func wrongLengthBoxFails() throws {
        let key = SecureRandom.bytes(32)
        let box = try AES256GCM.seal(Array("hello".utf8), key: key)
        for length in 0..<box.count {
            #expect(throws: CryptoError.authenticationFailed, "length \(length)") {
                try AES256GCM.open(Array(box.prefix(length)), key: key)
            }
        }
        #expect(throws: CryptoError.authenticationFailed) { try AES256GCM.open(box + [0], key: key) }
    }

    @Test("the wrong key fails authentication")
    func wrongKeyFails() throws {
        let box = try AES256GCM.seal(Array("hello".utf8), key: SecureRandom.bytes(32))
        #expect(throws: CryptoError.authenticationFailed) { try AES256GCM.open(box, key: SecureRandom.bytes(32)) }
    }

    @Test("changed, missing or added associated data fails authentication")
    func wrongAssociatedDataFails() throws {
        let key = SecureRandom.bytes(32)
        let box = try AES256GCM.seal(Array("hello".utf8), key: key, associatedData: Array("member:42".utf8))
        for associatedData in ["member:43", "member:4", "", "member:42\u{0}"] {
            #expect(throws: CryptoError.authenticationFailed, "\(associatedData)") {
                try AES256GCM.open(box, key: key, associatedData: Array(associatedData.utf8))
            }
        }
        let unbound = try AES256GCM.seal(Array("hello".utf8), key: key)
        #expect(throws: CryptoError.authenticationFailed) {
            try AES256GCM.open(unbound, key: key, associatedData: [0])
        }
    }

    @Test("decrypt rejects a tampered vector and a tag that is not 16 bytes")
    func decryptRejectsBadTag() throws {
        let vector = try #require(Self.vectors.last)
        var badTag = vector.tag
        badTag[15] ^= 0x01
        let shortTag = Array(vector.tag.prefix(12))
        for tag in [badTag, shortTag, [], vector.tag + [0]] {
            #expect(throws: CryptoError.authenticationFailed) {
                try AES256GCM.decrypt(
                    ciphertext: vector.ciphertext, tag: tag, key: vector.key, nonce: vector.nonce,
                    associatedData: vector.associatedData
                )
            }
        }
    }

    // MARK: - Argument checks

    @Test("a key that is not 32 bytes is rejected everywhere", arguments: [0, 1, 16, 24, 31, 33, 64])
    func rejectsKeyLength(length: Int) throws {
        let key = [UInt8](repeating: 7, count: length)
        let nonce = [UInt8](repeating: 0, count: 12)
        let box = try AES256GCM.seal([1, 2, 3], key: SecureRandom.bytes(32))
        #expect(throws: CryptoError.invalidKeyLength) { try AES256GCM.seal([1, 2, 3], key: key) }
        #expect(throws: CryptoError.invalidKeyLength) { try AES256GCM.open(box, key: key) }
        #expect(throws: CryptoError.invalidKeyLength) { try AES256GCM.open([], key: key) }
        #expect(throws: CryptoError.invalidKeyLength) { try AES256GCM.encrypt(plaintext: [1], key: key, nonce: nonce) }
        #expect(throws: CryptoError.invalidKeyLength) {
            try AES256GCM.decrypt(ciphertext: [1], tag: [UInt8](repeating: 0, count: 16), key: key, nonce: nonce)
        }
    }

    @Test("a nonce that is not 12 bytes is rejected", arguments: [0, 1, 8, 11, 13, 16, 60])
    func rejectsNonceLength(length: Int) {
        let key = [UInt8](repeating: 7, count: 32)
        let nonce = [UInt8](repeating: 0, count: length)
        #expect(throws: CryptoError.invalidNonceLength) { try AES256GCM.seal([1, 2, 3], key: key, nonce: nonce) }
        #expect(throws: CryptoError.invalidNonceLength) { try AES256GCM.encrypt(plaintext: [1], key: key, nonce: nonce) }
        #expect(throws: CryptoError.invalidNonceLength) {
            try AES256GCM.decrypt(ciphertext: [1], tag: [UInt8](repeating: 0, count: 16), key: key, nonce: nonce)
        }
    }
}
