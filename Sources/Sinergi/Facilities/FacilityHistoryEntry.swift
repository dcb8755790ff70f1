/// One move along a facility's pipeline.
public struct FacilityHistoryEntry: Sendable, Equatable {
    public let id: Int64
    public let fromStatus: String
    public let toStatus: String
    public let note: String
    public let apiKeyID: Int64?
    public let role: String
    public let changedAt: String
}
