/// A household's id in a delivery (*husstand*), a pseudonym.
public struct HouseholdID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (lhs: HouseholdID, rhs: HouseholdID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A person's id in a delivery: a pseudonym, never a CPR number (SPEC §5).
public struct PersonID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (lhs: PersonID, rhs: PersonID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A housing area of the intervention, by the key its contract file gives it (`areas:`;
/// Viborg's three are named in P 1.1.1 and P 3.1.3 (i)). Which areas an agreement has, and
/// their names, are the contract's: ``Commitment/areas``.
public struct Area: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String
    /// A key of 1–40 lower-case letters, digits and hyphens, e.g. `karup-kolvraa`; nil for
    /// anything else. Whether the agreement has the area is ``Commitment/area(_:)``'s to say.
    public init?(rawValue: String) {
        guard (1...40).contains(rawValue.utf8.count),
              rawValue.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D })
        else { return nil }
        self.rawValue = rawValue
    }
    public var description: String { rawValue }
    public static func < (lhs: Area, rhs: Area) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// An area as the contract file names it (`areas:`).
public struct AreaDefinition: Sendable, Equatable {
    public var area: Area
    /// The name people use, e.g. "Karup Kølvrå".
    public var name: String
    public var clause: Clause
    public init(_ area: Area, name: String, clause: Clause) {
        self.area = area
        self.name = name
        self.clause = clause
    }
}

/// Treatment (*indsatsgruppe*) or control (*kontrolgruppe*).
public enum Group: String, Sendable, CaseIterable {
    case treatment
    case control

    public var danishName: String { self == .treatment ? "indsatsgruppe" : "kontrolgruppe" }
}

/// Why a course ended (P 3.2.3, 3.2.5).
public enum EndReason: String, Sendable, CaseIterable {
    /// The household's situation is stable.
    case stable
    /// The caseworker finds the household no longer needs the intervention (no replacement, P 3.2.3).
    case noLongerNeeded = "no_longer_needed"
    /// Another offer fits better (P 3.2.5).
    case otherOffer = "other_offer"
    case declined
    case moved
    case other

    /// The reason as the caseworkers say it (the glossary's *afslutningsårsag*).
    public var danishName: String {
        switch self {
        case .stable: "stabil situation"
        case .noLongerNeeded: "har ikke længere behov"
        case .otherOffer: "andet tilbud"
        case .declined: "takkede nej"
        case .moved: "fraflyttet"
        case .other: "andet"
        }
    }
}

/// A member of a household.
public struct Person: Sendable, Equatable {
    public var id: PersonID
    /// Index into ``Delivery/households``.
    public var household: Int
    public var birthDate: LocalDate
    public init(id: PersonID, household: Int, birthDate: LocalDate) {
        self.id = id
        self.household = household
        self.birthDate = birthDate
    }
}

/// Declared fit (*raskmeldt*) after sickness benefit or job clarification (B5.1 2.1).
public enum DeclaredFit: String, Sendable, CaseIterable {
    case none
    case partial
    case full
}

/// A point of goal 1: the benefit type at start, or a result measurement at 12/18/24 months.
public enum EmploymentPoint: Int, Sendable, CaseIterable, Comparable {
    case start = 0
    case months12 = 12
    case months18 = 18
    case months24 = 24

    public var label: String { self == .start ? "start" : String(rawValue) }
    public static func < (lhs: EmploymentPoint, rhs: EmploymentPoint) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A row of `employment.csv`.
public struct EmploymentMeasurement: Sendable, Equatable {
    /// Index into ``Delivery/persons``.
    public var person: Int
    public var point: EmploymentPoint
    /// Blank means "not provided".
    public var benefitType: BenefitType?
    public var completedEducation6m: Bool?
    public var declaredFit: DeclaredFit?
    public init(person: Int, point: EmploymentPoint, benefitType: BenefitType?, completedEducation6m: Bool? = nil, declaredFit: DeclaredFit? = nil) {
        self.person = person
        self.point = point
        self.benefitType = benefitType
        self.completedEducation6m = completedEducation6m
        self.declaredFit = declaredFit
    }
}

/// Baseline or result, for goals 2 and 4.
public enum BaselineOrResult: Sendable, Equatable {
    case baseline
    case result
}

/// A row of `social_measures.csv`: the highest measure at baseline or at 24 months.
public struct SocialMeasureMeasurement: Sendable, Equatable {
    public var person: Int
    public var point: BaselineOrResult
    public var measure: MeasureLevel?
    public init(person: Int, point: BaselineOrResult, measure: MeasureLevel?) {
        self.person = person
        self.point = point
        self.measure = measure
    }
}

/// A row of `life_satisfaction.csv`: the 0–10 score at baseline or at the course's end.
public struct LifeSatisfactionMeasurement: Sendable, Equatable {
    public var person: Int
    public var point: BaselineOrResult
    public var score: Int?
    public init(person: Int, point: BaselineOrResult, score: Int?) {
        self.person = person
        self.point = point
        self.score = score
    }
}

/// A row of `action_plan_goals.csv`: one action-plan goal and whether it was met at the end.
public struct ActionPlanGoalAssessment: Sendable, Equatable {
    public var household: Int
    public var goalID: String
    /// Blank means "not assessed".
    public var fulfilled: Bool?
    public init(household: Int, goalID: String, fulfilled: Bool?) {
        self.household = household
        self.goalID = goalID
        self.fulfilled = fulfilled
    }
}

/// A point of goal 3.
public enum AbsencePoint: Int, Sendable, CaseIterable, Comparable {
    case baseline = 0
    case months12 = 12
    case months18 = 18
    case months24 = 24

    public var label: String { self == .baseline ? "baseline" : String(rawValue) }
    /// 0…3, for per-cohort tables.
    public var index: Int {
        switch self {
        case .baseline: 0
        case .months12: 1
        case .months18: 2
        case .months24: 3
        }
    }
    public static func < (lhs: AbsencePoint, rhs: AbsencePoint) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A row of `school_absence.csv`: one child's absence percentage over the last six months.
public struct SchoolAbsenceMeasurement: Sendable, Equatable {
    public var cohort: Int
    public var point: AbsencePoint
    public var group: Group
    public var childID: String
    /// Percent 0–100; blank means "not provided".
    public var absencePercent: Ratio?
    public var measuredOn: LocalDate
    public init(cohort: Int, point: AbsencePoint, group: Group, childID: String, absencePercent: Ratio?, measuredOn: LocalDate) {
        self.cohort = cohort
        self.point = point
        self.group = group
        self.childID = childID
        self.absencePercent = absencePercent
        self.measuredOn = measuredOn
    }
}

/// A data delivery (SPEC §5): everything the evaluator needs to settle, with references
/// resolved to indices (a person's household, a measurement's person).
///
/// The importer (`OutcomesDelivery`) builds one from CSV files and checks every reference.
public struct Delivery: Sendable, Equatable {
    public var households: [Household]
    public var persons: [Person]
    public var employment: [EmploymentMeasurement]
    public var socialMeasures: [SocialMeasureMeasurement]
    public var lifeSatisfaction: [LifeSatisfactionMeasurement]
    public var actionPlanGoals: [ActionPlanGoalAssessment]
    public var schoolAbsence: [SchoolAbsenceMeasurement]

    public init(
        households: [Household] = [],
        persons: [Person] = [],
        employment: [EmploymentMeasurement] = [],
        socialMeasures: [SocialMeasureMeasurement] = [],
        lifeSatisfaction: [LifeSatisfactionMeasurement] = [],
        actionPlanGoals: [ActionPlanGoalAssessment] = [],
        schoolAbsence: [SchoolAbsenceMeasurement] = []
    ) {
        self.households = households
        self.persons = persons
        self.employment = employment
        self.socialMeasures = socialMeasures
        self.lifeSatisfaction = lifeSatisfaction
        self.actionPlanGoals = actionPlanGoals
        self.schoolAbsence = schoolAbsence
    }
}
