import Foundation
import OutcomesCore
import OutcomesTestSupport
import Testing

@testable import OutcomesStore

@Suite("Action plans in the store: the six-month lock (every backend)")
struct ActionPlanStoreTests {
    let household = HouseholdID("H00042")
    func audit(_ what: String) -> AuditEvent {
        AuditEvent(actor: "anne@viborg", action: what, subject: "household H00042", purpose: "handleplan", at: "2026-11-26T10:00:00Z")
    }
    func day(_ text: String) -> LocalDate { LocalDate(iso: text)! }

    @Test("Goals change before the lock; after it a change is refused, says why, and writes nothing", arguments: Backend.available)
    func lock(backend: Backend) async throws {
        try await backend.withStore { store in
            let plan = ActionPlan(household: household, courseStart: day("2024-01-31"), goals: [.init(id: "M1", text: "Job i praktik")])
            try await store.createActionPlan(plan, audit: audit("create-action-plan"))
            let changed = try await store.changeActionPlan(
                household,
                .add(id: "M2", text: "Daginstitution"),
                on: day("2024-07-30"),
                adjustmentMonths: 6,
                audit: audit("change-action-plan")
            )
            #expect(changed.goals.map(\.id) == ["M1", "M2"])
            await #expect(throws: ActionPlanError.locked(since: day("2024-07-31"))) {
                try await store.changeActionPlan(
                    household,
                    .remove(id: "M1"),
                    on: day("2024-07-31"),
                    adjustmentMonths: 6,
                    audit: audit("change-action-plan")
                )
            }
            #expect(try await store.actionPlan(for: household)?.goals.map(\.id) == ["M1", "M2"])
            // Whether a goal was met is assessed at the end, after the lock.
            let assessed = try await store.assessActionPlanGoal(household, goal: "M2", fulfilled: true, audit: audit("assess-action-plan"))
            #expect(assessed.goals.last?.fulfilled == true)
            #expect(try await store.actionPlan(for: household) == assessed)
            let actions = try await store.auditEntries().map(\.event.action)
            #expect(actions == ["create-action-plan", "change-action-plan", "assess-action-plan"])
            #expect(try await store.verifyAudit() == .intact(entries: 3))
        }
    }

    @Test("A second plan for a household, or a change to a missing plan, is refused", arguments: Backend.available)
    func refusals(backend: Backend) async throws {
        try await backend.withStore { store in
            let plan = ActionPlan(household: household, courseStart: day("2024-01-31"))
            try await store.createActionPlan(plan, audit: audit("create-action-plan"))
            await #expect(throws: StoreError.actionPlanExists(household)) {
                try await store.createActionPlan(plan, audit: audit("create-action-plan"))
            }
            await #expect(throws: StoreError.noActionPlan(HouseholdID("H9"))) {
                try await store.changeActionPlan(
                    HouseholdID("H9"),
                    .add(id: "M1", text: "x"),
                    on: day("2024-02-01"),
                    adjustmentMonths: 6,
                    audit: audit("change-action-plan")
                )
            }
            #expect(try await store.auditEntries().count == 1)
        }
    }
}
