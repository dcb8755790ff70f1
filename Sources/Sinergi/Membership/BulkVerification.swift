/// `POST /v1/members/validate`: a partner's list checked against the registry, item by item.
enum BulkVerification {
    /// One line of the partner's list.
    struct Item: Sendable {
        var nik: String?
        var fullName: String?
        var birthDate: String?
    }

    /// What the registry says about one item.
    struct Result: Sendable {
        var nikError: String?
        var holder: MemberRepository.Holder?
        var mismatches: [String] = []
    }
}
