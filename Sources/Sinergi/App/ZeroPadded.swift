extension String {
    /// `value` in decimal with leading zeros up to `width` digits (`7`, 4 → `0007`): dates,
    /// timestamps, migration file names, identifiers. Wider values are written whole.
    init(zeroPadded value: some BinaryInteger, width: Int) {
        let digits = value.description
        self.init(repeating: "0", count: Swift.max(0, width - digits.count))
        self += digits
    }
}
