import Foundation
import HTTPTypes
import Hummingbird
import OutcomesApplication
import OutcomesCore
import OutcomesDelivery
import OutcomesStore

extension WebApp {
    /// The settlement of the current delivery on `day`, or `nil` before the first delivery.
    func currentSettlement(on day: LocalDate, caller: Caller) async throws -> Settlement? {
        try await api.service.settlementFigures(Requester(user: caller.user, now: api.clock(), channel: "web"), asOf: day)
    }

    /// The progress block shared by the overview and the report (aggregates only).
    /// Open replacement obligations are listed by household only for a caller who may see it.
    func progressContext(on day: LocalDate, caller: Caller) async throws -> [String: Any] {
        let (progress, visible) = try await api.service.enrolmentProgress(Requester(user: caller.user, now: api.clock(), channel: "web:overview"), asOf: day)
        return [
            "enrolled": Danish.integer(progress.enrolled), "active": Danish.integer(progress.active), "ended": Danish.integer(progress.ended),
            "endedLimit": progress.endedLimit.value, "endedClause": progress.endedLimit.clause.reference,
            "endedOver": progress.ended > progress.endedLimit.value, "total": api.commitment.expectedHouseholds.value,
            "openCount": progress.openReplacements.count, "openAny": !progress.openReplacements.isEmpty, "openList": !visible.isEmpty,
            "openLinks": visible.map(\.rawValue),
            "chart": Chart.enrolment(progress, period: api.commitment.interventionPeriod.value),
            "targets": progress.targets.map {
                ["by": $0.by.danishString, "households": $0.households, "clause": $0.clause.reference, "reached": $0.reached, "due": $0.by <= day]
            },
        ]
    }

    /// SPEC §10: the four repayment figures (beregnet, godkendt, forfalden, betalt) every page
    /// shows the same way (`figures.mustache`).
    /// Issue #16: where in the browser the role does what a finding asks, or `nil` when the
    /// finding asks nothing of it (or the role may not).
    static func actionLink(_ rule: String, role: RoleKind) -> [String: String]? {
        let target: (href: String, label: String, permission: Permission)? =
            switch rule {
            case "half-year-report": ("/styring#rapport", "Registrér rapporten", .recordProjectAccounts)
            case "budget-deviation": ("/styring#regnskab", "Registrér regnskabet", .recordProjectAccounts)
            case "meetings-first-year", "meetings-per-year", "annual-meeting", "annual-accounts": ("/styring#moede", "Registrér mødet", .recordMeeting)
            case "unused-grant", "repayment-overdue", "revocation-payment": ("/styring#betaling", "Registrér betalingen", .recordTransfer)
            case "withholding-remedy", "revocation-objection", "dispute-amicable": ("/styring#meddelelse", "Se meddelelserne", .recordNotice)
            case "enrolment-milestone", "enrolment-pace", "late-enrolment", "replacement", "visitation-order", "substantial-realisation":
                ("/visitation", "Gå til visitationen", .editCases)
            default: nil
            }
        guard let target, target.permission.roles.contains(role) else { return nil }
        return ["href": target.href, "label": target.label]
    }

    /// SPEC §9: the interpretations the page's figures depend on, for the `interpretations` partial.
    func interpretationsContext(_ uses: Interpretations.Use...) -> [[String: String]] {
        let keys = Set(uses.flatMap(\.keys))
        return api.commitment.interpretationSummary.filter { keys.contains($0.key) }.map { ["reading": $0.reading, "clause": $0.clause.reference] }
    }

    func figuresContext(on day: LocalDate, caller: Caller) async throws -> [String: Any] {
        let requester = Requester(user: caller.user, now: api.clock(), channel: "web")
        guard let figures = try await api.service.repaymentFigures(requester, asOf: day) else {
            return ["computed": "–", "approved": "–", "due": "–", "paid": "–", "behind": false]
        }
        return [
            "computed": figures.computed.danishString, "approved": figures.approved.danishString, "due": figures.due.danishString,
            "paid": figures.paid.danishString, "behind": figures.outstanding > .zero, "outstanding": figures.outstanding.danishString,
        ]
    }

