public import SQLite

/// The answer to a constraint the database enforced: the last line of defence behind the
/// checks of services and repositories, so an input they did not foresee (or a race they
/// lost) is a 409 or a 422, never a 500. Repositories map the violations they expect to
/// errors naming their field; this catches the rest, around every `/v1` handler.
enum ConstraintViolation {
    /// The client error for a constraint failure, or nil for any other error.
    static func appError(for error: any Error) -> AppError? {
        guard let error = error as? SQLiteError, error.isConstraint else { return nil }
        let field = column(in: error.message) ?? "body"
        if error.isUniqueConstraint {
            return .duplicate("A record with this \(field) exists already.", existingID: nil)
        }
        if error.isForeignKeyConstraint {
            return .invalid([.init(field: field, code: "not_found", message: "refers to a record that does not exist")])
        }
        return .invalid([.init(field: field, code: "invalid_value", message: "is not a value this field can hold")])
    }

    /// "UNIQUE constraint failed: employers.nib" → "nib"; nil when SQLite names no column
    /// (foreign keys, unnamed CHECK expressions).
    static func column(in message: String) -> String? {
        guard message.hasPrefix("UNIQUE constraint failed: ") || message.hasPrefix("NOT NULL constraint failed: "),
              let columns = message.split(separator: ":", maxSplits: 1).last
        else { return nil }
        let first = columns.split(separator: ",").first ?? columns
        guard let name = first.split(separator: ".").last else { return nil }
        return name.trimmingPrefix(" ").description
    }
}
