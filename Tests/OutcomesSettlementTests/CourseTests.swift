
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

/// Issue #14 (6): the written rule for the register against a delivery (``RegisterMerge``).
@Suite("The register against a delivery")
struct RegisterMergeTests {
    let period = viborg.interventionPeriod.value
    let last = Household(id: HouseholdID("H1"), area: .houlkaer, listPosition: 3, group: .treatment, start: day("2023-11-19"), cohort: 1)

    @Test("only fields edited since the last delivery are overrides; kept, they stay and the delivery's other changes land")
    func perField() throws {
        var edited = last
        edited.cohort = 2  // a caseworker's edit
        var incoming = last
        incoming.end = day("2025-05-01")
        incoming.endReason = .noLongerNeeded
        let overrides = RegisterMerge.overrides(previous: [last], register: [edited], next: [incoming])
        #expect(overrides.map(\.household) == [HouseholdID("H1")])
        #expect(overrides.first?.changes == [DeliveryPreview.FieldChange(field: "kohorte", before: "2", after: "1")])

        let kept = try RegisterMerge.merge(previous: [last], register: [edited], next: [incoming], keeping: [HouseholdID("H1")], interventionPeriod: period, cohorts: 3)
        #expect(kept.households.first?.cohort == 2 && kept.households.first?.end == day("2025-05-01"))
        #expect(kept.kept.map(\.household) == [HouseholdID("H1")] && kept.replaced.isEmpty)

        let replaced = try RegisterMerge.merge(previous: [last], register: [edited], next: [incoming], keeping: [], interventionPeriod: period, cohorts: 3)
        #expect(replaced.households == [incoming] && replaced.replaced.map(\.household) == [HouseholdID("H1")])

        // The register following the last delivery is no edit; a delivery that agrees with an edit overrides nothing.
        #expect(RegisterMerge.overrides(previous: [last], register: [last], next: [incoming]).isEmpty)
        var agreeing = incoming
        agreeing.cohort = 2
        #expect(RegisterMerge.overrides(previous: [last], register: [edited], next: [agreeing]).isEmpty)
        // A household entered in Outcomes (not in the last delivery) is edited in every field.
        #expect(RegisterMerge.overrides(previous: [], register: [edited], next: [incoming]).first?.changes.map(\.field) == ["afslutning", "afslutningsårsag", "kohorte"])
    }

    @Test("a kept edit that no longer fits the delivery's course is refused, naming the household and the rule")
    func conflict() {
        var edited = last
        edited.start = day("2025-06-01")
        var incoming = last
        incoming.end = day("2025-05-01")
        incoming.endReason = .stable
        #expect(throws: RegisterMerge.Conflict(household: HouseholdID("H1"), reason: .endBeforeStart(start: day("2025-06-01"), end: day("2025-05-01")))) {
            try RegisterMerge.merge(previous: [last], register: [edited], next: [incoming], keeping: [HouseholdID("H1")], interventionPeriod: period, cohorts: 3)
        }
    }
}
