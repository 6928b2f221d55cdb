/// A journaled visitation decision (*visitation* / *eksklusion*, P 3.2.1): every household
/// taken from the list gets one, with a written professional reason.
public struct EnrolmentDecision: Sendable, Equatable {
    public var household: HouseholdID
    /// The household's place on the randomised list (P 3.2.2), when it came from the list.
    public var listPosition: Int?
    public var decidedOn: LocalDate
    public var decidedBy: String
    public var outcome: Outcome
    /// "journalføre enhver visitation eller eksklusion med udførlig faglig begrundelse" (P 3.2.1).
    public var reason: String

    public enum Outcome: Sendable, Equatable {
        /// Enrolled, with consent to data sharing (P 3.1.1), from the course's start.
        case enrolled(courseStart: LocalDate)
        case notEnrolled(NotEnrolledReason)
    }

    /// Why a household on the list was not enrolled.
    public enum NotEnrolledReason: String, Sendable, CaseIterable {
        /// P 3.1.4 (i): no consent to data sharing — the one exclusion criterion.
        case noConsent
        /// P 3.1.3 (i): not in Houlkærvænget afd. 12, Ellekonebakken afd. 8 or Karup Kølvrå school district.
        case outsideArea
        /// P 3.1.3 (ii): not receiving measures from two directorates.
        case fewerThanTwoDirectorates
        /// P 3.1.3 (iii): not motivated.
        case notMotivated
        /// P 3.1.3 (iv): no potential for progress towards education or employment.
        case noProgressionPotential
        case declined
        case moved
        case other

        public var clause: Clause {
            switch self {
            case .noConsent: "P 3.1.4 (i)"
            case .outsideArea: "P 3.1.3 (i)"
            case .fewerThanTwoDirectorates: "P 3.1.3 (ii)"
            case .notMotivated: "P 3.1.3 (iii)"
            case .noProgressionPotential: "P 3.1.3 (iv)"
            case .declined, .moved, .other: "P 3.2.1"
            }
        }
    }

    public init(
        household: HouseholdID,
        listPosition: Int?,
        decidedOn: LocalDate,
        decidedBy: String,
        outcome: Outcome,
        reason: String
    ) {
        self.household = household
        self.listPosition = listPosition
        self.decidedOn = decidedOn
        self.decidedBy = decidedBy
        self.outcome = outcome
        self.reason = reason
    }

    /// Checks a decision before it is journaled.
    ///
    /// - Throws: ``EnrolmentError`` when the written reason is missing (P 3.2.1), an
    ///   enrolment lacks consent (P 3.1.1, 3.1.4), or a course starts outside the
    ///   intervention period (P 1.6.1) or before the decision.
    public func validate(consentGiven: Bool, interventionPeriod: DateRange) throws(EnrolmentError) {
        guard !reason.trimmingSpacesAndNewlines().isEmpty else { throw .missingReason }
        if case let .enrolled(start) = outcome {
            guard consentGiven else { throw .noConsent }
            guard interventionPeriod.contains(start) else { throw .startOutsidePeriod(start) }
            guard start >= decidedOn else { throw .startBeforeDecision(start) }
        }
    }
}

/// Why a visitation decision cannot be journaled.
public enum EnrolmentError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingReason
    case noConsent
    case startOutsidePeriod(LocalDate)
    case startBeforeDecision(LocalDate)
    /// P 3.2.2: the list is taken in order; an earlier household in the area has no decision.
    case outOfOrder(earlier: HouseholdID, position: Int)

    public var description: String {
        switch self {
        case .missingReason: "beslutningen skal have en skriftlig faglig begrundelse (P 3.2.1)"
        case .noConsent:
            "husstanden kan kun visiteres med samtykke til deling af data; uden samtykke er den ekskluderet (P 3.1.1, 3.1.4)"
        case let .startOutsidePeriod(start): "indsatsstart \(start.danishString) ligger uden for indsatsperioden (P 1.6.1)"
        case let .startBeforeDecision(start): "indsatsstart \(start.danishString) ligger før beslutningen"
        case let .outOfOrder(earlier, position):
            "husstand \(earlier) (plads \(position) på listen) har endnu ingen beslutning; listen tages i rækkefølge, og hver husstand skal have en journalført beslutning, før den næste tilbydes (P 3.2.2, 3.2.1)"
        }
    }
}
