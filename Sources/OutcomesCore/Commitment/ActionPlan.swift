/// A household's action plan (*handleplan*, P 2.3) with its goals (*handleplansmål*, B5.1 2.8).
///
/// The goals may be adjusted — added, reworded, removed — for six months after the course
/// starts (B5.1 2.1 goal 5 and 2.8.1: "Handleplansmålene kan justeres op til seks måneder
/// efter indsatsstart"). From the six-month anniversary on they are locked; only whether each
/// goal was met can still be recorded, since that is assessed when the course ends (B5.1 2.8).
public struct ActionPlan: Sendable, Equatable {
    public var household: HouseholdID
    public var courseStart: LocalDate
    public var goals: [Goal]

    /// One measurable goal of the plan.
    public struct Goal: Sendable, Equatable {
        public var id: String
        public var text: String
        /// Assessed at the end of the course; `nil` until then.
        public var fulfilled: Bool?
        public init(id: String, text: String, fulfilled: Bool? = nil) {
            self.id = id
            self.text = text
            self.fulfilled = fulfilled
        }
    }

    public init(household: HouseholdID, courseStart: LocalDate, goals: [Goal] = []) {
        self.household = household
        self.courseStart = courseStart
        self.goals = goals
    }

    /// The first day on which the goals can no longer be adjusted: the course's start plus the
    /// adjustment months (6, B5.1 2.8.1), clamped to the month's end.
    public func lockedFrom(adjustmentMonths: Int) -> LocalDate { courseStart.addingMonths(adjustmentMonths) }

    /// Whether the goals can still be adjusted on `date`.
    public func isAdjustable(on date: LocalDate, adjustmentMonths: Int) -> Bool {
        date < lockedFrom(adjustmentMonths: adjustmentMonths)
    }

    /// An adjustment of the goals.
    public enum Change: Sendable, Equatable {
        case add(id: String, text: String)
        case reword(id: String, text: String)
        case remove(id: String)
    }

    /// Applies an adjustment made on `date`.
    ///
    /// - Throws: ``ActionPlanError/locked(since:)`` from the six-month anniversary on; an
    ///   unknown or duplicate goal id; an empty text.
    public mutating func apply(_ change: Change, on date: LocalDate, adjustmentMonths: Int) throws(ActionPlanError) {
        guard isAdjustable(on: date, adjustmentMonths: adjustmentMonths) else {
            throw .locked(since: lockedFrom(adjustmentMonths: adjustmentMonths))
        }
        switch change {
        case let .add(id, text):
            guard !goals.contains(where: { $0.id == id }) else { throw .duplicateGoal(id) }
            guard !text.trimmingSpacesAndNewlines().isEmpty else { throw .emptyText }
            goals.append(Goal(id: id, text: text))
        case let .reword(id, text):
            guard let index = goals.firstIndex(where: { $0.id == id }) else { throw .unknownGoal(id) }
            guard !text.trimmingSpacesAndNewlines().isEmpty else { throw .emptyText }
            goals[index].text = text
        case let .remove(id):
            guard let index = goals.firstIndex(where: { $0.id == id }) else { throw .unknownGoal(id) }
            goals.remove(at: index)
        }
    }

    /// Records whether a goal was met (B5.1 2.8: assessed by the caseworker at the end); allowed
    /// at any time, also after the lock.
    public mutating func assess(_ id: String, fulfilled: Bool?) throws(ActionPlanError) {
        guard let index = goals.firstIndex(where: { $0.id == id }) else { throw .unknownGoal(id) }
        goals[index].fulfilled = fulfilled
    }
}

/// Why an action plan change was refused.
public enum ActionPlanError: Error, Equatable, Sendable, CustomStringConvertible {
    case locked(since: LocalDate)
    case unknownGoal(String)
    case duplicateGoal(String)
    case emptyText

    public var description: String {
        switch self {
        case let .locked(since):
            "handleplanens mål er låst fra \(since.danishString): de kan kun justeres de første seks måneder efter indsatsstart (B5.1 2.8.1)"
        case let .unknownGoal(id): "handleplanen har intet mål '\(id)'"
        case let .duplicateGoal(id): "handleplanen har allerede et mål '\(id)'"
        case .emptyText: "et handleplansmål skal have en tekst"
        }
    }
}

extension String {
    func trimmingSpacesAndNewlines() -> Substring {
        var s = Substring(self)
        while let first = s.first, first.isWhitespace { s = s.dropFirst() }
        while let last = s.last, last.isWhitespace { s = s.dropLast() }
        return s
    }
}
