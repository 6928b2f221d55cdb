import Foundation
import HTTPTypes
import Hummingbird
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

    func registerVisitation(on router: Router<OutcomesRequestContext>) {
        router.get("/visitation") { request, _ in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.personRoles, now: now)
                return try await visitationPage(caller: caller, now: now, form: [:])
            }
        }
        router.post("/visitation") { request, context in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.caseRoles, now: now)
                let fields = try await form(request, context, caller: caller)
                let id = HouseholdID(fields["household", default: ""])
                guard let record = try await api.store.household(id) else { throw Refusal.notFound("Husstanden \(id) findes ikke.") }
                guard caller.user.role.personDataAccess(householdArea: record.area) == .full else {
                    throw Refusal.forbidden("Husstanden hører til \(record.area.danishName).")
                }
                let day = api.today(now)
                let outcome: EnrolmentDecision.Outcome
                if fields["outcome"] == "enrolled" {
                    guard let start = fields["courseStart"].flatMap({ LocalDate(iso: $0) }) else {
                        return try await visitationPage(
                            caller: caller,
                            now: now,
                            form: fields,
                            error: "Angiv indsatsstart for en visiteret husstand."
                        )
                    }
                    outcome = .enrolled(courseStart: start)
                } else if let reason = fields["outcome"].flatMap(EnrolmentDecision.NotEnrolledReason.init(rawValue:)) {
                    outcome = .notEnrolled(reason)
                } else {
                    return try await visitationPage(caller: caller, now: now, form: fields, error: "Vælg et udfald.")
                }
                let decision = EnrolmentDecision(
                    household: id,
                    listPosition: record.listPosition,
                    decidedOn: min(day, outcome.courseStart ?? day),
                    decidedBy: caller.user.username,
                    outcome: outcome,
                    reason: fields["reason", default: ""]
                )
                do {
                    try await api.store.recordEnrolmentDecision(
                        decision,
                        consentGiven: fields["consent"] == "ja",
                        interventionPeriod: api.commitment.interventionPeriod.value,
                        audit: AuditEvent(
                            actor: "user:" + caller.user.username,
                            action: "record-decision:" + fields["outcome", default: ""],
                            subject: "household:\(id)",
                            purpose: "visitation",
                            at: api.timestamp(now)
                        )
                    )
                } catch let error as EnrolmentError {
                    return try await visitationPage(caller: caller, now: now, form: fields, error: error.description)
                }
                return WebApp.redirect("/visitation")
            }
        }
    }

    func visitationPage(caller: Caller, now: Date, form: [String: String], error: String? = nil) async throws -> Response {
        var area: Area?
        if case let .areaCaseworker(own) = caller.user.role { area = own }
        let decisions = try await api.store.enrolmentDecisions()
        let latest = Dictionary(decisions.map { ($0.household, $0) }, uniquingKeysWith: { _, last in last })
        let listed = try await api.store.households(in: area).filter { $0.listPosition != nil }.sorted { $0.listPosition! < $1.listPosition! }
        let next = listed.first { latest[$0.id] == nil }
        var context = base(caller, title: "Visitation", current: "/visitation", now: now)
        context["error"] = error
        context["entries"] = listed.map { household in
            [
                "listPosition": household.listPosition!, "household": household.id.rawValue, "areaName": household.area.danishName,
                "decision": latest[household.id].map { WebApp.danishOutcome($0.outcome) } ?? (household.id == next?.id ? "næste" : "–"),
                "decidedOn": latest[household.id]?.decidedOn.danishString ?? "", "isNext": household.id == next?.id,
            ] as [String: Any]
        }
        if let next {
            let outcomes =
                [("enrolled", "Visiteret (med samtykke)")]
                + EnrolmentDecision.NotEnrolledReason.allCases.map { ($0.rawValue, WebApp.danishReason($0) + " (\($0.clause.reference))") }
            context["next"] =
                [
                    "household": next.id.rawValue, "listPosition": next.listPosition!, "areaName": next.area.danishName,
                    "canDecide": WebApp.caseRoles.contains(RoleKind(caller.user.role)), "csrf": caller.csrfToken ?? "",
                    "outcomes": outcomes.map { ["value": $0.0, "label": $0.1, "selected": form["outcome"] == $0.0] },
                    "form": [
                        "courseStart": form["courseStart"] ?? api.today(now).isoString, "consent": form["consent"] == "ja",
                        "reason": form["reason"] ?? "",
                    ],
                ] as [String: Any]
        }
        let own: Set<HouseholdID>? = area == nil ? nil : Set(try await api.store.households(in: area).map(\.id))
        let journal = decisions.reversed().filter { own?.contains($0.household) ?? true }
        context["hasJournal"] = !journal.isEmpty
        context["journal"] = journal.map {
            [
                "decidedOn": $0.decidedOn.danishString, "household": $0.household.rawValue, "outcome": WebApp.danishOutcome($0.outcome),
                "clause": $0.outcome.clause, "reason": $0.reason, "decidedBy": $0.decidedBy,
            ]
        }
        try await auditRead(caller, page: "visitation", subject: "visitation list", purpose: "visitation", now: now)
        return html("visitation", context)
    }
}

extension EnrolmentDecision.Outcome {
    var courseStart: LocalDate? {
        if case let .enrolled(start) = self { return start }
        return nil
    }

    var clause: String {
        switch self {
        case .enrolled: "P 3.1.1"
        case let .notEnrolled(reason): reason.clause.reference
        }
    }
}
