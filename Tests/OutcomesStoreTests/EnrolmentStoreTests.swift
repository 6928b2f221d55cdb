import Foundation
import OutcomesCore
import OutcomesTestSupport
import Testing

@testable import OutcomesStore

@Suite("The journal of visitation decisions (every backend)")
struct EnrolmentStoreTests {
    let period = DateRange(start: LocalDate(iso: "2023-11-01")!, end: LocalDate(iso: "2026-10-31")!)
    let audit = AuditEvent(actor: "anne@viborg", action: "record-enrolment-decision", subject: "", purpose: "visitation", at: "2026-11-26T10:00:00Z")

    @Test("Decisions are journaled in order with their reasons; a decision without a reason writes nothing", arguments: Backend.available)
    func journal(backend: Backend) async throws {
        try await backend.withStore { store in
            let enrolled = EnrolmentDecision(
                household: HouseholdID("H1"),
                listPosition: 1,
                decidedOn: LocalDate(iso: "2024-01-10")!,
                decidedBy: "anne",
                outcome: .enrolled(courseStart: LocalDate(iso: "2024-01-15")!),
                reason: "Sager i tre forvaltninger; ønsker job."
            )
            let declined = EnrolmentDecision(
                household: HouseholdID("H2"),
                listPosition: 2,
                decidedOn: LocalDate(iso: "2024-01-11")!,
                decidedBy: "anne",
                outcome: .notEnrolled(.noConsent),
                reason: "Ønsker ikke at dele data mellem forvaltningerne."
            )
            try await store.recordEnrolmentDecision(enrolled, consentGiven: true, interventionPeriod: period, audit: audit)
            try await store.recordEnrolmentDecision(declined, consentGiven: false, interventionPeriod: period, audit: audit)
            var silent = declined
            silent.reason = ""
            await #expect(throws: EnrolmentError.missingReason) {
                try await store.recordEnrolmentDecision(silent, consentGiven: false, interventionPeriod: period, audit: audit)
            }
            #expect(try await store.enrolmentDecisions() == [enrolled, declined])
            #expect(try await store.auditEntries().count == 2)
        }
    }
}
