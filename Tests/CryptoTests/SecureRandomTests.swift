import Crypto
import Testing

@Suite struct SecureRandomTests {
    @Test("returns the requested number of bytes", arguments: [0, 1, 12, 16, 32, 1000, 65_536])
    func returnsRequestedCount(count: Int) {
        #expect(SecureRandom.bytes(count).count == count)
    }

    @Test("two calls differ")
    func twoCallsDiffer() {
        // Equal 32-byte draws have probability 2^-256.
        #expect(SecureRandom.bytes(32) != SecureRandom.bytes(32))
    }

    @Test("a large draw is not all one byte")
    func largeDrawVaries() {
        #expect(Set(SecureRandom.bytes(1024)).count > 1)
    }
}
