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
                let query = WebApp.query(request, ["soeg", "omraade", "gruppe", "sorter", "side"])
                for (key, value) in listContext(households, query: query) { context[key] = value }
                if WebApp.caseRoles.contains(RoleKind(caller.user.role)) { context["create"] = createForm(caller, values: [:]) }
                if request.uri.queryParameters["besked"] == "oprettet" { context["flash"] = "Husstanden er oprettet." }
                return html("households", context)
            }
        }
        // Issue #16: a household entered by the project lead or a caseworker of its area.
        router.post("/husstande") { request, context in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.caseRoles, now: now)
                let fields = try await form(request, context, caller: caller)
                let requester = Requester(user: caller.user, purpose: "ny husstand", now: now, channel: "web:households")
                do {
                    guard let area = fields["area"].flatMap(api.commitment.area), let group = fields["group"].flatMap(Group.init(rawValue:)) else {
                        throw ApplicationError.invalid("Vælg område og gruppe.")
                    }
                    func optional<T>(_ key: String, _ make: (String) -> T?) throws -> T? {
                        guard let text = fields[key]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
                        guard let value = make(text) else { throw ApplicationError.invalid("Feltet '\(key)' kan ikke læses: '\(InputRules.visible(text))'.") }
                        return value
                    }
                    let record = Household(
                        id: HouseholdID(fields["id", default: ""].trimmingCharacters(in: .whitespaces)),
                        area: area,
                        listPosition: try optional("listPosition") { Int($0) },
                        group: group,
                        start: try optional("start") { LocalDate(iso: $0) },
                        replaces: try optional("replaces") { HouseholdID($0) },
                        cohort: try optional("cohort") { Int($0) }
                    )
                    try await api.service.createHousehold(requester, record)
                    return redirect("/husstande/\(record.id.rawValue)?besked=oprettet")
                } catch let error as ApplicationError {
                    return try await householdsError(error.description, caller: caller, now: now, values: fields)
                } catch let error as RegisterError {
                    return try await householdsError(error.description, caller: caller, now: now, values: fields)
                } catch let error as StoreError {
                    return try await householdsError(error.description, caller: caller, now: now, values: fields)
                }
            }
        }
        // A member entered by CPR number: only the keyed pseudonym is kept (SPEC §1).
        router.post("/husstande/:id/person") { request, context in
            try await householdChange(request, context, purpose: "ny person", confirmation: "personen") { fields, requester, id in
                let name = fields["name"].flatMap { $0.isEmpty ? nil : $0 }
                _ = try await api.service.addPerson(requester, household: id, cpr: fields["cpr", default: ""], name: name)
            }
        }
        // P 3.2.3: the course ends, with its reason.
        router.post("/husstande/:id/forloeb") { request, context in
            try await householdChange(request, context, purpose: "afslutning af forløb", confirmation: "forloeb") { fields, requester, id in
                guard let end = fields["end"].flatMap(LocalDate.init(iso:)), let reason = fields["reason"].flatMap(EndReason.init(rawValue:)) else {
                    throw ApplicationError.invalid("Angiv slutdato og årsag (P 3.2.3).")
                }
                let detail = try await api.service.householdDetail(requester, id)
                var record = detail.record
                record.end = end
                record.endReason = reason
                try await api.service.updateHousehold(requester, record)
            }
        }
        router.get("/husstande/:id") { request, context in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.personRoles, now: now)
                let id = HouseholdID(context.parameters.get("id") ?? "")
                let flash = request.uri.queryParameters["besked"].flatMap { WebApp.householdMessages[String($0)] }
                return try await householdPage(id, caller: caller, now: now, flash: flash)
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
                return redirect("/husstande/\(id)#handleplan")
            }
        }
    }

    /// A change on a household's page: saved through the use case, then the page again with a
    /// confirmation, or with the refusal and the values entered.
    func householdChange(
        _ request: Request,
        _ context: OutcomesRequestContext,
        purpose: String,
        confirmation: String,
        _ change: @escaping ([String: String], Requester, HouseholdID) async throws -> Void
    ) async throws -> Response {
        try await page(request) {
            let now = api.clock()
            let caller = try await caller(request, roles: WebApp.caseRoles, now: now)
            let fields = try await form(request, context, caller: caller)
            let id = HouseholdID(context.parameters.get("id") ?? "")
            let requester = Requester(user: caller.user, purpose: purpose, now: now, channel: "web:household")
            do {
                try await change(fields, requester, id)
            } catch let error as ApplicationError {
                switch error {
                case let .forbidden(message): throw Refusal.forbidden(message)
                case let .notFound(message): throw Refusal.notFound(message)
                default: return try await householdPage(id, caller: caller, now: now, error: error.description, status: .unprocessableContent, values: fields)
                }
            } catch let error as RegisterError {
                return try await householdPage(id, caller: caller, now: now, error: error.description, status: .unprocessableContent, values: fields)
            } catch let error as CPRNumber.Problem {
                return try await householdPage(id, caller: caller, now: now, error: error.description, status: .unprocessableContent, values: fields)
            } catch let error as StoreError {
                return try await householdPage(id, caller: caller, now: now, error: error.description, status: .unprocessableContent, values: fields)
            }
            return redirect("/husstande/\(id.rawValue)?besked=\(confirmation)")
        }
    }

    static let householdMessages = [
        "oprettet": "Husstanden er oprettet.", "personen": "Personen er registreret; kun pseudonymet er gemt, ikke CPR-nummeret.",
        "forloeb": "Forløbet er afsluttet med sin årsag.",
    ]

    /// The households list: search by id, filter by area and group, sort, 50 a page.
    func listContext(_ households: [Household], query: [String: String]) -> [String: Any] {
        let search = (query["soeg"] ?? "").trimmingCharacters(in: .whitespaces)
        let area = query["omraade"].flatMap(api.commitment.area)
        let group = query["gruppe"].flatMap(Group.init(rawValue:))
        let sort = query["sorter"].flatMap { ["id", "start", "plads"].contains($0) ? $0 : nil } ?? "id"
        var rows = households.filter { household in
            guard search.isEmpty || household.id.rawValue.localizedCaseInsensitiveContains(search) else { return false }
            return (area == nil || household.area == area) && (group == nil || household.group == group)
        }
        func key(_ household: Household) -> Int {
            switch sort {
            case "start": household.start?.dayNumber ?? Int.max
            case "plads": household.listPosition ?? Int.max
            default: 0
            }
        }
        rows.sort { a, b in key(a) != key(b) ? key(a) < key(b) : a.id < b.id }
        let kept = ["soeg": search, "omraade": area?.rawValue ?? "", "gruppe": group?.rawValue ?? "", "sorter": sort, "side": query["side"] ?? "1"]
        let (shown, paging) = WebApp.paged(rows, page: "side", query: kept, path: "/husstande")
        return [
            "households": shown.map {
                [
                    "id": $0.id.rawValue, "area": api.commitment.areaName($0.area), "group": $0.group.danishName, "start": Danish.date($0.start),
                    "end": Danish.date($0.end), "cohort": $0.cohort.map(String.init) ?? "–", "position": $0.listPosition.map(String.init) ?? "–",
                ]
            },
            "search": search, "count": Danish.integer(rows.count), "total": Danish.integer(households.count),
            "areas": api.commitment.areas.map { ["value": $0.area.rawValue, "label": $0.name, "selected": $0.area == area] },
            "groups": Group.allCases.map { ["value": $0.rawValue, "label": $0.danishName, "selected": $0 == group] },
            "sorts": [("id", "husstand"), ("start", "indsatsstart"), ("plads", "plads på listen")].map {
                ["value": $0.0, "label": $0.1, "selected": $0.0 == sort]
            },
            "paging": paging,
        ]
    }

    /// The form for a new household, with what was entered.
    func createForm(_ caller: Caller, values: [String: String]) -> [String: Any] {
        var form: [String: Any] = values
        form["csrf"] = caller.csrfToken ?? ""
        form["areaOptions"] = api.commitment.areas.map { ["value": $0.area.rawValue, "label": $0.name, "selected": values["area"] == $0.area.rawValue] }
        form["groupOptions"] = Group.allCases.map { ["value": $0.rawValue, "label": $0.danishName, "selected": values["group"] == $0.rawValue] }
        return form
    }

    func householdsError(_ message: String, caller: Caller, now: Date, values: [String: String]) async throws -> Response {
        let households = try await api.service.households(Requester(user: caller.user, purpose: "oversigt over husstande", now: now, channel: "web:households"))
        var context = base(caller, title: "Husstande", current: "/husstande", now: now)
        for (key, value) in listContext(households, query: [:]) { context[key] = value }
        context["create"] = createForm(caller, values: values)
        context["error"] = message.prefix(1).uppercased() + message.dropFirst()
        return html("households", context, status: .unprocessableContent)
    }

    /// A household: its course, members, action plan and measurements, for the caller's access.
    func householdPage(
        _ id: HouseholdID,
        caller: Caller,
        now: Date,
        error: String? = nil,
        status: HTTPResponse.Status = .ok,
        values: [String: String] = [:],
        flash: String? = nil
    ) async throws -> Response {
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
        context["flash"] = flash
        context["id"] = id.rawValue
        context["area"] = api.commitment.areaName(record.area)
        context["group"] = record.group.danishName
        context["start"] = Danish.date(record.start)
        context["end"] = Danish.date(record.end)
        context["endReason"] = record.endReason?.danishName ?? "–"
        context["replaces"] = record.replaces?.rawValue ?? "–"
        context["cohort"] = record.cohort.map(String.init) ?? "–"
        context["listPosition"] = record.listPosition.map(String.init) ?? "–"
        let members = detail.members
        context["showNames"] = access == .full
        context["hasMembers"] = !members.isEmpty
        context["members"] = members.map { ["id": $0.id.rawValue, "name": $0.name ?? "–", "age": $0.birthDate.completedYears(on: day)] }
        let canEdit = access == .full && WebApp.caseRoles.contains(RoleKind(caller.user.role))
        // Issue #16: members by CPR, and the course's end with its reason, in the browser.
        if canEdit {
            var forms: [String: Any] = ["csrf": caller.csrfToken ?? "", "household": id.rawValue, "name": values["name"] ?? ""]
            forms["end"] = values["end"] ?? day.isoString
            forms["reasons"] = EndReason.allCases.map { ["value": $0.rawValue, "label": $0.danishName, "selected": values["reason"] == $0.rawValue] }
            forms["canEnd"] = record.group == .treatment && record.end == nil
            context["forms"] = forms
        }
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
            // The goal as this agreement numbers and names it.
            let goalName = { (kind: GoalKind) in api.commitment.goal(kind).map { "\($0.number) \($0.name)" } ?? "" }
            let members = Set(delivery.persons.indices.filter { delivery.persons[$0].household == index })
            let name = { (person: Int) in delivery.persons[person].id.rawValue }
            for row in delivery.employment where members.contains(row.person) {
                measurements.append([
                    "person": name(row.person), "goal": goalName(.employment), "point": row.point == .start ? "start" : "\(row.point.rawValue) mdr.",
                    "value": row.benefitType?.danishName ?? "ikke oplyst",
                ])
            }
            for row in delivery.socialMeasures where members.contains(row.person) {
                measurements.append([
                    "person": name(row.person), "goal": goalName(.socialMeasures), "point": row.point == .baseline ? "baseline" : "24 mdr.",
                    "value": row.measure?.danishName ?? "ikke oplyst",
                ])
            }
            for row in delivery.lifeSatisfaction where members.contains(row.person) {
                measurements.append([
                    "person": name(row.person), "goal": goalName(.lifeSatisfaction), "point": row.point == .baseline ? "baseline" : "afslutning",
                    "value": row.score.map(String.init) ?? "ikke oplyst",
                ])
            }
            for row in delivery.actionPlanGoals where row.household == index {
                measurements.append([
                    "person": "–", "goal": goalName(.actionPlans), "point": "mål \(row.goalID)",
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
