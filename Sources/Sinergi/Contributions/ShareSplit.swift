/// Splits whole rupiah among funders by shares in basis points (summing to 10,000), so that
/// the parts add up to the total exactly and every figure is reproducible (DOMAIN.md): each
/// funder gets the floor of its exact share, and the rupiah left over go one each to the
/// largest remainders, ties to the funder that comes first in the scheme's order.
enum ShareSplit {
    static func split(_ total: Int64, sharesBP: [Int64]) -> [Int64] {
        precondition(total >= 0 && sharesBP.reduce(0, +) == 10_000, "shares must sum to 10,000 bp")
        // total × share fits Int64 for any premium below 9 × 10^14 rupiah.
        var parts = sharesBP.map { total * $0 / 10_000 }
        let left = total - parts.reduce(0, +)
        let order = sharesBP.indices.sorted { a, b in
            let (ra, rb) = (total * sharesBP[a] % 10_000, total * sharesBP[b] % 10_000)
            return ra != rb ? ra > rb : a < b
        }
        // Fewer rupiah are left than there are funders: each remainder is below one rupiah.
        for index in order.prefix(Int(left)) { parts[index] += 1 }
        return parts
    }
}
