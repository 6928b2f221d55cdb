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
    var adjustmentMonths: Int { service.adjustmentMonths }

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
                try .json(view(try await call.api.service.actionPlan(call.requester, HouseholdID(call.parameter("id"))), call))
            },
            Route(
                .post,
                "/api/households/{id}/action-plan",
                "createActionPlan",
                "Opret husstandens handleplan med de første mål",
                access: caseRoles,
                body: .record([("goals", .array(.record([("id", .line(maxLength: InputRules.maximumIdentifierLength)), ("text", .freeText(maxLength: 2000, nonBlank: true))])))]),
                status: .created,
                response: .ref("ActionPlan")
            ) { call in
                let new = try call.decode(NewPlan.self)
                let plan = try await call.api.service.createActionPlan(
                    call.requester,
                    HouseholdID(call.parameter("id")),
                    goals: new.goals.map { ($0.id, $0.text) }
                )
                return try .json(view(plan, call), status: .created)
            },
            Route(
                .patch,
                "/api/households/{id}/action-plan",
                "changeActionPlan",
                "Justér et mål (add, reword, remove); afvises fra seks måneder efter indsatsstart (B5.1 2.8.1)",
                access: caseRoles,
                body: .object(
                    [("action", .string(values: ["add", "reword", "remove"])), ("goalId", .line(maxLength: InputRules.maximumIdentifierLength)), ("text", .nullable(.freeText(maxLength: 2000)))],
                    required: ["action", "goalId"]
                ),
                response: .ref("ActionPlan")
            ) { call in
                let change = try call.decode(Change.self)
                let plan = try await call.api.service.changeActionPlan(
                    call.requester,
                    HouseholdID(call.parameter("id")),
                    action: change.action,
                    goalID: change.goalId,
                    text: change.text
                )
                return try .json(view(plan, call))
            },
            Route(
                .post,
                "/api/households/{id}/action-plan/assessments",
                "assessActionPlanGoal",
                "Registrér om et mål er opfyldt (også efter låsen)",
                access: caseRoles,
                body: .object([("goalId", .line(maxLength: InputRules.maximumIdentifierLength)), ("fulfilled", .nullable(.boolean))], required: ["goalId"]),
                response: .ref("ActionPlan")
            ) { call in
                let assessment = try call.decode(Assessment.self)
                let plan = try await call.api.service.assessActionPlanGoal(
                    call.requester,
                    HouseholdID(call.parameter("id")),
                    goalID: assessment.goalId,
                    fulfilled: assessment.fulfilled
                )
                return try .json(view(plan, call))
            },
        ]
    }
}
