internal import COpenSSL

/// AES-256 in Galois/Counter Mode (NIST SP 800-38D) over OpenSSL's EVP interface.
///
/// `seal` and `open` work on self-contained boxes, `nonce(12) || ciphertext || tag(16)`;
/// `encrypt` and `decrypt` expose the parts for callers (and test vectors) that keep them apart.
public enum AES256GCM {
    /// The key length in bytes.
    public static let keyByteCount = 32
    /// The nonce length in bytes: 96 bits, the length SP 800-38D §8.2 recommends.
    public static let nonceByteCount = 12
    /// The tag length in bytes: full 128-bit tags only.
    public static let tagByteCount = 16

    /// Encrypts and authenticates `plaintext` into a box, `nonce || ciphertext || tag`.
    ///
    /// Leave `nonce` nil to draw a random one. An explicit nonce is for known-answer tests:
    /// using one twice under the same key reveals the XOR of the two plaintexts and the GHASH
    /// key, with which anyone can forge tags.
    /// Throws `CryptoError.invalidKeyLength` unless `key` is 32 bytes,
    /// `.invalidNonceLength` unless `nonce` is 12 bytes.
    public static func seal(
        _ plaintext: [UInt8],
        key: [UInt8],
        nonce: [UInt8]? = nil,
        associatedData: [UInt8] = []
    ) throws -> [UInt8] {
        let nonce = nonce ?? SecureRandom.bytes(nonceByteCount)
        let (ciphertext, tag) = try encrypt(plaintext: plaintext, key: key, nonce: nonce, associatedData: associatedData)
        return nonce + ciphertext + tag
    }

    /// Authenticates and decrypts a box made by `seal`, returning its plaintext.
    ///
    /// Throws `CryptoError.invalidKeyLength` unless `key` is 32 bytes, and
    /// `.authenticationFailed` for every other fault: a box too short to hold a nonce and a tag,
    /// or any change to its bytes, the key or the associated data.
    public static func open(_ box: [UInt8], key: [UInt8], associatedData: [UInt8] = []) throws -> [UInt8] {
        guard key.count == keyByteCount else { throw CryptoError.invalidKeyLength }
        guard box.count >= nonceByteCount + tagByteCount else { throw CryptoError.authenticationFailed }
        let tagStart = box.count - tagByteCount
        return try decrypt(
            ciphertext: Array(box[nonceByteCount..<tagStart]),
            tag: Array(box[tagStart...]),
            key: key,
            nonce: Array(box[..<nonceByteCount]),
            associatedData: associatedData
        )
    }

