import Foundation
import OutcomesContractFile
import OutcomesCore
import OutcomesStore
import OutcomesTestSupport
import Testing

@Suite("Enrolment rules enforced by the store (every backend)")
struct EnrolmentRuleStoreTests {
    let event = AuditEvent(actor: "test", action: "t", subject: "", purpose: "test", at: "2024-01-01T00:00:00Z")

    func decision(_ id: String, _ outcome: EnrolmentDecision.Outcome, on date: String = "2024-01-05") -> EnrolmentDecision {
        EnrolmentDecision(
            household: HouseholdID(id),
            listPosition: nil,
            decidedOn: day(date),
            decidedBy: "anne",
            outcome: outcome,
            reason: "Faglig begrundelse."
        )
    }

    @Test(
        "the list is taken in order within an area; every household offered needs a decision first; the cohort follows the start",
        arguments: Backend.available
    )
    func listInOrder(backend: Backend) async throws {
        try await backend.withStore { store in
            let period = viborg.interventionPeriod.value
            for (id, area, position) in [("A", Area.houlkaer, 1), ("B", .houlkaer, 2), ("C", .houlkaer, 4), ("X", .ellekonebakken, 3)] {
                try await store.saveHousehold(
                    Household(id: HouseholdID(id), area: area, listPosition: position, group: .control),
                    interventionPeriod: period,
                    audit: event
                )
            }
            // B before A: refused, naming A.
            await #expect(throws: EnrolmentError.outOfOrder(earlier: HouseholdID("A"), position: 1)) {
                try await store.recordEnrolmentDecision(
                    self.decision("B", .enrolled(courseStart: day("2024-01-10"))),
                    consentGiven: true,
                    interventionPeriod: period,
                    audit: self.event
                )
            }
            // Another area's list is its own: X (Ellekonebakken) can be taken now.
            try await store.recordEnrolmentDecision(
                decision("X", .notEnrolled(.declined)),
                consentGiven: false,
                interventionPeriod: period,
                audit: event
            )
            try await store.recordEnrolmentDecision(
                decision("A", .notEnrolled(.noConsent)),
                consentGiven: false,
                interventionPeriod: period,
                audit: event
            )
            try await store.recordEnrolmentDecision(
                decision("B", .enrolled(courseStart: day("2024-01-10"))),
                consentGiven: true,
                interventionPeriod: period,
                audit: event
            )
            try await store.recordEnrolmentDecision(
                decision("C", .enrolled(courseStart: day("2024-11-04")), on: "2024-11-01"),
                consentGiven: true,
                interventionPeriod: period,
                audit: event
            )
            let b = try #require(try await store.household(HouseholdID("B")))
            #expect(b.group == .treatment && b.start == day("2024-01-10") && b.cohort == 1)
            #expect(try await store.household(HouseholdID("C"))?.cohort == 2, "a start in the second intervention year is cohort 2")
            #expect(try await store.household(HouseholdID("A"))?.group == .control, "not offered: stays in the control group")
            // Nothing was written for the refused decision.
            #expect(try await store.enrolmentDecisions().map(\.household.rawValue) == ["X", "A", "B", "C"])
        }
    }

    @Test("notices and lotteries are kept", arguments: Backend.available)
    func noticesAndLotteries(backend: Backend) async throws {
        try await backend.withStore { store in
            let notice = Notice(kind: .withholding(remedyBy: day("2025-06-30")), received: day("2025-05-31"), subject: "Visitation")
            try await store.recordNotice(notice, audit: event)
            try await store.recordNotice(Notice(kind: .dispute, received: day("2025-03-01"), subject: "Opgørelse"), audit: event)
            #expect(try await store.notices() == [notice, Notice(kind: .dispute, received: day("2025-03-01"), subject: "Opgørelse")])
            let record = LotteryRecord(seed: "frø", populationHash: "p", listHash: "l", households: 2, drawnAt: "2023-10-31T10:00:00Z")
            try await store.recordLottery(record, list: [(HouseholdID("Q2"), .karupKolvraa), (HouseholdID("Q1"), .houlkaer)], audit: event)
            // The list is kept in its order with the record (migration 13), to publish and verify.
            var kept = record
            kept.list = [HouseholdID("Q2"), HouseholdID("Q1")]
            #expect(try await store.lotteries() == [kept])
            #expect(kept.csv == "list_position,household_id\n1,Q2\n2,Q1\n")
            #expect(try await store.household(HouseholdID("Q1"))?.listPosition == 2)
            #expect(try await store.household(HouseholdID("Q2"))?.area == .karupKolvraa)
        }
    }
}
