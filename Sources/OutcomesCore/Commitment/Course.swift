/// A household's course (*forløb*, P 1.1.3, P 3.2): the one model of enrolment that the
/// register, the settlement's inputs, the compliance monitor, the enrolment progress, the
/// grant reduction and the exports read — so "enrolled by a date" means one thing everywhere.
///
/// Its lifecycle: *listed* (on the visitation list, nothing decided), *decided* (a decision
/// not to enrol, P 3.2.1), *active* (enrolled: the course has started), *ended*, and
/// *replaced* (ended, and another household's course replaces it, P 3.2.3).
public struct Course: Sendable, Equatable {
    public var group: Group
    public var start: LocalDate?
    public var end: LocalDate?
    public var endReason: EndReason?

    public init(group: Group, start: LocalDate?, end: LocalDate?, endReason: EndReason?) {
        self.group = group
        self.start = start
        self.end = end
        self.endReason = endReason
    }

    /// Where a course stands on a day.
    public enum Stage: String, Sendable, Equatable {
        case listed, decided, active, ended, replaced

        public var danishName: String {
            switch self {
            case .listed: "på listen"
            case .decided: "afgjort (ikke visiteret)"
            case .active: "i forløb"
            case .ended: "afsluttet"
            case .replaced: "afsluttet og erstattet"
            }
        }
    }

    /// P 3.2.2, P 1.6.1: enrolled on `day` — a treatment household whose course has started by
    /// then. The one definition every count of enrolled households uses.
    public func isEnrolled(on day: LocalDate) -> Bool {
        group == .treatment && (start.map { $0 <= day } ?? false)
    }

    /// Enrolled on `day` and its course ended by then.
    public func hasEnded(by day: LocalDate) -> Bool {
        isEnrolled(on: day) && (end.map { $0 <= day } ?? false)
    }

    /// T 6.1.1 (iii) as SPEC §8 reads it: the course ended by `day`, before the intervention
    /// period's end, for a reason that is not its regular completion (P 1.1.3: the household's
    /// situation is stable).
    public func endedEarly(by day: LocalDate, interventionEnd: LocalDate, regular: [EndReason]) -> Bool {
        guard hasEnded(by: day), let end, end < interventionEnd else { return false }
        return !(endReason.map(regular.contains) ?? false)
    }

    /// The stage on `day`, given whether a decision not to enrol was journaled and whether
    /// another household replaces this one.
    public func stage(on day: LocalDate, declined: Bool = false, isReplaced: Bool = false) -> Stage {
        if hasEnded(by: day) { return isReplaced ? .replaced : .ended }
        if isEnrolled(on: day) { return .active }
        return declined ? .decided : .listed
    }
}

extension Commitment {
    /// B5.1 2.1 (goal 3): how many school-absence cohorts the agreement has (3 for Viborg) —
    /// the one value the importer and the register check a cohort against.
    public var schoolAbsenceCohorts: Int {
        if case let .schoolAbsence(terms)? = goal(.schoolAbsence)?.terms { return terms.cohorts.value }
        return 3
    }
}
