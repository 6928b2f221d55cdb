import Foundation
public import OutcomesCore
import OutcomesDelivery
import OutcomesStore

/// A household as the household page and the API show it: the record, the requester's access,
/// its members, its action plan and its measurements in the current delivery.
public struct HouseholdDetail: Sendable {
    public var record: Household
    public var access: Role.PersonDataAccess
    public var members: [PersonRecord]
    public var plan: ActionPlan?
    /// The current delivery's number, and the household's rows in it (`nil` when it is not in it).
    public var deliveryNumber: Int?
    public var delivery: Delivery?
    public var deliveryIndex: Int?
}

// Action plans (B5.1 2.8) and the household's whole picture.
extension OutcomesService {
    /// B5.1 2.8.1: how long the goals can be adjusted (6 months in Viborg's agreement).
    public var adjustmentMonths: Int {
        for goal in commitment.paymentGoals {
            if case let .actionPlans(terms) = goal.terms { return terms.adjustmentMonths.value }
        }
        return 6
    }

    /// Everything the household page shows, for the requester's access; one audited read.
    public func householdDetail(_ requester: Requester, _ id: HouseholdID) async throws -> HouseholdDetail {
        let (record, access) = try await household(requester, id)
        let members = try await store.persons(in: id)
        let plan = try await store.actionPlan(for: id)
        let number = try await store.currentDeliveryNumber()
        let delivery = try await number.asyncMap { try await self.delivery(number: $0).delivery }
        return HouseholdDetail(
            record: record,
            access: access,
            members: access == .full ? members : members.map { var person = $0; person.name = nil; return person },
            plan: plan,
            deliveryNumber: number,
            delivery: delivery,
            deliveryIndex: delivery?.households.firstIndex { $0.id == id }
        )
    }

    /// The household's action plan (an audited read).
    public func actionPlan(_ requester: Requester, _ id: HouseholdID) async throws -> ActionPlan {
        _ = try await household(requester, id)
        guard let plan = try await store.actionPlan(for: id) else { throw ApplicationError.notFound("Husstanden \(id) har ingen handleplan endnu.") }
        return plan
    }

    /// Creates the plan with its first goals; B5.1 2.8.1: within six months of the start.
    public func createActionPlan(_ requester: Requester, _ id: HouseholdID, goals: [(id: String, text: String)]) async throws -> ActionPlan {
        let record = try await householdForCaseWork(requester, id)
        try checkInput { () throws(InputRules.Violation) in
            for (index, goal) in goals.enumerated() {
                try InputRules.line(goal.id, field: "goals.\(index).id", maximumLength: InputRules.maximumIdentifierLength)
                try InputRules.text(goal.text, field: "goals.\(index).text", maximumLength: InputRules.maximumLineLength * 4, allowEmpty: false)
            }
        }
        guard let start = record.start else {
            throw ApplicationError.invalid("Husstanden \(record.id) har ingen indsatsstart; en handleplan hører til et forløb.")
        }
        var plan = ActionPlan(household: record.id, courseStart: start)
        guard plan.isAdjustable(on: requester.today, adjustmentMonths: adjustmentMonths) else {
            throw ActionPlanError.locked(since: plan.lockedFrom(adjustmentMonths: adjustmentMonths))
        }
        for goal in goals { try plan.apply(.add(id: goal.id, text: goal.text), on: requester.today, adjustmentMonths: adjustmentMonths) }
        try await store.createActionPlan(plan, audit: requester.audit("create-action-plan", subject: "household:\(record.id)"))
        return plan
    }

    /// Adds, rewords or removes a goal (refused from six months after the start, B5.1 2.8.1).
    /// A household with a course but no plan yet gets one with this first change.
    public func changeActionPlan(_ requester: Requester, _ id: HouseholdID, action: String, goalID: String, text: String?) async throws -> ActionPlan {
        let record = try await householdForCaseWork(requester, id)
        // Issue #16: a new goal's id is assigned, M1, M2, … after the highest in the plan and
        // in the current delivery, so the plan and the measurements name the same goals.
        let goalID = action == "add" && goalID.isEmpty ? try await nextGoalID(id) : goalID
        try checkInput { () throws(InputRules.Violation) in
            try InputRules.line(goalID, field: "goalId", maximumLength: InputRules.maximumIdentifierLength)
            if let text { try InputRules.text(text, field: "text", maximumLength: InputRules.maximumLineLength * 4) }
        }
        let change: ActionPlan.Change
        switch action {
        case "add": change = .add(id: goalID, text: text ?? "")
        case "reword": change = .reword(id: goalID, text: text ?? "")
        case "remove": change = .remove(id: goalID)
        default: throw ApplicationError.invalid("Handlingen skal være add, reword eller remove, ikke '\(action)'.")
        }
        let audit = requester.audit("change-action-plan:\(action)", subject: "household:\(record.id) goal:\(goalID)")
        if try await store.actionPlan(for: id) == nil, let start = record.start {
            // B5.1 2.8.1: no plan is started once its goals could no longer be set.
            let empty = ActionPlan(household: id, courseStart: start)
            guard empty.isAdjustable(on: requester.today, adjustmentMonths: adjustmentMonths) else {
                throw ActionPlanError.locked(since: empty.lockedFrom(adjustmentMonths: adjustmentMonths))
            }
            do {
                try await store.createActionPlan(ActionPlan(household: id, courseStart: start), audit: requester.audit("create-action-plan", subject: "household:\(id)"))
            } catch StoreError.actionPlanExists {
                // Another request created it meanwhile: the change applies to that plan.
            }
        }
        return try await store.changeActionPlan(id, change, on: requester.today, adjustmentMonths: adjustmentMonths, audit: audit)
    }

    /// The next goal id for a household: `M` and one more than the highest `M<n>` its plan or
    /// the current delivery's action-plan rows use.
    func nextGoalID(_ id: HouseholdID) async throws -> String {
        var used = (try await store.actionPlan(for: id)?.goals.map(\.id)) ?? []
        if let number = try await store.currentDeliveryNumber() {
            let delivery = try await self.delivery(number: number).delivery
            if let index = delivery.households.firstIndex(where: { $0.id == id }) {
                used += delivery.actionPlanGoals.filter { $0.household == index }.map(\.goalID)
            }
        }
        let highest = used.compactMap { $0.hasPrefix("M") ? Int($0.dropFirst()) : nil }.max() ?? 0
        return "M\(highest + 1)"
    }

    /// Records whether a goal was met (allowed also after the lock).
    public func assessActionPlanGoal(_ requester: Requester, _ id: HouseholdID, goalID: String, fulfilled: Bool?) async throws -> ActionPlan {
        let record = try await householdForCaseWork(requester, id)
        try checkInput { () throws(InputRules.Violation) in try InputRules.line(goalID, field: "goalId", maximumLength: InputRules.maximumIdentifierLength) }
        return try await store.assessActionPlanGoal(
            record.id,
            goal: goalID,
            fulfilled: fulfilled,
            audit: requester.audit("assess-action-plan-goal", subject: "household:\(record.id) goal:\(goalID)")
        )
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
