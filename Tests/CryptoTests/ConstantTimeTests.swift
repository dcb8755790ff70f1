import Crypto
import Testing

@Suite struct ConstantTimeTests {
    static let table: [([UInt8], [UInt8], Bool)] = [
        ([], [], true),
        ([0], [0], true),
        ([1, 2, 3], [1, 2, 3], true),
        (Array(repeating: 0xaa, count: 32), Array(repeating: 0xaa, count: 32), true),
        ([0], [1], false),
        ([1, 2, 3], [0, 2, 3], false),
        ([1, 2, 3], [1, 2, 4], false),
        ([0x80], [0x00], false),
        ([], [0], false),
        ([0], [], false),
        ([1, 2], [1, 2, 3], false),
        ([1, 2, 3], [1, 2], false),
    ]

    @Test("equals follows the truth table", arguments: table)
    func equals(a: [UInt8], b: [UInt8], expected: Bool) {
        #expect(ConstantTime.equals(a, b) == expected)
        #expect(ConstantTime.equals(b, a) == expected)
    }
}
