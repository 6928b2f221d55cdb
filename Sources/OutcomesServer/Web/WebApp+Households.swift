import Foundation
import HTTPTypes
import Hummingbird
import OutcomesApplication
import OutcomesCore
import OutcomesDelivery
import OutcomesStore

extension WebApp {
    static let personRoles = Permission.readPersonData.roles
    static let caseRoles = Permission.editCases.roles

    static func danishEndReason(_ reason: EndReason?) -> String {
        switch reason {
        case .stable: "stabil situation"
        case .noLongerNeeded: "har ikke længere behov"
        case .otherOffer: "andet tilbud"
        case .declined: "takkede nej"
        case .moved: "fraflyttet"
        case .other: "andet"
        case nil: "–"
        }
    }

    func registerHouseholds(on router: PageRouter) {
        router.get("/husstande") { request, _ in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.personRoles, now: now)
                let households = try await api.service.households(
                    Requester(user: caller.user, purpose: "oversigt over husstande", now: now, channel: "web:households")
                )
                var context = base(caller, title: "Husstande", current: "/husstande", now: now)
                context["pseudonymised"] = caller.user.role == .evaluator
                context["households"] = households.map {
                    [
                        "id": $0.id.rawValue, "area": $0.area.danishName, "group": $0.group.danishName, "start": Danish.date($0.start),
                        "end": Danish.date($0.end), "cohort": $0.cohort.map(String.init) ?? "–",
                    ]
                }
                return html("households", context)
            }
        }
        router.get("/husstande/:id") { request, context in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.personRoles, now: now)
                let id = HouseholdID(context.parameters.get("id") ?? "")
                return try await householdPage(id, caller: caller, now: now)
            }
        }
        router.post("/husstande/:id/handleplan") { request, context in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.caseRoles, now: now)
                let fields = try await form(request, context, caller: caller)
                let id = HouseholdID(context.parameters.get("id") ?? "")
                let goal = fields["goalId", default: ""].trimmingCharacters(in: .whitespaces)
                let requester = Requester(user: caller.user, purpose: "handleplan", now: now, channel: "web:household")
                do {
                    switch fields["action"] {
                    case "assess":
                        let value = fields["fulfilled"].flatMap { $0 == "ja" ? true : $0 == "nej" ? false : nil }
                        _ = try await api.service.assessActionPlanGoal(requester, id, goalID: goal, fulfilled: value)
                    case let action?:
                        _ = try await api.service.changeActionPlan(requester, id, action: action, goalID: goal, text: fields["text", default: ""])
                    case nil:
                        throw Refusal.forbidden("Ukendt handling.")
                    }
                } catch let error as ActionPlanError {
                    return try await householdPage(id, caller: caller, now: now, error: error.description, status: .conflict)
                } catch let error as ApplicationError {
                    switch error {
                    case let .forbidden(message): throw Refusal.forbidden(message)
                    case let .notFound(message): throw Refusal.notFound(message)
                    default: return try await householdPage(id, caller: caller, now: now, error: error.description, status: .unprocessableContent)
                    }
                }
                return WebApp.redirect("/husstande/\(id)#handleplan")
            }
        }
    }

    /// A household: its course, members, action plan and measurements, for the caller's access.
    func householdPage(_ id: HouseholdID, caller: Caller, now: Date, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response
    {
        let detail: HouseholdDetail
        do {
            detail = try await api.service.householdDetail(
                Requester(user: caller.user, purpose: "opfølgning på husstand", now: now, channel: "web:household"),
                id
            )
        } catch let ApplicationError.forbidden(message) {
            throw Refusal.forbidden(message)
        } catch let ApplicationError.notFound(message) {
            throw Refusal.notFound(message)
        }
        let (record, access) = (detail.record, detail.access)
        let day = api.today(now)
        var context = base(caller, title: "Husstand \(id)", current: "/husstande", now: now)
        context["error"] = error
        context["id"] = id.rawValue
        context["area"] = record.area.danishName
        context["group"] = record.group.danishName
        context["start"] = Danish.date(record.start)
        context["end"] = Danish.date(record.end)
        context["endReason"] = WebApp.danishEndReason(record.endReason)
        context["replaces"] = record.replaces?.rawValue ?? "–"
        context["cohort"] = record.cohort.map(String.init) ?? "–"
        context["listPosition"] = record.listPosition.map(String.init) ?? "–"
        let members = detail.members
        context["showNames"] = access == .full
        context["hasMembers"] = !members.isEmpty
        context["members"] = members.map { ["id": $0.id.rawValue, "name": $0.name ?? "–", "age": $0.birthDate.completedYears(on: day)] }
        let canEdit = access == .full && WebApp.caseRoles.contains(RoleKind(caller.user.role))
        if let plan = detail.plan {
            let months = api.adjustmentMonths
            let locked = !plan.isAdjustable(on: day, adjustmentMonths: months)
            context["plan"] =
                [
                    "locked": locked, "lockedFrom": plan.lockedFrom(adjustmentMonths: months).danishString,
                    "lastDay": plan.lockedFrom(adjustmentMonths: months).addingDays(-1).danishString, "canEdit": canEdit, "household": id.rawValue,
                    "csrf": caller.csrfToken ?? "",
                    "goals": plan.goals.map {
                        [
                            "id": $0.id, "text": $0.text, "fulfilled": $0.fulfilled.map { $0 ? "opfyldt" : "ikke opfyldt" } ?? "ikke vurderet",
                            "locked": locked, "canEdit": canEdit, "household": id.rawValue, "csrf": caller.csrfToken ?? "",
                            // The saved assessment stays selected.
                            "isYes": $0.fulfilled == true, "isNo": $0.fulfilled == false,
                        ] as [String: Any]
                    },
                ] as [String: Any]
        } else if canEdit, let start = record.start {
            let plan = ActionPlan(household: id, courseStart: start)
            let months = api.adjustmentMonths
            let locked = !plan.isAdjustable(on: day, adjustmentMonths: months)
            context["plan"] =
                [
                    "locked": locked, "lockedFrom": plan.lockedFrom(adjustmentMonths: months).danishString,
                    "lastDay": plan.lockedFrom(adjustmentMonths: months).addingDays(-1).danishString, "canEdit": canEdit, "household": id.rawValue,
                    "csrf": caller.csrfToken ?? "", "goals": [[String: Any]](),
                ] as [String: Any]
        }
        var measurements: [[String: String]] = []
        context["delivery"] = detail.deliveryNumber.map { "nr. \($0)" } ?? "ingen"
        if let delivery = detail.delivery, let index = detail.deliveryIndex {
            let members = Set(delivery.persons.indices.filter { delivery.persons[$0].household == index })
            let name = { (person: Int) in delivery.persons[person].id.rawValue }
            for row in delivery.employment where members.contains(row.person) {
                measurements.append([
                    "person": name(row.person), "goal": "1 Beskæftigelse", "point": row.point == .start ? "start" : "\(row.point.rawValue) mdr.",
                    "value": row.benefitType?.danishName ?? "ikke oplyst",
                ])
            }
            for row in delivery.socialMeasures where members.contains(row.person) {
                measurements.append([
                    "person": name(row.person), "goal": "2 Sociale foranstaltninger", "point": row.point == .baseline ? "baseline" : "24 mdr.",
                    "value": row.measure?.danishName ?? "ikke oplyst",
                ])
            }
            for row in delivery.lifeSatisfaction where members.contains(row.person) {
                measurements.append([
                    "person": name(row.person), "goal": "4 Livstilfredshed", "point": row.point == .baseline ? "baseline" : "afslutning",
                    "value": row.score.map(String.init) ?? "ikke oplyst",
                ])
            }
            for row in delivery.actionPlanGoals where row.household == index {
                measurements.append([
                    "person": "–", "goal": "5 Handleplan", "point": "mål \(row.goalID)",
                    "value": row.fulfilled.map { $0 ? "opfyldt" : "ikke opfyldt" } ?? "ikke vurderet",
                ])
            }
        }
        context["measurements"] = measurements
        context["hasMeasurements"] = !measurements.isEmpty
        // Issue #16: no plan in Outcomes, but the delivery assesses goals — show those, so the
        // page never says "no goals" while its measurements list them.
        if detail.plan == nil, let delivery = detail.delivery, let index = detail.deliveryIndex {
            let rows = delivery.actionPlanGoals.filter { $0.household == index }
            if !rows.isEmpty {
                context["hasDeliveredGoals"] = true
                context["deliveredGoals"] = rows.map {
                    ["id": $0.goalID, "fulfilled": $0.fulfilled.map { $0 ? "opfyldt" : "ikke opfyldt" } ?? "ikke vurderet"]
                }
            }
        }
        return html("household", context, status: status)
    }
}