    /// Encrypts `plaintext` under `key` and `nonce`: a ciphertext of the same length and a 16-byte tag.
    ///
    /// Throws `CryptoError.invalidKeyLength` unless `key` is 32 bytes,
    /// `.invalidNonceLength` unless `nonce` is 12 bytes.
    public static func encrypt(
        plaintext: [UInt8],
        key: [UInt8],
        nonce: [UInt8],
        associatedData: [UInt8] = []
    ) throws -> (ciphertext: [UInt8], tag: [UInt8]) {
        try validate(key: key, nonce: nonce)
        return try withContext(key: key, nonce: nonce, encrypting: true) { context in
            try authenticate(associatedData, in: context, update: EVP_EncryptUpdate)
            let ciphertext = try transform(plaintext, in: context, update: EVP_EncryptUpdate)

            // GCM is a stream mode: Final writes no bytes, it only finishes the tag. The scratch
            // block is there because OpenSSL may check the output room it is given.
            var scratch = [UInt8](repeating: 0, count: tagByteCount)
            var finalLength: Int32 = 0
            let finished = scratch.withUnsafeMutableBufferPointer { EVP_EncryptFinal_ex(context, $0.baseAddress, &finalLength) }
            guard finished == 1, finalLength == 0 else { throw CryptoError.operationFailed("EVP_EncryptFinal_ex") }

            var tag = [UInt8](repeating: 0, count: tagByteCount)
            let gotTag = tag.withUnsafeMutableBytes {
                EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(tagByteCount), $0.baseAddress)
            }
            guard gotTag == 1 else { throw CryptoError.operationFailed("EVP_CTRL_GCM_GET_TAG") }
            return (ciphertext, tag)
        }
    }

    /// Authenticates `ciphertext`, `tag` and `associatedData`, then returns the plaintext.
    ///
    /// Throws `CryptoError.invalidKeyLength` unless `key` is 32 bytes, `.invalidNonceLength`
    /// unless `nonce` is 12 bytes, and `.authenticationFailed` if `tag` is not 16 bytes or does
    /// not match. No plaintext is returned from input that fails authentication.
    public static func decrypt(
        ciphertext: [UInt8],
        tag: [UInt8],
        key: [UInt8],
        nonce: [UInt8],
        associatedData: [UInt8] = []
    ) throws -> [UInt8] {
        try validate(key: key, nonce: nonce)
        // Truncated tags (SP 800-38D allows down to 32 bits) are forgeable far more cheaply;
        // accept only the full 128 bits.
        guard tag.count == tagByteCount else { throw CryptoError.authenticationFailed }
        return try withContext(key: key, nonce: nonce, encrypting: false) { context in
            try authenticate(associatedData, in: context, update: EVP_DecryptUpdate)
            var plaintext = try transform(ciphertext, in: context, update: EVP_DecryptUpdate)

            // The expected tag goes in before Final, which compares it in constant time.
            var expectedTag = tag
            let setTag = expectedTag.withUnsafeMutableBytes {
                EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(tagByteCount), $0.baseAddress)
            }
            guard setTag == 1 else { throw CryptoError.operationFailed("EVP_CTRL_GCM_SET_TAG") }

            var scratch = [UInt8](repeating: 0, count: tagByteCount)
            var finalLength: Int32 = 0
            let verified = scratch.withUnsafeMutableBufferPointer { EVP_DecryptFinal_ex(context, $0.baseAddress, &finalLength) }
            guard verified > 0 else {
                // Unauthenticated plaintext must not linger in memory any more than be returned.
                plaintext.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) }
                throw CryptoError.authenticationFailed
            }
            return plaintext
        }
    }

    // MARK: - EVP plumbing

    /// `EVP_EncryptUpdate` or `EVP_DecryptUpdate`: same shape, one is passed in.
    private typealias Update = (
        OpaquePointer?, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<Int32>?, UnsafePointer<UInt8>?, Int32
    ) -> Int32

    private static func validate(key: [UInt8], nonce: [UInt8]) throws {
        guard key.count == keyByteCount else { throw CryptoError.invalidKeyLength }
        guard nonce.count == nonceByteCount else { throw CryptoError.invalidNonceLength }
    }

    /// Runs `body` on a context keyed for AES-256-GCM, and frees the context (which wipes the key schedule) after.
    private static func withContext<Result>(
        key: [UInt8],
        nonce: [UInt8],
        encrypting: Bool,
        _ body: (OpaquePointer) throws -> Result
    ) throws -> Result {
        guard let context = EVP_CIPHER_CTX_new() else { throw CryptoError.operationFailed("EVP_CIPHER_CTX_new") }
        defer { EVP_CIPHER_CTX_free(context) }

        // OpenSSL's documented GCM sequence: choose the cipher, set the IV length, then give
        // key and IV. 12 is the default, but setting it keeps the nonce length stated here.
        let initialise = encrypting ? EVP_EncryptInit_ex : EVP_DecryptInit_ex
        guard initialise(context, Algorithms.aes256GCM, nil, nil, nil) == 1 else {
            throw CryptoError.operationFailed(encrypting ? "EVP_EncryptInit_ex" : "EVP_DecryptInit_ex")
        }
        guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, Int32(nonceByteCount), nil) == 1 else {
            throw CryptoError.operationFailed("EVP_CTRL_GCM_SET_IVLEN")
        }
        let keyed = key.withUnsafeBufferPointer { keyBuffer in
            nonce.withUnsafeBufferPointer { nonceBuffer in
                initialise(context, nil, nil, keyBuffer.baseAddress, nonceBuffer.baseAddress)
            }
        }
        guard keyed == 1 else {
            throw CryptoError.operationFailed(encrypting ? "EVP_EncryptInit_ex" : "EVP_DecryptInit_ex")
        }
        return try body(context)
    }

    /// Feeds associated data: authenticated, not encrypted, so there is no output buffer.
    private static func authenticate(_ associatedData: [UInt8], in context: OpaquePointer, update: Update) throws {
        guard !associatedData.isEmpty else { return }
        guard associatedData.count <= Int(Int32.max) else { throw CryptoError.operationFailed("associated data over 2 GiB") }
        var length: Int32 = 0
        let ok = associatedData.withUnsafeBufferPointer { update(context, nil, &length, $0.baseAddress, Int32($0.count)) }
        guard ok == 1 else { throw CryptoError.operationFailed("EVP_CipherUpdate(AAD)") }
    }

    /// Encrypts or decrypts `input` in one call; GCM's output is exactly as long as its input.
    private static func transform(_ input: [UInt8], in context: OpaquePointer, update: Update) throws -> [UInt8] {
        // Nothing to feed: GCM of an empty message is a tag over the associated data alone.
        guard !input.isEmpty else { return [] }
        // EVP takes an `int` length; SQLite rows and HTTP bodies here are far below 2 GiB.
        guard input.count <= Int(Int32.max) else { throw CryptoError.operationFailed("input over 2 GiB") }
        var output = [UInt8](repeating: 0, count: input.count)
        var length: Int32 = 0
        let ok = input.withUnsafeBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                update(context, outputBuffer.baseAddress, &length, inputBuffer.baseAddress, Int32(inputBuffer.count))
            }
        }
        guard ok == 1, Int(length) == input.count else { throw CryptoError.operationFailed("EVP_CipherUpdate") }
        return output
    }
}
