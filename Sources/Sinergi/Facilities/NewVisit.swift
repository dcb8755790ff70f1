/// What `POST /v1/facilities/{id}/visits` asks for.
struct NewVisit: Sendable {
    var visitedOn: CalendarDate?
    var officer: String?
    var findings: String
    var scores: [ScoreArea: Int64] = [:]
    var followUps: [(description: String, dueOn: CalendarDate)] = []
    var errors: [FieldError]

    static let maxFollowUps = 50

    init(_ input: inout JSONInput, today: CalendarDate) {
        visitedOn = input.date("visited_on", required: true)
        if let visitedOn, today < visitedOn { input.fail("visited_on", code: "in_future", message: "must not be after today") }
        officer = input.text("officer", required: true)
        findings = input.text("findings", maxLength: 5000) ?? ""
        if let object = input.object("scores") {
            var nested = JSONInput(object: object, prefix: "scores")
            for area in ScoreArea.allCases {
                if let score = nested.integer(area.rawValue, in: 0...100) { scores[area] = score }
            }
            input.absorb(nested)
        }
        for (index, item) in (input.array("follow_ups", count: 0...Self.maxFollowUps) ?? []).enumerated() {
            guard case .object(let object) = item else {
                input.fail("follow_ups[\(index)]", code: "invalid_type", message: "must be an object")
                continue
            }
            var nested = JSONInput(object: object, prefix: "follow_ups[\(index)]")
            let description = nested.text("description", required: true, maxLength: 1000)
            let due = nested.date("due_on", required: true)
            input.absorb(nested)
            if let description, let due { followUps.append((description, due)) }
        }
        errors = input.errors
    }
}
