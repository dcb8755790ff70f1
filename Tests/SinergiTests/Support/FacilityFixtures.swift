import Database
import Foundation
@testable import Sinergi

/// A facility row written as the pipeline leaves it: by default a primary clinic under contract
/// with a current accreditation, in Jawa Timur (region 35, which `seedOrganization` and the
/// member fixtures insert; seeded here when missing). Returns its id.
func seedFacility(
    _ application: Application, kind: String = "clinic_primary", level: String = "primary", status: String = "contracted",
    owner: Int64? = nil
) throws -> Int64 {
    try application.store.writeSync { connection in
        try connection.execute("INSERT INTO regions (code, name, level) VALUES ('35', 'Jawa Timur', 'province') ON CONFLICT DO NOTHING")
        let code: SQLValue = status == "contracted" || status == "suspended" ? .text("K" + String(UInt32.random(in: 0...UInt32.max))) : .null
        return try connection.fetchOne("""
            INSERT INTO facilities (name, kind, level, owner_organization_id, region_code, address, bpjs_code, accreditation_status,
                accreditation_expires_on, status, created_at, updated_at)
            VALUES ('Klinik NU', ?, ?, ?, '35', 'Jl. Raya 1', ?, 'madya', '2030-12-31', ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')
            RETURNING id
            """, [.text(kind), .text(level), SQLValue(owner), code, .text(status)]) { $0.int64(at: 0) }!
    }
}

/// A visit of `facility` with one follow-up due on 2026-02-01; returns the follow-up's id.
func seedFollowUp(_ application: Application, facility: Int64) throws -> Int64 {
    try application.store.writeSync { connection in
        let visit = try connection.fetchOne("""
            INSERT INTO facility_visits (facility_id, visited_on, officer, findings, role, request_id, created_at)
            VALUES (?, '2026-01-02', 'Dr. Rina', '', 'officer', 'seed', '2026-01-02T00:00:00Z') RETURNING id
            """, [.integer(facility)]) { $0.int64(at: 0) }!
        return try connection.fetchOne("""
            INSERT INTO follow_ups (visit_id, facility_id, description, due_on) VALUES (?, ?, 'Antrean online', '2026-02-01') RETURNING id
            """, [.integer(visit), .integer(facility)]) { $0.int64(at: 0) }!
    }
}
