internal import PostgreSQL
internal import SQLite

/// The answer to a constraint the database enforced: the last line of defence behind the
/// checks of services and repositories, so an input they did not foresee (or a race they
/// lost) is a 409 or a 422, never a 500. Repositories map the violations they expect to
/// errors naming their field; this catches the rest, around every `/v1` handler.
enum ConstraintViolation {
    /// The client error for a constraint failure, or nil for any other error.
    static func appError(for error: any Error) -> AppError? {
        if let error = error as? SQLiteError, error.isConstraint {
            return appError(field: column(in: error.message) ?? "body", unique: error.isUniqueConstraint, foreignKey: error.isForeignKeyConstraint)
        }
        if let error = error as? PGError, error.isConstraint {
            return appError(
                field: column(inConstraint: error.constraint, of: error.table) ?? "body", unique: error.isUniqueViolation,
                foreignKey: error.isForeignKeyViolation)
        }
        return nil
    }

    private static func appError(field: String, unique: Bool, foreignKey: Bool) -> AppError {
        if unique {
            return .duplicate("A record with this \(field) exists already.", existingID: nil)
        }
        if foreignKey {
            return .invalid([.init(field: field, code: "not_found", message: "refers to a record that does not exist")])
        }
        return .invalid([.init(field: field, code: "invalid_value", message: "is not a value this field can hold")])
    }

    /// PostgreSQL's default names of single-column constraints: "employers_nib_key" (unique)
    /// of table "employers" → "nib", "members_employer_id_fkey" → "employer_id"; nil for
    /// other names (CHECKs, "…_check", say the column only when there is one).
    static func column(inConstraint name: String?, of table: String?) -> String? {
        guard let name, let table, name.hasPrefix(table + "_") else { return nil }
        let rest = name.dropFirst(table.count + 1)
        for suffix in ["_fkey", "_key"] where rest.hasSuffix(suffix) {
            return String(rest.dropLast(suffix.count))
        }
        return nil
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
