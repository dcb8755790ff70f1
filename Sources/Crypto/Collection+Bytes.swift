extension Collection<UInt8> {
    /// Runs `body` on the bytes in place when they are contiguous (`[UInt8]`, `Data`), on a copy otherwise.
    func withByteBuffer<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        if let result = try withContiguousStorageIfAvailable(body) {
            return result
        }
        return try Array(self).withUnsafeBufferPointer(body)
    }
}
