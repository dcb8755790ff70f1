import PostgreSQL
@testable import Sinergi
import Testing

@Suite struct ConstraintViolationTests {
    @Test("PostgreSQL's constraint names give the column, as SQLite's messages do")
    func postgresqlNames() {
        #expect(ConstraintViolation.column(inConstraint: "employers_nib_key", of: "employers") == "nib")
        #expect(ConstraintViolation.column(inConstraint: "members_employer_id_fkey", of: "members") == "employer_id")
        #expect(ConstraintViolation.column(inConstraint: "members_check", of: "members") == nil)
        #expect(ConstraintViolation.column(inConstraint: "other_nib_key", of: "employers") == nil)
        #expect(ConstraintViolation.column(inConstraint: nil, of: "employers") == nil)
        let unique = PGError(sqlState: "23505", message: "duplicate key", constraint: "employers_nib_key", table: "employers")
        #expect(ConstraintViolation.appError(for: unique) == .duplicate("A record with this nib exists already.", existingID: nil))
        let foreignKey = PGError(sqlState: "23503", message: "violates foreign key", constraint: "members_employer_id_fkey", table: "members")
        #expect(ConstraintViolation.appError(for: foreignKey)
            == .invalid([.init(field: "employer_id", code: "not_found", message: "refers to a record that does not exist")]))
        #expect(ConstraintViolation.appError(for: PGError(sqlState: "40001", message: "could not serialize")) == nil)
    }
}
