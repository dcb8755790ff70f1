/// The status lifecycle (DOMAIN.md): `pending → active → inactive → active`, and
/// `deactivated`, terminal, from any other status. Statuses follow from the segment, the
/// registration date and payments; only `deactivated` is set by people, with a reason.
public enum MemberStatus: String, Sendable, CaseIterable {
    /// Registered; the first premium is not paid yet.
    case pending
    case active
    /// Premium unpaid past the due date; services are not covered.
    case inactive
    /// Deceased, duplicate, moved abroad or no longer eligible. Terminal.
    case deactivated

    /// Whether the lifecycle allows going from this status to `next`.
    public func allows(_ next: MemberStatus) -> Bool {
        switch (self, next) {
        case (.pending, .active), (.active, .inactive), (.inactive, .active): true
        case (.deactivated, _): false
        case (_, .deactivated): true
        default: false
        }
    }

    /// The status a stored row has on `today`: a pending member whose `active_from` day has
    /// come is active (derived, not stored).
    static func derived(stored: MemberStatus, activeFrom: CalendarDate?, today: CalendarDate) -> MemberStatus {
        if stored == .pending, let activeFrom, activeFrom <= today { return .active }
        return stored
    }

    /// The status at registration and the day a pending member becomes active by itself.
    ///
    /// - PBI_APBN: paid by the central government; active at once.
    /// - PBI_APBD: active from the first day of the next month (on the day itself in a region
    ///   with "UHC Prioritas" status, which the registry does not record yet).
    /// - Everyone else is pending until the first premium is paid.
    static func initial(for segment: Segment, registeredOn date: CalendarDate) -> (MemberStatus, activeFrom: CalendarDate?) {
        switch segment {
        case .pbiAPBN: (.active, nil)
        case .pbiAPBD: (.pending, date.firstOfNextMonth)
        case .ppuPN, .ppuBU, .pbpu, .bp: (.pending, nil)
        }
    }
}

/// Why a member is deactivated.
public enum DeactivationReason: String, Sendable, CaseIterable {
    case deceased, duplicate, movedAbroad = "moved_abroad", notEligible = "not_eligible"
}
