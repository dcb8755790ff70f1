/// Who paid a premium in (API.md): the gotong royong view of revenue.
public enum PaymentSource: String, Sendable, CaseIterable {
    case participant, employer
    case centralGovernment = "central_government"
    case localGovernment = "local_government"
    case philanthropy

    /// The source a funder of this kind pays as, when the scheme does not say: governments as
    /// local government, companies as employers, everyone else (zakat bodies, NU bodies,
    /// Baznas) as philanthropy.
    static func of(_ kind: String) -> PaymentSource {
        switch kind {
        case "local_government", "government_agency": .localGovernment
        case "company", "employer_association": .employer
        default: .philanthropy
        }
    }
}
