import Foundation
import Hummingbird
import OutcomesAnalysis
import OutcomesApplication
import OutcomesCore
import OutcomesSpreadsheet

/// Issue #17: the finance page's tables and the forecast for Excel — the figures the page
/// shows, as numbers, dates and rates.
extension WebApp {
    func financeWorkbook(_ report: FinanceReport, forecasts: ForecastReport) -> Workbook {
        let forecast = forecasts.forecast
        let agreed = forecasts.base.expected
        let c = api.commitment
        func name(_ key: PartyKey) -> String { c.party(key)?.name ?? key.rawValue }
        typealias Sheet = Workbook.Sheet
        var sheets: [Sheet] = []
        sheets.append(
            Sheet(
                name: "Udbetalingsplan (B3.2)", header: ["Rate", "Tilskudsgiver", "Modtager", "Senest", "Planlagt", "Reduceret", "Betalt", "Status"],
                rows: report.plan.rows.map { row in
                    [
                        .text(row.installment), .text(name(row.funder)), .text(name(row.recipient)), .date(row.dueBy), .money(row.planned),
                        .money(row.reduced), .money(row.paid), .text(WebApp.danishState(row.state) + (row.notice.map { " (\($0))" } ?? "")),
                    ]
                },
                widths: [6, 36, 36, 12, 16, 16, 16, 30]
            )
        )
        sheets.append(
            Sheet(
                name: "Parternes pengestrømme", header: ["Part", "Modtaget", "Betalt", "Netto", "Årligt afkast (intern rente)"],
                rows: report.flows.positions.map { position in
                    [.text(name(position.party)), .money(position.received), .money(position.paid), .money(position.net), .percent(position.irr)]
                },
                widths: [36, 16, 16, 16, 18]
            )
        )
        sheets.append(
            Sheet(
                name: "Betalinger", header: ["Part", "Dato", "Beløb (+ ind, − ud)"],
                rows: report.flows.positions.flatMap { position in position.flows.map { [.text(name(position.party)), .date($0.date), .money($0.amount)] } },
                widths: [36, 12, 18]
            )
        )
        let r = report.reconciliation
        sheets.append(
            Sheet(
                name: r.isFinal ? "Slutafregning (T 5.3)" : "Foreløbig kontrol (T 5.3)",
                header: ["Part", "Skal betale", "Skal modtage", "Har betalt", "Har modtaget", "Status"],
                rows: r.rows.map { row in
                    [.text(name(row.party)), .money(row.owedToPay), .money(row.owedToReceive), .money(row.paid), .money(row.received), .text(row.danishStatus)]
                },
                widths: [36, 16, 16, 16, 16, 30]
            )
        )
        sheets.append(
            Sheet(
                name: "Relativ reduktion (T 4.2 (i))", header: ["Budgetår", "Tilskud", "Husstande forventet", "Husstande startet", "Reduktion", "Foreløbig"],
                rows: report.reduction.years.map { year in
                    [.integer(year.year), .money(year.grant), .integer(year.expected), .integer(year.actual), .money(year.reduction), .text(year.isProvisional ? "ja" : "nej")]
                },
                widths: [10, 16, 20, 18, 16, 10]
            )
        )
        sheets.append(
            Sheet(
                name: "Absolut reduktion (T 4.2 (ii))", header: ["Budgetår", "Budget (indsatslinjer)", "Forbrugt", "Reduktion", "Foreløbig"],
                rows: report.absoluteReduction.years.map { year in
                    [.integer(year.year), .money(year.budget), .money(year.spent), .money(year.reduction), .text(year.isProvisional ? "ja" : "nej")]
                },
                widths: [10, 22, 16, 16, 10]
            )
        )
        sheets.append(
            Sheet(
                name: "Ubrugt tilskud (T 4.3)", header: ["Budgetår", "Udbetalt", "Forbrugt (tilskuddets andel)", "Ubrugt", "Periodiseret", "Tilbagebetales", "Senest", "Frist anslået"],
                rows: report.unused.years.map { year in
                    [
                        .integer(year.year), .money(year.disbursed), .money(year.spent), .money(year.unused), .money(year.accrued), .money(year.toRepay),
                        .date(year.due), .text(year.dueIsEstimated ? "ja" : "nej"),
                    ]
                },
                widths: [10, 16, 22, 16, 16, 16, 12, 12]
            )
        )
        sheets.append(
            Sheet(
                name: "Beslutninger om tilskuddet", header: ["Slags", "Hjemmel", "Budgetår", "Beløb", "Besluttet", "Note"],
                rows: report.decisions.map { d in
                    [.text(d.kind.danishName), .text(d.kind.clause.reference), .integer(d.year), .money(d.amount), .date(d.decidedOn), .text(d.note)]
                },
                widths: [24, 12, 10, 16, 12, 50]
            )
        )
        // The forecast: per goal and in total, each funder's repayments and returns, per half-year.
        var forecastRows: [[Workbook.Cell]] = forecast.goalNumbers.enumerated().map { index, number in
            let d = forecast.payables[index]
            return [.text("\(number). \(c.goal(number: number)?.name ?? "")"), .money(agreed.payables[index]), .money(d.mean), .money(d.p5), .money(d.p50), .money(d.p95)]
        }
        forecastRows.append([.text("I alt"), .money(agreed.total), .money(forecast.total.mean), .money(forecast.total.p5), .money(forecast.total.p50), .money(forecast.total.p95)])
        for (index, party) in forecast.funders.enumerated() {
            let d = forecast.received[index]
            forecastRows.append([.text("Til \(name(party))"), .money(agreed.received[index]), .money(d.mean), .money(d.p5), .money(d.p50), .money(d.p95)])
        }
        if let asOf = forecast.asOf {
            forecastRows.append([.text("Kendt pr. \(asOf.danishString) (afregnede halvår)"), .empty, .money(forecast.known), .empty, .empty, .empty])
        }
        sheets.append(
            Sheet(
                name: "Prognose", header: ["Mål / part", "Forventet efter aftalen", "Middel", "5 %", "50 %", "95 %"], rows: forecastRows,
                widths: [36, 22, 16, 16, 16, 16]
            )
        )
        sheets.append(
            Sheet(
                name: "Prognose, afkast", header: ["Part", "Forventet efter aftalen (intern rente)", "5 %", "50 %", "95 %"],
                rows: forecast.funders.enumerated().map { index, party in
                    let d = forecast.irr[index]
                    return [.text(name(party)), .percent(agreed.irr[index]), .percent(d.p5), .percent(d.p50), .percent(d.p95)]
                },
                widths: [36, 22, 12, 12, 12]
            )
        )
        let settled = Dictionary(report.settlement.periods.filter(\.isClosed).map { ($0.period, $0.total) }, uniquingKeysWith: { a, _ in a })
        sheets.append(
            Sheet(
                name: "Prognose pr. halvår",
                header: ["Halvår", "Forfald", "Forventet i alt"] + forecast.funders.map { "Til \(name($0))" } + ["Middel af kørslerne", "Afregnet"],
                rows: forecast.expected.periods.enumerated().map { index, period in
                    [.text(period.period.danishLabel), .date(period.due), .money(period.total)] + period.recipients.map { .money($0) }
                        + [.money(forecast.periodTotals[index]), .money(settled[period.period])]
                },
                widths: [16, 12, 18] + forecast.funders.map { _ in 18 } + [18, 16]
            )
        )
        return Workbook(sheets)
    }
}

