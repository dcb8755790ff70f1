
extension MemberService {
    /// Looks every item up in one read transaction, then records one audit entry for the list.
    func validate(_ items: [BulkVerification.Item], _ context: RequestContext) async throws -> [BulkVerification.Result] {
        let (scope, today) = (context.scope, context.today)
        let repository = repository
        let results = try await store.read { connection in
            try items.map { item -> BulkVerification.Result in
                guard let text = item.nik else { return .init(nikError: "required") }
                let nik: NIK
                do throws(NIKError) {
                    nik = try NIK(validating: text)
                } catch {
                    return .init(nikError: error.code)
                }
                guard let holder = try repository.holder(of: nik, scope: scope, today: today, in: connection) else { return .init() }
                var mismatches: [String] = []
                if let name = item.fullName, Self.comparable(name) != Self.comparable(holder.fullName) {
                    mismatches.append("full_name")
                }
                if let birthDate = item.birthDate, birthDate != holder.birthDate { mismatches.append("birth_date") }
                return .init(holder: holder, mismatches: mismatches)
            }
        }
        try await audit.record(context.audit("validate", "member"))
        return results
    }

    /// Names as lists write them: case and runs of spaces do not count.
    static func comparable(_ name: String) -> String {
        name.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
