internal import Database
internal import Synchronization

/// Region codes one database is known to hold, remembered once found.
///
/// A registration checks four codes (the member's region and the NIK's province, regency and
/// district): four lookups on every request, and with PostgreSQL four round trips. Regions are
/// loaded once and nothing deletes one (members reference them), so a code found stays found
/// and is remembered for the life of the process; a code not found is looked up again each
/// time (it is a client's mistake, or the list is still loading). At most the whole list,
/// 91,599 short codes, is kept.
final class KnownRegions: Sendable {
    private let codes = Mutex<Set<String>>([])

    /// Whether `code` is a region of the database `connection` reads.
    func contains(_ code: RegionCode, in connection: DatabaseConnection) throws -> Bool {
        if codes.withLock({ $0.contains(code.digits) }) { return true }
        guard try RegionRepository.level(of: code, in: connection) != nil else { return false }
        codes.withLock { _ = $0.insert(code.digits) }
        return true
    }
}
