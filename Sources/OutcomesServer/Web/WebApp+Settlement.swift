import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OutcomesApplication
import OutcomesCore
import OutcomesReports
import OutcomesStore

extension WebApp {
    static let settlementRoles = Permission.readFigures.roles
    /// Settlement lines name persons and households: full or pseudonymised access only.
    static let lineRoles = Permission.readSettlementLines.roles

    func asOf(_ request: Request, now: Date) -> LocalDate {
        // A date outside the years anything is kept for shows today's figures.
        request.uri.queryParameters["dato"].flatMap { LocalDate(iso: String($0)) }.flatMap { InputRules.years.contains($0.year) ? $0 : nil }
            ?? api.today(now)
    }

    /// The settlement with its lines, through the use case that audits the read.
    func settlementLines(_ caller: Caller, on day: LocalDate, page: String, purpose: String, now: Date) async throws -> Settlement {
        do {
            return try await api.service.settlement(Requester(user: caller.user, purpose: purpose, now: now, channel: "web:" + page), asOf: day, lines: true)
        } catch ApplicationError.notFound {
            throw Refusal.notFound("Der er ingen dataleverance endnu.")
        }
    }

    func registerSettlement(on router: PageRouter) {
        router.get("/opgoerelse") { request, _ in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.settlementRoles, now: now)
                let day = asOf(request, now: now)
                var context = base(caller, title: "Betalingsopgørelse", current: "/opgoerelse", now: now)
                context["asOf"] = day.danishString
                context["asOfISO"] = day.isoString
                guard let settlement = try await currentSettlement(on: day, caller: caller) else {
                    context["error"] = "Der er ingen dataleverance endnu."
                    return html("layout", context)
                }
                let lines = WebApp.lineRoles.contains(RoleKind(caller.user.role))
                context["canSeeLines"] = lines
                context["goalHeads"] = api.commitment.paymentGoals.map(\.number)
                let recipients = { (parties: [PartyAmount], key: String) in
                    parties.first { $0.party.rawValue == key }?.amount.danishNumber ?? "0,00"
                }
                context["periods"] = settlement.periods.map { period in
                    [
                        "period": period.period.label, "closed": period.isClosed, "due": period.due.danishString,
                        "goals": period.goals.map { goal in
                            var cell = ["payable": goal.payable.danishNumber]
                            if lines && !goal.amount.isZero {
                                cell["link"] = "/opgoerelse/linjer?dato=\(day.isoString)&maal=\(goal.goal)&periode=\(period.period.label)"
                            }
                            return cell
                        },
                        "capReduction": period.capReduction.danishNumber, "total": period.total.danishNumber,
                        "toDSI": recipients(period.recipients, "dsi"), "toLBF": recipients(period.recipients, "lbf"),
                    ] as [String: Any]
                }
                context["goalTotals"] = settlement.goals.map { ["payable": $0.payable.danishNumber] }
                context["totals"] = [
                    "capReduction": settlement.totals.capReduction.danishNumber, "total": settlement.totals.total.danishNumber,
                    "toDSI": recipients(settlement.totals.recipients, "dsi"), "toLBF": recipients(settlement.totals.recipients, "lbf"),
                ]
                context["goalRows"] = settlement.goals.map { goal in
                    [
                        "number": goal.goal, "name": api.commitment.goal(number: goal.goal)?.name ?? "", "lines": Danish.integer(goal.lines),
                        "amount": goal.amount.danishString, "imputed": goal.imputed.danishString, "payable": goal.payable.danishString,
                    ] as [String: Any]
                }
                context["hasWarnings"] = !settlement.warnings.isEmpty
                context["warnings"] = settlement.warnings
                return html("settlement", context)
            }
        }
        router.get("/opgoerelse/linjer") { request, _ in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.lineRoles, now: now)
                let day = asOf(request, now: now)
                let settlement = try await settlementLines(caller, on: day, page: "settlement-lines", purpose: "betalingsopgørelse", now: now)
                let goal = request.uri.queryParameters["maal"].flatMap { Int(String($0)) }
                let period = request.uri.queryParameters["periode"].map(String.init)
                let lines = settlement.lines.enumerated().filter {
                    (goal == nil || $0.element.goal == goal) && (period == nil || $0.element.period.label == period)
                }
                var context = base(caller, title: "Linjer", current: "/opgoerelse", now: now)
                context["asOf"] = day.danishString
                context["asOfISO"] = day.isoString
                context["goal"] = goal.map(String.init) ?? "alle"
                context["goalName"] = goal.flatMap { api.commitment.goal(number: $0)?.name } ?? "alle mål"
                context["periodLabel"] = period ?? "alle perioder"
                context["count"] = Danish.integer(lines.count)
                context["sum"] = Money.sum(lines.map(\.element.amount)).danishString
                context["lines"] = lines.map { index, line in
                    [
                        "index": index, "date": line.date.danishString, "point": line.point.danishDescription,
                        "household": line.household?.rawValue ?? "",
                        "person": line.person?.rawValue ?? "–", "cohort": line.cohort.map(String.init) ?? "–", "amount": line.amount.danishString,
                        "imputed": line.isImputed, "basis": line.basis.text,
                    ] as [String: Any]
                }
                return html("lines", context)
            }
        }
        router.get("/opgoerelse.csv") { request, _ in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.lineRoles, now: now)
                let day = asOf(request, now: now)
                let settlement = try await settlementLines(caller, on: day, page: "settlement-csv", purpose: "betalingsopgørelse (CSV)", now: now)
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: "text/csv; charset=utf-8",
                        .contentDisposition: "attachment; filename=\"opgoerelse-\(day.isoString).csv\"",
                        .cacheControl: "no-store",
                    ],
                    body: .init(byteBuffer: ByteBuffer(string: SettlementCSV.string(settlement)))
                )
            }
        }
    }
}
