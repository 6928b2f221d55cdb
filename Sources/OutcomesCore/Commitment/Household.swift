/// A household (*husstand*): where it lives, its place on the randomised visitation list, and its
/// ``Course`` (*indsatsforløb*, P 3.2).
///
/// One type for the household in a data delivery (SPEC §5) and in the register that caseworkers
/// keep: the importer and the register check it with the one ``validate(interventionPeriod:cohorts:)``,
/// and every count of enrolled households asks its course (``Course/isEnrolled(on:)``).
/// Where the register and a delivery disagree, the delivery wins unless the user keeps the
/// register's record at the import (docs/decisions.md, step 9).
public struct Household: Sendable, Equatable {
    public var id: HouseholdID
    public var area: Area
    /// P 3.2.2: the place on the randomised visitation list.
    public var listPosition: Int?
    /// The course: its group, start, end and why it ended.
    public var course: Course
    /// P 3.2.3: the household whose ended course this one replaces.
    public var replaces: HouseholdID?
    /// B5.1 2.1 goal 3: the school-absence cohort, 1 … the agreement's number of cohorts.
    public var cohort: Int?

    public init(
        id: HouseholdID,
        area: Area,
        listPosition: Int? = nil,
        group: Group,
        start: LocalDate? = nil,
        end: LocalDate? = nil,
        endReason: EndReason? = nil,
        replaces: HouseholdID? = nil,
        cohort: Int? = nil
    ) {
        self.id = id
        self.area = area
        self.listPosition = listPosition
        self.course = Course(group: group, start: start, end: end, endReason: endReason)
        self.replaces = replaces
        self.cohort = cohort
    }

    /// Treatment (*indsatsgruppe*) or control (*kontrolgruppe*), P 3.2.2.
    public var group: Group {
        get { course.group }
        set { course.group = newValue }
    }

    /// The course's start (*indsatsstart*); required for the treatment group.
    public var start: LocalDate? {
        get { course.start }
        set { course.start = newValue }
    }

    /// The course's end, if it has ended.
    public var end: LocalDate? {
        get { course.end }
        set { course.end = newValue }
    }

    /// P 3.2.3, 3.2.5: why the course ended.
    public var endReason: EndReason? {
        get { course.endReason }
        set { course.endReason = newValue }
    }

    /// ``Course/isEnrolled(on:)``.
    public func isEnrolled(on day: LocalDate) -> Bool { course.isEnrolled(on: day) }

    /// The one check of a household, run by the delivery's importer on every household row
    /// (SPEC §5) and by the register on every edit, so neither holds what the other refuses.
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
            guard start == nil, end == nil, endReason == nil else { throw .courseInControlGroup }
        case .treatment:
            guard let start else { throw .treatmentWithoutStart }
            // P 1.6.1: courses start within the intervention period.
            guard interventionPeriod.contains(start) else { throw .startOutsidePeriod(start) }
            if let end, end < start { throw .endBeforeStart(start: start, end: end) }
        }
        if (end == nil) != (endReason == nil) { throw .endWithoutReason }
        if replaces == id { throw .replacesItself }
    }
}
