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
