import Testing

@testable import OutcomesCore

@Suite("Visitation decisions (P 3.1, 3.2.1)")
struct EnrolmentDecisionTests {
    let period = DateRange(start: day("2023-11-01"), end: day("2026-10-31"))

    func decision(_ outcome: EnrolmentDecision.Outcome, reason: String = "To forvaltninger; motiveret for job.") -> EnrolmentDecision {
        EnrolmentDecision(
            household: HouseholdID("H1"),
            listPosition: 3,
            decidedOn: day("2024-02-01"),
            decidedBy: "anne",
            outcome: outcome,
            reason: reason
        )
    }

    @Test("An enrolment with consent, a reason and a start in the period is accepted")
    func accepted() throws {
        try decision(.enrolled(courseStart: day("2024-02-15"))).validate(consentGiven: true, interventionPeriod: period)
        try decision(.notEnrolled(.noConsent), reason: "Ønsker ikke at dele data.").validate(consentGiven: false, interventionPeriod: period)
    }

    @Test("No reason, no consent, or a start outside the period or before the decision is refused")
    func refused() {
        #expect(throws: EnrolmentError.missingReason) {
            try decision(.notEnrolled(.moved), reason: "  ").validate(consentGiven: false, interventionPeriod: period)
        }
        #expect(throws: EnrolmentError.noConsent) {
            try decision(.enrolled(courseStart: day("2024-02-15"))).validate(consentGiven: false, interventionPeriod: period)
        }
        #expect(throws: EnrolmentError.startOutsidePeriod(day("2026-11-01"))) {
            try decision(.enrolled(courseStart: day("2026-11-01"))).validate(consentGiven: true, interventionPeriod: period)
        }
        #expect(throws: EnrolmentError.startBeforeDecision(day("2024-01-15"))) {
            try decision(.enrolled(courseStart: day("2024-01-15"))).validate(consentGiven: true, interventionPeriod: period)
        }
    }

    @Test("Every reason for not enrolling cites its clause")
    func clauses() {
        #expect(EnrolmentDecision.NotEnrolledReason.noConsent.clause == "P 3.1.4 (i)")
        #expect(EnrolmentDecision.NotEnrolledReason.noProgressionPotential.clause == "P 3.1.3 (iv)")
    }
}
