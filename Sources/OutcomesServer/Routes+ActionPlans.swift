import Foundation
import HTTPTypes
import OutcomesApplication
import OutcomesCore
import OutcomesStore

struct ActionPlanView: Encodable, Sendable {
    struct Goal: Encodable, Sendable {
        var id: String
        var text: String
        var fulfilled: Bool?
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(text, forKey: .text)
            try c.encode(fulfilled, forKey: .fulfilled)
        }
        enum CodingKeys: String, CodingKey { case id, text, fulfilled }
    }
    var household: String
    var courseStart: LocalDate
    /// B5.1 2.8.1: the first day the goals can no longer be adjusted.
    var lockedFrom: LocalDate
    var locked: Bool
    var goals: [Goal]

    init(_ plan: ActionPlan, adjustmentMonths: Int, today: LocalDate) {
        household = plan.household.rawValue
        courseStart = plan.courseStart
        lockedFrom = plan.lockedFrom(adjustmentMonths: adjustmentMonths)
        locked = !plan.isAdjustable(on: today, adjustmentMonths: adjustmentMonths)
        goals = plan.goals.map { Goal(id: $0.id, text: $0.text, fulfilled: $0.fulfilled) }
    }

    static let schema = Schema.record([
        ("household", .text), ("courseStart", .date), ("lockedFrom", .date), ("locked", .boolean),
        ("goals", .array(.record([("id", .text), ("text", .text), ("fulfilled", .nullable(.boolean))]))),
    ])
}

extension OutcomesAPI {
    /// B5.1 2.8.1: how long the goals can be adjusted (6 months in Viborg's agreement).
    var adjustmentMonths: Int {
        for goal in commitment.paymentGoals {
            if case let .actionPlans(terms) = goal.terms { return terms.adjustmentMonths.value }
        }
        return 6
    }

    static var actionPlanRoutes: [Route] {
        struct NewPlan: Decodable {
            struct Goal: Decodable {
                var id: String
                var text: String
            }
            var goals: [Goal]
        }
        struct Change: Decodable {
            var action: String
            var goalId: String
            var text: String?
        }
        struct Assessment: Decodable {
            var goalId: String
            var fulfilled: Bool?
        }
        @Sendable func view(_ plan: ActionPlan, _ call: Call) -> ActionPlanView {
            ActionPlanView(plan, adjustmentMonths: call.api.adjustmentMonths, today: call.today)
        }
        return [
            Route(
                .get,
                "/api/households/{id}/action-plan",
                "getActionPlan",
                "Husstandens handleplan med mål, og om målene er låst (B5.1 2.8.1)",
                access: personRoles,
                response: .ref("ActionPlan"),
                readsPersonData: true,
                defaultPurpose: "opfølgning på handleplan"
            ) { call in
                let (record, _) = try await call.household()
                guard let plan = try await call.api.store.actionPlan(for: record.id) else {
                    throw Problem.notFound("Husstanden \(record.id) har ingen handleplan endnu.")
                }
                return try .json(view(plan, call))
            },
            Route(
                .post,
                "/api/households/{id}/action-plan",
                "createActionPlan",
                "Opret husstandens handleplan med de første mål",
                access: caseRoles,
                body: .record([("goals", .array(.record([("id", .text), ("text", .text)])))]),
                status: .created,
                response: .ref("ActionPlan")
            ) { call in
                let (record, _) = try await call.household()
                try call.requireFullAccess(area: record.area)
                guard let start = record.courseStart else {
                    throw Problem.unprocessable("Husstanden \(record.id) har ingen indsatsstart; en handleplan hører til et forløb.")
                }
                let new = try call.decode(NewPlan.self)
                var plan = ActionPlan(household: record.id, courseStart: start)
                // B5.1 2.8.1: goals are set within six months of the start, also the first ones.
                guard plan.isAdjustable(on: call.today, adjustmentMonths: call.api.adjustmentMonths) else {
                    throw ActionPlanError.locked(since: plan.lockedFrom(adjustmentMonths: call.api.adjustmentMonths))
                }
                for goal in new.goals {
                    try plan.apply(.add(id: goal.id, text: goal.text), on: call.today, adjustmentMonths: call.api.adjustmentMonths)
                }
                try await call.api.store.createActionPlan(plan, audit: call.audit("create-action-plan", subject: "household:\(record.id)"))
                return try .json(view(plan, call), status: .created)
            },
            Route(
                .patch,
                "/api/households/{id}/action-plan",
                "changeActionPlan",
                "Justér et mål (add, reword, remove); afvises fra seks måneder efter indsatsstart (B5.1 2.8.1)",
                access: caseRoles,
                body: .object(
                    [("action", .string(values: ["add", "reword", "remove"])), ("goalId", .text), ("text", .nullable(.text))],
                    required: ["action", "goalId"]
                ),
                response: .ref("ActionPlan")
            ) { call in
                let (record, _) = try await call.household()
                try call.requireFullAccess(area: record.area)
                let change = try call.decode(Change.self)
                let parsed: ActionPlan.Change
                switch change.action {
                case "add": parsed = .add(id: change.goalId, text: change.text ?? "")
                case "reword": parsed = .reword(id: change.goalId, text: change.text ?? "")
                case "remove": parsed = .remove(id: change.goalId)
                default: throw Problem.unprocessable("Feltet 'action' skal være add, reword eller remove, ikke '\(change.action)'.")
                }
                let plan = try await call.api.store.changeActionPlan(
                    record.id,
                    parsed,
                    on: call.today,
                    adjustmentMonths: call.api.adjustmentMonths,
                    audit: call.audit("change-action-plan:\(change.action)", subject: "household:\(record.id) goal:\(change.goalId)")
                )
                return try .json(view(plan, call))
            },
            Route(
                .post,
                "/api/households/{id}/action-plan/assessments",
                "assessActionPlanGoal",
                "Registrér om et mål er opfyldt (også efter låsen)",
                access: caseRoles,
                body: .object([("goalId", .text), ("fulfilled", .nullable(.boolean))], required: ["goalId"]),
                response: .ref("ActionPlan")
            ) { call in
                let (record, _) = try await call.household()
                try call.requireFullAccess(area: record.area)
                let assessment = try call.decode(Assessment.self)
                let plan = try await call.api.store.assessActionPlanGoal(
                    record.id,
                    goal: assessment.goalId,
                    fulfilled: assessment.fulfilled,
                    audit: call.audit("assess-action-plan-goal", subject: "household:\(record.id) goal:\(assessment.goalId)")
                )
                return try .json(view(plan, call))
            },
        ]
    }
}
