/// A household in the register: where it lives, its place on the visitation list, its group
/// and its course (*indsatsforløb*, P 3.2).
///
/// The register is the current state that caseworkers keep; a data delivery (SPEC §5) brings
/// it up to date for every household it holds.
public struct HouseholdRecord: Sendable, Equatable {
    public var id: HouseholdID
    public var area: Area
    /// P 3.2.2: the place on the randomised visitation list.
    public var listPosition: Int?
    public var group: Group
    public var courseStart: LocalDate?
    public var courseEnd: LocalDate?
    public var endReason: EndReason?
    /// P 3.2.3: the household whose ended course this one replaces.
    public var replaces: HouseholdID?
    /// B5.1 2.1 goal 3: the school-absence cohort, 1…3.
    public var cohort: Int?

    public init(
        id: HouseholdID,
        area: Area,
        listPosition: Int? = nil,
        group: Group,
        courseStart: LocalDate? = nil,
        courseEnd: LocalDate? = nil,
        endReason: EndReason? = nil,
        replaces: HouseholdID? = nil,
        cohort: Int? = nil
    ) {
        self.id = id
        self.area = area
        self.listPosition = listPosition
        self.group = group
        self.courseStart = courseStart
        self.courseEnd = courseEnd
        self.endReason = endReason
        self.replaces = replaces
        self.cohort = cohort
    }

    /// The same household as a delivery holds it (`replaces` resolved to an id).
    public init(_ household: Household, in delivery: Delivery) {
        self.init(
            id: household.id,
            area: household.area,
            listPosition: household.listPosition,
            group: household.group,
            courseStart: household.start,
            courseEnd: household.end,
            endReason: household.endReason,
            replaces: household.replaces.map { delivery.households[$0].id },
            cohort: household.cohort
        )
    }

    /// Checks the record as a delivery's importer checks a household row (SPEC §5), so the
    /// register never holds what a delivery would be rejected for.
    ///
    /// - Throws: ``RegisterError``.
    ///
    /// `cohorts` is the agreement's number of school-absence cohorts (B5.1 2.1, the contract
    /// file's value, as the importer reads it: ``Commitment/schoolAbsenceCohorts``); the store,
    /// which knows no agreement, checks only that a cohort is at least 1.
    public func validate(interventionPeriod: DateRange, cohorts: Int? = nil) throws(RegisterError) {
        guard !id.rawValue.isEmpty, id.rawValue.count <= 64 else { throw .invalidHouseholdID }
        if let listPosition, listPosition < 1 { throw .invalidListPosition(listPosition) }
        if let cohort, cohort < 1 || cohort > (cohorts ?? Int.max) { throw .invalidCohort(cohort, of: cohorts ?? cohort) }
        switch group {
        case .control:
            // P 3.2.2: the control group gets no course.
            guard courseStart == nil, courseEnd == nil, endReason == nil else { throw .courseInControlGroup }
        case .treatment:
            guard let courseStart else { throw .treatmentWithoutStart }
            // P 1.6.1: courses start within the intervention period.
            guard interventionPeriod.contains(courseStart) else { throw .startOutsidePeriod(courseStart) }
            if let courseEnd, courseEnd < courseStart { throw .endBeforeStart(start: courseStart, end: courseEnd) }
        }
        if (courseEnd == nil) != (endReason == nil) { throw .endWithoutReason }
        if replaces == id { throw .replacesItself }
    }
}

/// A member of a household in the register: known by a pseudonym (a keyed HMAC of the CPR
/// number, or a delivery's person id), never by the CPR number itself.
public struct PersonRecord: Sendable, Equatable {
    public var id: PersonID
    public var household: HouseholdID
    public var birthDate: LocalDate
    /// The name the municipality uses; person data that only full access shows (SPEC §1).
    public var name: String?

    public init(id: PersonID, household: HouseholdID, birthDate: LocalDate, name: String? = nil) {
        self.id = id
        self.household = household
        self.birthDate = birthDate
        self.name = name
    }
}

/// What the register refuses, in Danish for the people who enter it.
public enum RegisterError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidHouseholdID
    case invalidListPosition(Int)
    case invalidCohort(Int, of: Int)
    case courseInControlGroup
    case treatmentWithoutStart
    case startOutsidePeriod(LocalDate)
    case endBeforeStart(start: LocalDate, end: LocalDate)
    case endWithoutReason
    case replacesItself
    case unknownHousehold(HouseholdID)
    case personExists(PersonID)
    case householdExists(HouseholdID)

    public var description: String {
        switch self {
        case let .householdExists(id): "husstanden \(id) findes allerede"
        case .invalidHouseholdID: "husstandens id skal have 1 til 64 tegn"
        case let .invalidListPosition(position): "pladsen på visitationslisten skal være 1 eller mere, ikke \(position)"
        case let .invalidCohort(cohort, cohorts): "kohorten skal være fra 1 til \(cohorts), ikke \(cohort) (B5.1 2.1)"
        case .courseInControlGroup: "en husstand i kontrolgruppen har intet indsatsforløb (P 3.2.2)"
        case .treatmentWithoutStart: "en husstand i indsatsgruppen skal have en indsatsstart"
        case let .startOutsidePeriod(start): "indsatsstart \(start.danishString) ligger uden for indsatsperioden (P 1.6.1)"
        case let .endBeforeStart(start, end): "forløbet slutter \(end.danishString), før det starter \(start.danishString)"
        case .endWithoutReason: "et afsluttet forløb skal have både en slutdato og en årsag (P 3.2.3)"
        case .replacesItself: "en husstand kan ikke erstatte sig selv (P 3.2.3)"
        case let .unknownHousehold(id): "husstanden \(id) findes ikke"
        case let .personExists(id): "personen \(id) er allerede registreret"
        }
    }
}
