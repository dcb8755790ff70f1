import Foundation
import HTTPTestSupport
import PostgreSQL
@testable import Sinergi
import Testing

/// The membership rules on PostgreSQL's concurrent writers, through `Store(postgresql:)`.
@Suite(PostgreSQLTestSettings.isConfigured)
struct PostgreSQLStoreTests {
    static func withMembers(_ body: (MemberService, RequestContext) async throws -> Void) async throws {
        let schema = try FreshPostgreSQLSchema()
        defer { schema.drop() }
        let pool = try PGPool(url: schema.url, size: 8)
        defer { pool.close() }
        try Migrator(directory: repositoryRoot.appendingPathComponent("migrations/postgresql")).migrate(pool)
        try await pool.run { connection in
            try connection.execute("""
                INSERT INTO regions (code, name, level, parent_code) VALUES
                ('35', 'Jawa Timur', 'province', NULL), ('3507', 'Malang', 'regency', '35'), ('350701', 'Donomulyo', 'district', '3507')
                """)
        }
        let pgStore = Store(postgresql: pool)
        let service = MemberService(
            store: pgStore, protection: DataProtection(masterKey: Array(0..<32).map(UInt8.init)), audit: AuditLog(store: pgStore),
            regions: KnownRegions())
        let context = RequestContext(
            principal: Principal(apiKeyID: 1, keyID: "abcdefgh", role: .admin, organizationID: nil), requestID: "test",
            clock: ManualClock(CalendarDate(year: 2026, month: 12, day: 3)!).clock)
        try await body(service, context)
    }

    static func member(serial: Int, familyCard: String = "3507010101000001", memberClass: Int = 3) throws -> NewMember {
        NewMember(
            nik: try NIK(validating: String(format: "350701010190%04d", serial)), cardNo: nil, fullName: "Siti \(serial)",
            birthDate: CalendarDate(year: 1990, month: 1, day: 1)!, sex: .male, familyCardNo: familyCard, relationship: .head,
            segment: .pbpu, memberClass: memberClass, regionCode: "3507", address: nil, phone: nil, facilityID: nil,
            employerID: nil, registeredVia: RegisteredVia(organizationID: nil, eventID: nil, cadreID: nil))
    }

    @Test("50 concurrent registrations of one NIK on PostgreSQL: one is registered, 49 are duplicates, nothing else")
    func oneNIKOnce() async throws {
        try await Self.withMembers { service, context in
            let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        do {
                            _ = try await service.register(try Self.member(serial: 1), context)
                            return "created"
                        } catch AppError.duplicate {
                            return "duplicate"
                        } catch {
                            return "\(error)"
                        }
                    }
                }
                return try await group.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
            }
            #expect(outcomes == ["created": 1, "duplicate": 49])
        }
    }

    @Test("a PBPU family card keeps one class when its members register at once in two classes (they lock the card)")
    func familyClassUnderConcurrency() async throws {
        try await Self.withMembers { service, context in
            let classes = try await withThrowingTaskGroup(of: Int?.self) { group in
                for serial in 1...20 {
                    group.addTask {
                        do {
                            return try await service.register(try Self.member(serial: serial, memberClass: 1 + serial % 2), context).0.memberClass
                        } catch AppError.invalid(let errors) where errors.map(\.code) == ["family_class_mismatch"] {
                            return nil
                        }
                    }
                }
                return try await group.reduce(into: [Int?]()) { $0.append($1) }
            }
            let registered = classes.compactMap { $0 }
            #expect(!registered.isEmpty)
            #expect(Set(registered).count == 1, "classes registered on one card: \(registered)")
        }
    }
}
