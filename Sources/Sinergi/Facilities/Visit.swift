/// A coaching visit (pembinaan) of a facility: its scores per area and its findings.
public struct Visit: Sendable, Equatable {
    public let id: Int64
    public let facilityID: Int64
    public let visitedOn: String
    public let officer: String
    public let findings: String
    public let scores: [ScoreArea: Int64]
    public let followUps: Int64
    public let createdAt: String
}

/// What a visit asks the facility to do, by when.
public struct FollowUp: Sendable, Equatable {
    public let id: Int64
    public let visitID: Int64
    public let facilityID: Int64
    public let description: String
    public let dueOn: String
    public let doneAt: String?

    /// `done`, or `open` until the due date and `overdue` after it.
    func state(on today: CalendarDate) -> FollowUpState {
        if doneAt != nil { return .done }
        return dueOn < today.description ? .overdue : .open
    }
}

public enum FollowUpState: String, Sendable, CaseIterable {
    case open, overdue, done
}
