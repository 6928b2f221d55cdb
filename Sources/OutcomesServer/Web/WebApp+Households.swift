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

    func registerHouseholds(on router: Router<OutcomesRequestContext>) {
        router.get("/husstande") { request, _ in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.personRoles, now: now)
                var area: Area?
                if case let .areaCaseworker(own) = caller.user.role { area = own }
                let households = try await api.store.households(in: area)
                var context = base(caller, title: "Husstande", current: "/husstande", now: now)
                context["pseudonymised"] = caller.user.role == .evaluator
                context["households"] = households.map {
                    [
                        "id": $0.id.rawValue, "area": $0.area.danishName, "group": $0.group.danishName, "start": Danish.date($0.courseStart),
                        "end": Danish.date($0.courseEnd), "cohort": $0.cohort.map(String.init) ?? "–",
                    ]
                }
                try await auditRead(
                    caller,
                    page: "households",
                    subject: "households (\(households.count))",
                    purpose: "oversigt over husstande",
                    now: now
                )
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
                guard let record = try await api.store.household(id) else { throw Refusal.notFound("Husstanden \(id) findes ikke.") }
                guard caller.user.role.personDataAccess(householdArea: record.area) == .full else {
                    throw Refusal.forbidden("Husstanden hører til \(record.area.danishName); du kan kun rette husstande i dit eget område.")
                }
                let goal = fields["goalId", default: ""].trimmingCharacters(in: .whitespaces)
                let text = fields["text", default: ""]
                let audit = AuditEvent(
                    actor: "user:" + caller.user.username,
                    action: "change-action-plan:" + fields["action", default: ""],
                    subject: "household:\(id) goal:\(goal)",
                    purpose: "handleplan",
                    at: api.timestamp(now)
                )
                do {
                    switch fields["action"] {
                    case "assess":
                        let value = fields["fulfilled"].flatMap { $0 == "ja" ? true : $0 == "nej" ? false : nil }
                        _ = try await api.store.assessActionPlanGoal(id, goal: goal, fulfilled: value, audit: audit)
                    case "add", "reword", "remove":
                        if try await api.store.actionPlan(for: id) == nil {
                            guard let start = record.courseStart else { throw Refusal.forbidden("Husstanden har intet forløb.") }
                            try await api.store.createActionPlan(ActionPlan(household: id, courseStart: start), audit: audit)
                        }
                        let change: ActionPlan.Change =
                            fields["action"] == "add"
                            ? .add(id: goal, text: text) : fields["action"] == "reword" ? .reword(id: goal, text: text) : .remove(id: goal)
                        _ = try await api.store.changeActionPlan(id, change, on: api.today(now), adjustmentMonths: api.adjustmentMonths, audit: audit)
                    default:
                        throw Refusal.forbidden("Ukendt handling.")
                    }
                } catch let error as ActionPlanError {
                    return try await householdPage(id, caller: caller, now: now, error: error.description, status: .conflict)
                }
                return WebApp.redirect("/husstande/\(id)#handleplan")
            }
        }
    }

    /// A household: its course, members, action plan and measurements, for the caller's access.
    func householdPage(_ id: HouseholdID, caller: Caller, now: Date, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response
    {
        guard let record = try await api.store.household(id) else { throw Refusal.notFound("Husstanden \(id) findes ikke.") }
        let access = caller.user.role.personDataAccess(householdArea: record.area)
        guard access != .none else {
            throw Refusal.forbidden("Husstanden hører til \(record.area.danishName); du ser kun husstande i dit eget område.")
        }
        let day = api.today(now)
        var context = base(caller, title: "Husstand \(id)", current: "/husstande", now: now)
        context["error"] = error
        context["id"] = id.rawValue
        context["area"] = record.area.danishName
        context["group"] = record.group.danishName
        context["start"] = Danish.date(record.courseStart)
        context["end"] = Danish.date(record.courseEnd)
        context["endReason"] = WebApp.danishEndReason(record.endReason)
        context["replaces"] = record.replaces?.rawValue ?? "–"
        context["cohort"] = record.cohort.map(String.init) ?? "–"
        context["listPosition"] = record.listPosition.map(String.init) ?? "–"
        let members = try await api.store.persons(in: id)
        context["showNames"] = access == .full
        context["hasMembers"] = !members.isEmpty
        context["members"] = members.map { ["id": $0.id.rawValue, "name": $0.name ?? "–", "age": $0.birthDate.completedYears(on: day)] }
        let canEdit = access == .full && WebApp.caseRoles.contains(RoleKind(caller.user.role))
        if let plan = try await api.store.actionPlan(for: id) {
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
                        ] as [String: Any]
                    },
                ] as [String: Any]
        } else if canEdit, let start = record.courseStart {
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
        let receipts = try await api.store.deliveries()
        context["delivery"] = receipts.last.map { "nr. \($0.number)" } ?? "ingen"
        if let delivery = try await api.store.currentDelivery()?.delivery, let index = delivery.households.firstIndex(where: { $0.id == id }) {
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
        try await auditRead(caller, page: "household", subject: "household:\(id)", purpose: "opfølgning på husstand", now: now)
        return html("household", context, status: status)
    }
}
