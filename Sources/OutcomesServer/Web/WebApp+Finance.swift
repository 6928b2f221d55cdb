import Foundation
import Hummingbird
import OutcomesAnalysis
import OutcomesApplication
import OutcomesCore
import OutcomesStore

extension WebApp {
    /// Money in and out in figures only: open to those who see the settlement's totals.
    static let financeRoles = Permission.readFigures.roles

    func registerFinance(on router: PageRouter) {
        router.get("/oekonomi") { request, _ in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.financeRoles, now: now)
                let day = asOf(request, now: now)
                var context = base(caller, title: "Økonomi", current: "/oekonomi", now: now)
                context["asOf"] = day.danishString
                context["asOfISO"] = day.isoString
                let requester = Requester(user: caller.user, now: now, channel: "web:finance")
                let report = try await api.service.finance(requester, asOf: day)
                // Issue #19 (3): a scenario from the form's fields, run against the forecast.
                let (scenarioText, fields) = WebApp.scenarioText(request)
                var scenarios: [ForecastScenario] = []
                var status = HTTPResponse.Status.ok
                if let scenarioText {
                    do {
                        scenarios = [try api.service.scenario(scenarioText)]
                    } catch let error as ApplicationError {
                        context["scenarioError"] = error.description
                        status = .unprocessableContent
                    }
                }
                let forecasts = try await api.service.forecast(requester, asOf: day, scenarios: scenarios)
                for (key, value) in financeContext(report, forecasts: forecasts) { context[key] = value }
                context["scenarioFields"] = fields
                context["scenarioGoals"] = api.commitment.paymentGoals.sorted { $0.number < $1.number }.map { goal in
                    ["number": String(goal.number), "name": goal.name, "factorSelected": fields["maal"] == String(goal.number), "rateSelected": fields["takstmaal"] == String(goal.number)] as [String: Any]
                }
                context["figures"] = try await figuresContext(on: day, caller: caller)
                context["decisionForm"] = decisionForm(caller, now: now)
                context["interpretations"] = interpretationsContext(.finance)
                if request.uri.queryParameters["besked"] == "beslutning" { context["flash"] = "Beslutningen om tilskuddet er registreret." }
                return html("finance", context, status: status)
            }
        }
        router.get("/oekonomi.xlsx") { request, _ in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.financeRoles, now: now)
                let day = asOf(request, now: now)
                let requester = Requester(user: caller.user, now: now, channel: "web:finance")
                let report = try await api.service.finance(requester, asOf: day)
                let forecasts = try await api.service.forecast(requester, asOf: day)
                return try WebApp.xlsx(financeWorkbook(report, forecasts: forecasts), name: "oekonomi-\(day.isoString)")
            }
        }
        // SPEC §7: DSI records a reduction (T 4.2), the project lead or the steering group an
        // accrual of unused grant (T 4.3).
        router.post("/oekonomi/beslutning") { request, context in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: Permission.recordGrantDecision.roles, now: now)
                let fields = try await form(request, context, caller: caller)
                let requester = Requester(user: caller.user, purpose: "beslutning om tilskuddet", now: now, channel: "web:finance")
                func refuse(_ message: String) -> Response {
                    var page = base(caller, title: "Økonomi", current: "/oekonomi", now: now)
                    page["error"] = message + " (gå tilbage til økonomisiden og prøv igen)"
                    return html("layout", page, status: .unprocessableContent)
                }
                guard let kind = fields["kind"].flatMap(GrantDecision.Kind.init(rawValue:)),
                    let year = fields["year"].flatMap({ Int($0) }),
                    let decidedOn = fields["decidedOn"].flatMap({ LocalDate(iso: $0) }),
                    let amount = fields["amount"].flatMap({ try? Money.parse($0, form: .danish) })
                else { return refuse("Udfyld beslutning, år, beløb (fx 100.000,00) og beslutningsdato.") }
                do {
                    try await api.service.recordGrantDecision(
                        requester,
                        GrantDecision(kind: kind, year: year, amount: amount, decidedOn: decidedOn, note: fields["note", default: ""])
                    )
                } catch let error as ApplicationError {
                    if case let .forbidden(message) = error { throw Refusal.forbidden(message) }
                    return refuse(error.description)
                }
                return redirect("/oekonomi?besked=beslutning#tilskud")
            }
        }
    }

    /// The form for a grant decision, with the kinds the caller's role records (SPEC §7).
    func decisionForm(_ caller: Caller, now: Date) -> [String: Any]? {
        let role = RoleKind(caller.user.role)
        guard Permission.recordGrantDecision.roles.contains(role) else { return nil }
        if role == .funder, caller.user.role != .funder(api.commitment.theGrantFunder) { return nil }
        let kinds: [GrantDecision.Kind] = role == .funder ? [.relativeReduction, .absoluteReduction] : [.accrual]
        return [
            "csrf": caller.csrfToken ?? "", "today": api.today(now).isoString,
            "kinds": kinds.map { ["value": $0.rawValue, "label": "\($0.danishName) (\($0.clause))"] },
            "years": api.commitment.budget.years.map(String.init),
        ]
    }

    /// An installment's state in Danish (B3.2, T 6.1, T 6.2.1).
    static func danishState(_ state: DisbursementStatus.State) -> String {
        switch state {
        case .onPlan: "–"
        case .overdue: "forsinket"
        case .withheld: "tilbageholdt (T 6.1)"
        case .stopped: "indstillet ved tilbagekaldelse (T 6.2.1)"
        }
    }

    /// The scenario the finance page's form asks for, in the scenario syntax
    /// (``ForecastScenario/parse(_:goals:)``), and the fields as typed; `nil` when no field is
    /// filled in.
    static func scenarioText(_ request: Request) -> (text: String?, fields: [String: String]) {
        let names = ["stop", "maal", "faktor", "senere", "takstmaal", "takst", "fra"]
        var fields: [String: String] = [:]
        for name in names {
            if let value = request.uri.queryParameters[Substring(name)].map(String.init), !value.isEmpty { fields[name] = String(value.prefix(40)) }
        }
        var parts: [String] = []
        if let stop = fields["stop"] { parts.append("enrolment-stop=\(stop)") }
        if let factor = fields["faktor"] { parts.append("rate-factor=\(fields["maal"] ?? ""):\(factor)") }
        if let months = fields["senere"] { parts.append("later-start=\(months)") }
        if let rate = fields["takst"] ?? fields["fra"].map({ _ in "" }) {
            // The page takes Danish amounts (30.000 or 30.000,00); the syntax a plain decimal.
            let amount = (try? Money.parse(rate, form: .danish))?.machineString ?? rate
            parts.append("new-rate=\(fields["takstmaal"] ?? ""):\(amount)@\(fields["fra"] ?? "")")
        }
        return (parts.isEmpty ? nil : parts.joined(separator: "+"), fields)
    }

    func financeContext(_ report: FinanceReport, forecasts: ForecastReport) -> [String: Any] {
        let forecast = forecasts.forecast
        let agreed = forecasts.base.expected
        let c = api.commitment
        func name(_ key: PartyKey) -> String { c.party(key)?.name ?? key.rawValue }
        func short(_ key: PartyKey) -> String { key.rawValue.uppercased() }
        var context: [String: Any] = [:]
        let disbursed = Money.sum(report.plan.rows.map(\.paid))
        let planned = Money.sum(report.plan.rows.map(\.planned))
        let repaid = Money.sum(report.reconciliation.repaid.map(\.amount))
        let r = report.reconciliation
        context["kpis"] = [
            "disbursed": disbursed.danishShortString, "planned": planned.danishShortString, "repaid": repaid.danishShortString,
            "returnCap": report.cap.stated.value.danishShortString, "overdue": report.plan.rows.contains(where: \.isOverdue),
            "reconciliation": r.isBalanced ? "afstemt" : "ikke afstemt", "balanced": r.isBalanced,
            "reconciliationNote": r.isFinal ? "slutafregning (T 5.3)" : "foreløbig, godkendte og forfaldne halvår",
        ]
        context["plan"] = report.plan.rows.map { row in
            [
                "installment": row.installment, "funder": name(row.funder), "recipient": name(row.recipient), "dueBy": row.dueBy.danishString,
                "planned": row.planned.danishString, "reduced": row.reduced.isZero ? "–" : row.reduced.danishString,
                "paid": row.paid.danishString, "overdue": row.isOverdue,
                "state": WebApp.danishState(row.state) + (row.notice.map { " (\($0))" } ?? ""),
            ] as [String: Any]
        }
        // swift-mustache counts an empty text as true: a flag says whether there is any.
        context["hasUnabsorbed"] = !report.plan.unabsorbedReductions.isZero
        context["unabsorbed"] = report.plan.unabsorbedReductions.danishString
        context["paidToOthers"] = report.plan.paidToOthers.map {
            ["funder": name($0.funder), "recipient": name($0.recipient), "planned": name($0.planned), "amount": $0.amount.danishString]
        }
        // Cash positions over time and per party.
        let start = c.interventionPeriod.value.start.firstOfMonth
        let end = max(report.asOf, start.addingMonths(12))
        context["cashChart"] = Chart.cashPositions(
            report.flows.positions.map { position in (short(position.party), position.flows.map { ($0.date, $0.amount) }) },
            from: start,
            to: end
        )
        context["positions"] = report.flows.positions.map { position in
            [
                "party": name(position.party), "received": position.received.danishString, "paid": position.paid.danishString,
                "net": position.net.danishString, "irr": position.irr.danishPercentString,
            ]
        }
        context["hasPositions"] = !report.flows.positions.isEmpty
        // The return cap: the stated figure binds; the formula beside it.
        let municipality = c.municipalityKey
        let owedByMunicipality = Money.sum(report.settlement.totals.payers.filter { $0.party == municipality }.map(\.amount))
        context["cap"] = [
            "stated": report.cap.stated.value.danishString, "clause": report.cap.stated.clause.reference,
            "formula": report.cap.formula.danishString, "distance": report.cap.distance.danishString,
            "horizon": report.cap.horizon.choice.danishString,
            "chart": Chart.goalBars([
                (label: "Afregnet for kommunen", payable: owedByMunicipality, cap: report.cap.stated.value),
                (label: "Betalt af kommunen", payable: r.municipalityPaid, cap: report.cap.stated.value),
            ]),
        ]
        // T 5.3.
        context["reconciliation"] = [
            "title": r.isFinal ? "Slutafregning (T 5.3)" : "Foreløbig kontrol (T 5.3 gælder efter sidste forfald \(r.lastPaymentDue.danishString))",
            "spanLabel": r.isFinal ? "Forfaldne halvår" : "Godkendte, forfaldne halvår",
            "span": r.periods.isEmpty ? "ingen endnu" : r.danishSpan,
            "notYetDue": r.notYetDue.danishString,
            "notApproved": r.isFinal ? "" : r.notApproved.danishString,
            "rows": r.rows.map { row in
                [
                    "party": name(row.party), "owedToPay": row.owedToPay.danishString, "owedToReceive": row.owedToReceive.danishString,
                    "paid": row.paid.danishString, "received": row.received.danishString,
                    "status": row.danishStatus,
                    "ok": row.difference.isZero,
                ] as [String: Any]
            },
            "repaid": r.repaid.map { ["from": name($0.from), "to": name($0.to), "amount": $0.amount.danishString] },
            "hasRepaid": !r.repaid.isEmpty,
        ]
        // T 4.2 and T 4.3.
        context["reduction"] = [
            "basis": report.reduction.basis.choice == .perYear ? "pr. budgetår" : "samlet", "total": report.reduction.total.danishString,
            "years": report.reduction.years.map { year in
                [
                    "year": String(year.year), "grant": year.grant.danishString, "expected": year.expected.danishString,
                    "actual": year.actual.danishString, "reduction": year.reduction.danishString, "provisional": year.isProvisional,
                ] as [String: Any]
            },
        ]
        context["absolute"] = [
            "total": report.absoluteReduction.total.danishString, "share": Percent(roundedShare: c.grantShare).danishString,
            "years": report.absoluteReduction.years.map { year in
                [
                    "year": String(year.year), "budget": year.budget.danishString, "spent": year.spent?.danishString ?? "regnskab mangler",
                    "reduction": year.reduction.danishString, "provisional": year.isProvisional,
                ] as [String: Any]
            },
        ]
        context["decisions"] = report.decisions.map { decision in
            [
                "kind": decision.kind.danishName, "clause": decision.kind.clause.reference, "year": String(decision.year),
                "amount": decision.amount.danishString, "decidedOn": decision.decidedOn.danishString, "note": decision.note,
            ]
        }
        context["hasDecisions"] = !report.decisions.isEmpty
        // T 6.2.1, 6.2.3: the claim after a revocation, with default interest (renteloven § 5).
        if let claim = report.revocation {
            context["revocation"] = [
                "noticeOn": claim.noticeOn.danishString, "subject": claim.subject, "principal": claim.principal.danishString,
                "unusedGrantRepaid": claim.unusedGrantRepaid.isZero ? "" : claim.unusedGrantRepaid.danishString,
                "interest": claim.interest.danishString, "claim": claim.claim.danishString, "paymentDue": claim.paymentDue.danishString,
                "paid": claim.paid.danishString, "defaultInterest": claim.defaultInterest.total.danishString,
                "outstanding": claim.outstanding.danishString,
                "reading": c.interpretationSummary.first { $0.key == "revocationInterest" }.map { "\($0.reading) (\($0.clause))" } ?? "",
                "missingRates": claim.defaultInterest.missingRates.map(\.danishLabel).joined(separator: ", "),
                "installments": claim.installments.map {
                    ["paidOn": $0.paidOn.danishString, "amount": $0.amount.danishString, "interest": $0.interest.danishString]
                },
            ] as [String: Any]
        }
        context["grantFunder"] = name(c.theGrantFunder)
        // The agreement's own parties and terms in the explanations (issue #18).
        let short = { (key: PartyKey) in key.rawValue.uppercased() }
        context["grantFunderShort"] = short(c.theGrantFunder)
        let payers = c.disbursementPlan.statedTotals.keys.sorted { $0.rawValue < $1.rawValue }
        context["recipientsNote"] = danishList(payers.map { funder in
            let recipient = c.disbursementPlan.recipients?.value[funder] ?? c.municipalityKey
            return "\(short(funder))'s rater til \(recipient == c.municipalityKey ? "Kommunens konto" : name(recipient))"
        })
        // "B3.2 note" reads "noten til B3.2".
        let clause = c.disbursementPlan.recipients?.clause.reference ?? c.disbursementPlan.clause.reference
        context["recipientsClause"] = clause.hasSuffix(" note") ? "noten til " + clause.dropLast(5) : clause
        context["donations"] = c.coFunding.filter { $0.kind == .donation }.map { ["donor": name($0.party), "clause": $0.amount.clause.reference] }
        context["capTerms"] =
            "\(danishList(c.returnCap.compoundedGrants.map { short($0) + "'s" })) rater forrentet med \(c.returnCap.annualRate.value.danishString) p.a., "
            + "\(c.returnCap.dayCountBasis)-dages år, rentetilskrivning \(c.returnCap.postingDay).\(c.returnCap.postingMonth)"
        context["trancheFunders"] = danishList(c.tranches.shares.map { short($0.funder) })
        context["unused"] = report.unused.years.map { year in
            [
                "year": String(year.year), "disbursed": year.disbursed.danishString, "spent": year.spent?.danishString ?? "regnskab mangler",
                "unused": year.unused?.danishString ?? "–", "accrued": year.accrued.isZero ? "–" : year.accrued.danishString,
                "toRepay": year.toRepay?.danishString ?? "–", "due": year.due.danishString, "estimated": year.dueIsEstimated,
            ] as [String: Any]
        }
        context["hasUnused"] = !report.unused.years.isEmpty
        context["noActuals"] = report.unused.years.contains { $0.spent == nil }
        // The forecast: expected repayments per half-year, split between the funders, beside
        // what the settlement shows for the half-years closed so far.
        let settled = Dictionary(report.settlement.periods.filter(\.isClosed).map { ($0.period, $0.total) }, uniquingKeysWith: { a, _ in a })
        context["forecastChart"] = Chart.halfYears(
            forecast.expected.periods.map { (period: $0.period, parts: $0.recipients, settled: settled[$0.period]) },
            legend: forecast.funders.map { "til \(short($0))" },
            ranges: forecast.periodDistributions.map { (low: $0.p5, high: $0.p95) }
        )
        func row(_ label: String, expected: Money, _ d: ForecastModel.Distribution) -> [String: String] {
            [
                "label": label, "expected": expected.danishShortString, "mean": d.mean.danishShortString, "p5": d.p5.danishShortString,
                "p50": d.p50.danishShortString, "p95": d.p95.danishShortString,
            ]
        }
        var rows = forecast.goalNumbers.enumerated().map { index, number in
            row("\(number). \(c.goal(number: number)?.name ?? "")", expected: agreed.payables[index], forecast.payables[index])
        }
        rows.append(row("I alt", expected: agreed.total, forecast.total))
        for (index, party) in forecast.funders.enumerated() {
            rows.append(row("Til \(name(party))", expected: agreed.received[index], forecast.received[index]))
        }
        // Issue #19 (2): what the forecast knows, and what each rate learned.
        if let asOf = forecast.resultsAsOf ?? forecast.asOf {
            context["forecastKnown"] = [
                "asOf": asOf.danishString, "settledPeriods": forecast.settledPeriods.danishString, "known": forecast.known.danishShortString,
                "share": Percent(roundedShare: forecast.knownShare).danishString,
            ]
            let learned = forecast.learned.filter { $0.trials > 0 }
            context["learned"] = learned.map { rate in
                [
                    "goal": "\(rate.goal). \(c.goal(number: rate.goal)?.name ?? "")", "row": rate.label ?? "–",
                    "prior": Percent(roundedShare: rate.prior).danishString, "results": "\(rate.successes.danishString) af \(rate.trials.danishString)",
                    "posterior": Percent(roundedShare: rate.posterior).danishString,
                ]
            }
            context["noResults"] = learned.isEmpty
            context["hasLearned"] = !learned.isEmpty
            if let f = forecast.improvementFactor, f.observations > 0 {
                context["improvement"] = [
                    "observations": f.observations.danishString,
                    "factor": Ratio(Int128((f.mean * 100).rounded()), 100).danishString(scale: 2),
                ]
            }
        }
        // Issue #19 (3): each scenario against the forecast and the agreement's expectations.
        if !forecasts.scenarios.isEmpty {
            func line(_ label: String, _ result: ForecastModel.Result) -> [String: Any] {
                [
                    "label": label, "mean": result.total.mean.danishShortString, "p5": result.total.p5.danishShortString,
                    "p95": result.total.p95.danishShortString,
                    "received": result.received.map(\.mean.danishShortString),
                    "returnCapBinds": Percent(roundedShare: result.returnCapBinds).danishString,
                    "difference": (result.total.mean - forecast.total.mean).danishShortString,
                ]
            }
            context["scenarioResults"] = [
                "funders": forecast.funders.map { "Til \(short($0))" },
                "description": forecasts.scenarios.compactMap { $0.scenario?.danishDescription(c) }.joined(separator: "; "),
                "rows": [line("Aftalens forventninger", forecasts.base), line("Prognosen", forecast)] + forecasts.scenarios.map { line("Scenariet", $0) },
            ] as [String: Any]
        }
        context["forecast"] =
            [
                "runs": forecast.runs.danishString, "seed": String(forecast.seed), "rows": rows,
                "priorStrength": api.commitment.interpretations.forecastPriorStrength.choice.danishString,
                "returns": forecast.funders.enumerated().map { index, party in
                    let d = forecast.irr[index]
                    return [
                        "party": name(party), "expected": agreed.irr[index].danishPercentString,
                        "p5": Optional(d.p5).danishPercentString, "p50": Optional(d.p50).danishPercentString,
                        "p95": Optional(d.p95).danishPercentString,
                    ]
                },
                "returnCapBinds": Percent(roundedShare: forecast.returnCapBinds).danishString,
                "periods": forecast.expected.periods.enumerated().map { index, period in
                    [
                        "period": period.period.danishLabel, "due": period.due.danishString, "expected": period.total.danishString,
                        "recipients": period.recipients.map(\.danishString), "mean": forecast.periodTotals[index].danishString,
                        "settled": settled[period.period]?.danishString ?? "",
                    ] as [String: Any]
                },
                "funders": forecast.funders.map { "Til \(short($0))" },
            ] as [String: Any]
        return context
    }
}