extension WebApp {
    /// The compliance monitor's findings and the deadlines (SPEC §8) as the caller may see them:
    /// households named only for a role that may see them (the service decides).
    func complianceSheets(on day: LocalDate, caller: Caller, from: LocalDate? = nil, through: LocalDate? = nil) async throws -> [Workbook.Sheet] {
        let report = try await api.service.compliance(
            Requester(user: caller.user, purpose: "overholdelse (Excel)", now: api.clock(), channel: "web:compliance"),
            asOf: day
        )
        let findings = Workbook.Sheet(
            name: "Overholdelse", header: ["Alvor", "Hvad", "Gør", "Tal", "Hjemmel", "Husstande"],
            rows: report.findings.sorted { $0.severity < $1.severity }.map { finding in
                [
                    .text(finding.severity.danishName), .text(finding.message), .text(finding.action),
                    .text(finding.figures.map { "\($0.label): \($0.value)" }.joined(separator: " · ")), .text(finding.clause.reference),
                    .text(finding.households.map(\.rawValue).joined(separator: ", ")),
                ]
            },
            widths: [10, 70, 50, 40, 14, 30]
        )
        let deadlines = Workbook.Sheet(
            name: "Frister", header: ["Frist", "Hvad", "Hjemmel", "Status", "Gør"],
            rows: report.deadlines.filter { deadline in (from.map { deadline.due >= $0 } ?? true) && (through.map { deadline.due <= $0 } ?? true) }
                .sorted { $0.due < $1.due }
                .map { [.date($0.due), .text($0.what), .text($0.clause.reference), .text($0.status.danishName), .text($0.action)] },
            widths: [12, 60, 14, 14, 60]
        )
        return [findings, deadlines]
    }

    func registerWorkbooks(on router: PageRouter) {
        // The overview's findings and deadlines, for every role that sees them.
        router.get("/overholdelse.xlsx") { request, _ in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: Permission.readCompliance.roles, now: now)
                let day = api.today(now)
                return try WebApp.xlsx(Workbook(try await complianceSheets(on: day, caller: caller)), name: "overholdelse-\(day.isoString)")
            }
        }
        // The half-year report's tables.
        router.get("/rapport.xlsx") { request, _ in
            try await page(request) {
                let now = api.clock()
                let caller = try await caller(request, roles: WebApp.reportRoles, now: now)
                let context = try await reportContext(request, caller: caller, now: now, sheets: true)
                let (_, chosen, asOf) = reportPeriod(request, now: now)
                var sheets = context["sheets"] as? [Workbook.Sheet] ?? []
                sheets += try await complianceSheets(on: asOf, caller: caller, from: chosen.start.addingMonths(-6), through: chosen.end.addingMonths(6))
                return try WebApp.xlsx(Workbook(sheets), name: "halvaarsrapport-\(chosen.half)-halvaar-\(chosen.year)")
            }
        }
    }
}
