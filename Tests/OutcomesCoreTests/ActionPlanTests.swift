import Testing

@testable import OutcomesCore

@Suite("Action plans: goals adjustable for six months (B5.1 2.8.1)")
struct ActionPlanTests {
    func plan(start: String = "2024-01-31") -> ActionPlan {
        ActionPlan(household: HouseholdID("H1"), courseStart: day(start), goals: [.init(id: "M1", text: "Job i praktik")])
    }

    @Test("Adjustable until the day before the six-month anniversary, clamped at month ends")
    func lockDate() {
        let p = plan()
        #expect(p.lockedFrom(adjustmentMonths: 6) == day("2024-07-31"))
        #expect(p.isAdjustable(on: day("2024-07-30"), adjustmentMonths: 6))
        #expect(!p.isAdjustable(on: day("2024-07-31"), adjustmentMonths: 6))
        #expect(plan(start: "2024-08-31").lockedFrom(adjustmentMonths: 6) == day("2025-02-28"))
    }

    @Test("Add, reword and remove goals before the lock")
    func changes() throws {
        var p = plan()
        try p.apply(.add(id: "M2", text: "Daginstitution"), on: day("2024-03-01"), adjustmentMonths: 6)
        try p.apply(.reword(id: "M1", text: "Fast job"), on: day("2024-03-01"), adjustmentMonths: 6)
        try p.apply(.remove(id: "M2"), on: day("2024-07-30"), adjustmentMonths: 6)
        #expect(p.goals == [.init(id: "M1", text: "Fast job")])
    }

    @Test("From the lock on, changes are refused with a message that says why; assessing is still allowed")
    func locked() throws {
        var p = plan()
        #expect(throws: ActionPlanError.locked(since: day("2024-07-31"))) {
            try p.apply(.add(id: "M2", text: "Sent"), on: day("2024-07-31"), adjustmentMonths: 6)
        }
        #expect(ActionPlanError.locked(since: day("2024-07-31")).description.contains("låst fra 31.07.2024"))
        try p.assess("M1", fulfilled: true)
        #expect(p.goals.first?.fulfilled == true)
    }

    @Test("Unknown and duplicate goals and empty texts are refused")
    func refusals() {
        var p = plan()
        #expect(throws: ActionPlanError.duplicateGoal("M1")) { try p.apply(.add(id: "M1", text: "x"), on: day("2024-02-01"), adjustmentMonths: 6) }
        #expect(throws: ActionPlanError.unknownGoal("M9")) { try p.apply(.remove(id: "M9"), on: day("2024-02-01"), adjustmentMonths: 6) }
        #expect(throws: ActionPlanError.emptyText) { try p.apply(.add(id: "M2", text: "  "), on: day("2024-02-01"), adjustmentMonths: 6) }
        #expect(throws: ActionPlanError.unknownGoal("M9")) { try p.assess("M9", fulfilled: true) }
    }
}
