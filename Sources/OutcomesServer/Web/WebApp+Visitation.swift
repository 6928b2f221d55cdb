import Foundation
import HTTPTypes
import Hummingbird
import OutcomesApplication
import OutcomesCore
import OutcomesStore

extension WebApp {
    static func danishOutcome(_ outcome: EnrolmentDecision.Outcome) -> String {
        switch outcome {
        case .enrolled: "visiteret"
        case let .notEnrolled(reason): danishReason(reason)
        }
    }

    static func danishReason(_ reason: EnrolmentDecision.NotEnrolledReason) -> String {
        switch reason {
        case .noConsent: "ikke visiteret: intet samtykke"
        case .outsideArea: "ikke visiteret: uden for området"
        case .fewerThanTwoDirectorates: "ikke visiteret: færre end to forvaltninger"
        case .notMotivated: "ikke visiteret: ikke motiveret"
        case .noProgressionPotential: "ikke visiteret: intet potentiale for progression"
        case .declined: "takkede nej"
        case .moved: "fraflyttet"
        case .other: "andet"
        }
    }

    func registerVisitation(on router: PageRouter) {
        router.get("/visitation") { request, _ in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.personRoles, now: now)
                let query = WebApp.query(request, ["soeg", "side", "journalside", "besked"])
                return try await visitationPage(caller: caller, now: now, form: [:], query: query)
            }
        }
        router.post("/visitation") { request, context in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.caseRoles, now: now)
                let fields = try await form(request, context, caller: caller)
                let requester = Requester(user: caller.user, purpose: "visitation", now: now, channel: "web:visitation")
                let courseStart = fields["courseStart"].flatMap { LocalDate(iso: $0) }
                let decidedOn = fields["decidedOn"].flatMap { $0.isEmpty ? nil : LocalDate(iso: $0) }
                do {
                    _ = try await api.service.recordDecision(
                        requester,
                        NewDecision(
                            household: HouseholdID(fields["household", default: ""]),
                            outcome: fields["outcome", default: ""],
                            courseStart: fields["outcome"] == "enrolled" ? courseStart : nil,
                            consentGiven: fields["consent"] == "ja",
                            reason: fields["reason", default: ""],
                            decidedOn: decidedOn
                        )
                    )
                } catch let error as EnrolmentError {
                    return try await visitationPage(caller: caller, now: now, form: fields, error: error.description)
                } catch let ApplicationError.invalid(message) {
                    return try await visitationPage(caller: caller, now: now, form: fields, error: message)
                } catch let ApplicationError.forbidden(message) {
                    throw Refusal.forbidden(message)
                } catch let ApplicationError.notFound(message) {
                    throw Refusal.notFound(message)
                }
                return redirect("/visitation?besked=journalfoert")
            }
        }
    }

    /// The query values a list page reads (search, filters, pages), by name.
    static func query(_ request: Request, _ keys: [String]) -> [String: String] {
        var values: [String: String] = [:]
        for key in keys {
            if let value = request.uri.queryParameters[key[...]] { values[key] = String(value) }
        }
        return values
    }

    /// A page of `rows` (50 a page) and the links to its neighbours, keeping the other query values.
    static func paged<T>(_ rows: [T], page key: String, query: [String: String], path: String) -> (rows: ArraySlice<T>, context: [String: Any]) {
        let size = 50
        let pages = max(1, (rows.count + size - 1) / size)
        let page = min(max(1, query[key].flatMap { Int($0) } ?? 1), pages)
        var others = query.filter { $0.key != key && $0.key != "besked" }.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics) ?? "")" }
        others.append("")
        let prefix = path + "?" + others.joined(separator: "&") + key + "="
        // Only the links that lead somewhere: an empty string is still "true" to a template, and
        // a missing key is looked up in the enclosing context — so the keys are `false` when
        // there is no page, and named apart from the page's own (`next` is the next household).
        let context: [String: Any] = [
            "page": page, "pages": pages,
            "previousPage": page > 1 ? prefix + String(page - 1) : false, "nextPage": page < pages ? prefix + String(page + 1) : false,
        ]
        return (rows.dropFirst((page - 1) * size).prefix(size), context)
    }

    func visitationPage(
        caller: Caller,
        now: Date,
        form: [String: String],
        error: String? = nil,
        query: [String: String] = [:]
    ) async throws -> Response {
        let list = try await api.service.visitationList(Requester(user: caller.user, purpose: "visitation", now: now, channel: "web:visitation"))
        let latest = Dictionary(list.entries.compactMap { entry in entry.decision.map { (entry.household.id, $0) } }, uniquingKeysWith: { _, last in last })
        let listed = list.entries.map(\.household)
        let next = list.next
        var context = base(caller, title: "Visitation", current: "/visitation", now: now)
        context["error"] = error
        if query["besked"] == "journalfoert" { context["flash"] = "Beslutningen er journalført." }
        // Issue #16: the list and the journal searched by household and paged.
        let search = (query["soeg"] ?? "").trimmingCharacters(in: .whitespaces)
        context["search"] = search
        let matching = listed.filter { search.isEmpty || $0.id.rawValue.localizedCaseInsensitiveContains(search) }
        let (entryPage, entryPaging) = WebApp.paged(matching, page: "side", query: query, path: "/visitation")
        context["entryPaging"] = entryPaging
        context["entries"] = entryPage.map { household in
            [
                "listPosition": household.listPosition!, "household": household.id.rawValue, "areaName": api.commitment.areaName(household.area),
                "decision": latest[household.id].map { WebApp.danishOutcome($0.outcome) } ?? (household.id == next?.id ? "næste" : "–"),
                "decidedOn": latest[household.id]?.decidedOn.danishString ?? "", "isNext": household.id == next?.id,
            ] as [String: Any]
        }
        let period = api.commitment.interventionPeriod.value
        let periodEnded = api.today(now) > period.end
        if let next {
            let outcomes =
                [("enrolled", "Visiteret (med samtykke)")]
                + EnrolmentDecision.NotEnrolledReason.allCases.map { ($0.rawValue, WebApp.danishReason($0) + " (\($0.clause.reference))") }
            context["next"] =
                [
                    "household": next.id.rawValue, "listPosition": next.listPosition!, "areaName": api.commitment.areaName(next.area),
                    "canDecide": WebApp.caseRoles.contains(RoleKind(caller.user.role)), "csrf": caller.csrfToken ?? "",
                    "outcomes": outcomes.map { ["value": $0.0, "label": $0.1, "selected": form["outcome"] == $0.0] },
                    // After the intervention period no course can start today: nothing is proposed.
                    "periodEnded": periodEnded ? "Indsatsperioden sluttede \(period.end.danishString) (P 1.6.1): nye forløb kan ikke starte. "
                        + "Du kan stadig journalføre en visitation med indsatsstart senest \(period.end.danishString) (med beslutningsdatoen), "
                        + "en beslutning om ikke at visitere, afslutte forløb og registrere handleplaner og målinger." : "",
                    "form": [
                        "courseStart": form["courseStart"] ?? (periodEnded ? "" : api.today(now).isoString), "decidedOn": form["decidedOn"] ?? "",
                        "consent": form["consent"] == "ja",
                        "reason": form["reason"] ?? "",
                    ],
                ] as [String: Any]
        }
        let journal = list.journal.filter { search.isEmpty || $0.household.rawValue.localizedCaseInsensitiveContains(search) }
        let (journalPage, journalPaging) = WebApp.paged(journal, page: "journalside", query: query, path: "/visitation")
        context["journalPaging"] = journalPaging
        context["journalCount"] = Danish.integer(journal.count)
        context["hasJournal"] = !journal.isEmpty
        context["journal"] = journalPage.map {
            [
                "decidedOn": $0.decidedOn.danishString, "household": $0.household.rawValue, "outcome": WebApp.danishOutcome($0.outcome),
                "clause": $0.outcome.clause, "reason": $0.reason, "decidedBy": $0.decidedBy,
            ]
        }
        return html("visitation", context)
    }
}