    /// Payments per goal against the caps, the return cap and the tranche position.
    func paymentsContext(_ settlement: Settlement?) -> [String: Any] {
        let commitment = api.commitment
        var rows: [(label: String, payable: Money, cap: Money?)] = []
        var goals: [[String: Any]] = []
        for goal in commitment.paymentGoals {
            let settled = settlement?.goals.first { $0.goal == goal.number }
            let payable = settled?.payable ?? .zero
            rows.append(("\(goal.number). \(goal.name)", payable, goal.cap?.value))
            goals.append([
                "number": goal.number, "name": goal.name, "amount": (settled?.amount ?? .zero).danishString, "payable": payable.danishString,
                "cap": goal.cap?.value.danishShortString ?? "–",
            ])
        }
        let total = settlement?.totals.total ?? .zero
        let threshold = commitment.tranches.threshold.value
        let percent = threshold.minorUnits > 0 ? Int(min(100, Int128(total.minorUnits) * 100 / Int128(threshold.minorUnits))) : 0
        let trancheText =
            total < threshold
            ? "\(total.danishShortString) af \(threshold.danishShortString) i tranche 1; tranche 2 begynder over tærsklen"
            : "tranche 1 (\(threshold.danishShortString)) er nået; \((total - threshold).danishShortString) i tranche 2"
        return [
            "goals": goals, "chart": Chart.goalBars(rows), "total": total.danishShortString,
            "returnCap": commitment.returnCap.amount.value.danishShortString, "trancheText": trancheText, "tranchePercent": percent,
        ]
    }

    /// The compliance monitor's findings (SPEC §8) and the deadlines, for a page: households are
    /// named only for a caller who may see them.
    func complianceContext(on day: LocalDate, caller: Caller, limit: Int) async throws -> [String: Any] {
        guard Permission.readCompliance.allows(caller.user.role) else {
            // The access policy gives this role (the admin) no compliance figures.
            return ["breaches": 0, "warnings": 0, "items": [Any](), "more": 0, "all": [Any](), "deadlines": [Any](), "deadlineList": [Deadline]()]
        }
        let report = try await api.service.compliance(Requester(user: caller.user, purpose: "overblik", now: api.clock(), channel: "web:compliance"), asOf: day)
        let findings = report.findings
        let serious = findings.filter { $0.severity != .info }
        let deadlines = report.deadlines.filter { $0.status != .met && $0.due.days(to: day) < 400 }
        return [
            "canExport": true,
            "breaches": findings.filter { $0.severity == .breach }.count, "warnings": findings.filter { $0.severity == .warning }.count,
            "items": serious.prefix(limit).map { finding in
                var item: [String: Any] = [
                    "severity": finding.severity.rawValue, "severityName": finding.severity.danishName, "message": finding.message,
                    "clause": finding.clause.reference, "action": finding.action,
                    "figures": finding.figures.map { "\($0.label): \($0.value)" }.joined(separator: " · "),
                    "households": finding.households.map(\.rawValue),
                ]
                if let link = WebApp.actionLink(finding.rule, role: RoleKind(caller.user.role)) { item["link"] = link }
                return item
            },
            "more": max(0, serious.count - limit),
            "deadlineList": report.deadlines,
            "all": findings.map { finding in
                [
                    "severity": finding.severity.rawValue, "severityName": finding.severity.danishName, "message": finding.message,
                    "clause": finding.clause.reference, "action": finding.action,
                ] as [String: Any]
            },
            "deadlines": deadlines.map {
                [
                    "what": $0.what, "due": $0.due.danishString, "clause": $0.clause.reference, "status": $0.status.danishName,
                    "overdue": $0.status == .overdue,
                ]
                    as [String: Any]
            },
        ]
    }

    /// The agreement's most important findings.
    func findingsContext(limit: Int) -> (count: Int, items: [[String: Any]]) {
        let findings = ContractValidator.validate(api.commitment).sorted { $0.severity > $1.severity }
        return (
            findings.count,
            findings.prefix(limit).map {
                ["severity": $0.severity.rawValue, "severityName": $0.severity.danishName, "message": $0.message, "clause": $0.clause.reference]
            }
        )
    }

    func registerOverview(on router: PageRouter) {
        router.get("/oversigt") { request, _ in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, now: now)
                let day = api.today(now)
                var context = base(caller, title: "Oversigt", current: "/oversigt", now: now)
                if request.uri.queryParameters["besked"] == "adgangskode" { context["flash"] = "Din nye adgangskode er gemt." }
                context["progress"] = try await progressContext(on: day, caller: caller)
                context["payments"] = paymentsContext(try await currentSettlement(on: day, caller: caller))
                context["figures"] = try await figuresContext(on: day, caller: caller)
                context["interpretations"] = interpretationsContext(.settlement, .compliance)
                let findings = findingsContext(limit: 5)
                context["findingsCount"] = findings.count
                context["findings"] = findings.items
                context["compliance"] = try await complianceContext(on: day, caller: caller, limit: 8)
                return html("overview", context)
            }
        }
    }
}
