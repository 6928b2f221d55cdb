
import OutcomesCore
import Testing

/// Issue #14 (6): one course model — one `isEnrolled(on:)`, a lifecycle, and the cohort rule
/// from the agreement for the register as for the importer.
@Suite("The course of a household")
struct CourseTests {
    let start = LocalDate(iso: "2024-03-01")!

    @Test("enrolled from the course's start, in the treatment group only; the stages in order")
    func lifecycle() {
        let course = Course(group: .treatment, start: start, end: LocalDate(iso: "2025-03-01"), endReason: .noLongerNeeded)
        #expect(!course.isEnrolled(on: LocalDate(iso: "2024-02-29")!) && course.isEnrolled(on: start))
        #expect(course.stage(on: LocalDate(iso: "2024-01-01")!) == .listed)
        #expect(course.stage(on: LocalDate(iso: "2024-01-01")!, declined: true) == .decided)
        #expect(course.stage(on: LocalDate(iso: "2024-06-01")!) == .active)
        #expect(course.stage(on: LocalDate(iso: "2025-06-01")!) == .ended)
        #expect(course.stage(on: LocalDate(iso: "2025-06-01")!, isReplaced: true) == .replaced)
        #expect(!Course(group: .control, start: nil, end: nil, endReason: nil).isEnrolled(on: LocalDate(iso: "2026-01-01")!))
        let record = Household(id: HouseholdID("H1"), area: .houlkaer, group: .treatment, start: start)
        #expect(record.isEnrolled(on: start) == record.course.isEnrolled(on: start))
    }

    @Test("the register checks a cohort against the agreement's number of cohorts, as the importer does")
    func cohorts() throws {

        #expect(viborg.schoolAbsenceCohorts == 3)
        let period = viborg.interventionPeriod.value
        let four = Household(id: HouseholdID("H1"), area: .houlkaer, group: .treatment, start: start, cohort: 4)
        #expect(throws: RegisterError.invalidCohort(4, of: 3)) { try four.validate(interventionPeriod: period, cohorts: viborg.schoolAbsenceCohorts) }
        try four.validate(interventionPeriod: period, cohorts: 4)
        try four.validate(interventionPeriod: period)  // the store, which knows no agreement
        #expect(RegisterError.invalidCohort(4, of: 3).description.contains("fra 1 til 3"))
    }
}
