import Foundation
import HTTPTypes
import OutcomesAnalysis
import OutcomesApplication
import OutcomesCore
import OutcomesReports
import OutcomesStore

extension OutcomesAPI {
    /// Money in and out (SPEC §7) in figures only: the same report as `outcomes finance`.
    static var financeRoutes: [Route] {
        let asOf = QueryParameter(name: "asOf", schema: .date, required: true, description: "Datoen (ÅÅÅÅ-MM-DD).")
        let rate = Schema.string(description: "årlig rente som decimaltal med seks decimaler, fx \"0.097213\"")
        let response = Schema.record([
            ("asOf", .date),
            // SPEC §10: the four repayment figures, as every page labels them.
            ("repayments", .record([("computed", .money), ("approved", .money), ("due", .money), ("paid", .money)])),
            (
                "disbursementPlan",
                .array(
                    .record([
                        ("installment", .text), ("dueBy", .date), ("funder", .text), ("recipient", .text), ("planned", .money), ("reduced", .money),
                        ("paid", .money), ("overdue", .boolean), ("state", .string(values: ["onPlan", "overdue", "withheld", "stopped"])),
                        ("notice", .nullable(.text)),
                    ])
                )
            ),
            (
                "relativeReduction",
                .record([
                    ("basis", .string(values: ["perYear", "total"])), ("total", .money),
                    (
                        "years",
                        .array(
                            .record([
                                ("year", .integer()), ("grant", .money), ("expected", .integer()), ("actual", .integer()), ("reduction", .money),
                                ("provisional", .boolean),
                            ])
                        )
                    ),
                ])
            ),
            (
                "absoluteReduction",
                .record([
                    ("total", .money),
                    (
                        "years",
                        .array(
                            .record([
                                ("year", .integer()), ("budget", .money), ("spent", .nullable(.money)), ("reduction", .money), ("provisional", .boolean),
                            ])
                        )
                    ),
                ])
            ),
            (
                "grantDecisions",
                .array(
                    .record([
                        ("kind", .string(values: GrantDecision.Kind.allCases.map(\.rawValue))), ("year", .integer()), ("amount", .money),
                        ("decidedOn", .date), ("clause", .text), ("note", .text),
                    ])
                )
            ),
            ("unabsorbedReductions", .money),
            ("paidToOthers", .array(.record([("funder", .text), ("recipient", .text), ("planned", .text), ("amount", .money)]))),
            ("interpretations", .array(.record([("key", .text), ("clause", .text), ("reading", .text)]))),
            (
                "revocation",
                .nullable(
                    .record([
                        ("noticeOn", .date), ("subject", .text), ("principal", .money), ("unusedGrantRepaid", .money), ("interest", .money),
                        ("interestReading", .string(values: RevocationInterestRule.allCases.map(\.rawValue))), ("claim", .money),
                        ("paymentDue", .date), ("paid", .money), ("defaultInterest", .money), ("missingReferenceRates", .array(.text)),
                        ("outstanding", .money),
                        ("installments", .array(.record([("paidOn", .date), ("amount", .money), ("interest", .money)]))),
                    ])
                )
            ),
            (
                "unusedGrant",
                .array(
                    .record([
                        ("year", .integer()), ("funder", .text), ("disbursed", .money), ("spent", .nullable(.money)), ("unused", .nullable(.money)),
                        ("accrued", .money), ("toRepay", .nullable(.money)), ("due", .date), ("dueEstimated", .boolean),
                    ])
                )
            ),
            ("returnCap", .record([("stated", .money), ("formula", .money), ("distance", .money), ("horizon", .date)])),
            (
                "parties",
                .array(
                    .record([
                        ("party", .text), ("received", .money), ("paid", .money), ("net", .money), ("xirr", .nullable(rate)),
                        ("flows", .array(.record([("date", .date), ("amount", .money), ("text", .text), ("clause", .text)]))),
                    ])
                )
            ),
            (
                "reconciliation",
                .record([
                    ("final", .boolean), ("lastPaymentDue", .date), ("periods", .array(.text)), ("notYetDue", .money), ("notApproved", .money),
                    ("balanced", .boolean),
                    ("municipalityPaid", .money), ("returnCap", .money),
                    ("repaid", .array(.record([("from", .text), ("to", .text), ("amount", .money)]))),
                    (
                        "parties",
                        .array(
                            .record([
                                ("party", .text), ("owedToPay", .money), ("owedToReceive", .money), ("paid", .money), ("received", .money),
                                ("difference", .money),
                            ])
                        )
                    ),
                ])
            ),
        ])
        return [
            forecastRoute,
            Route(
                .get,
                "/api/finance",
                "finance",
                "Penge ind og ud pr. en dato (SPEC §7): tilbagebetalingerne som beregnet, godkendt, forfalden og betalt (SPEC §10), udbetalingsplanen mod det betalte, relativ reduktion, ubrugt tilskud, afkastloftet, pengestrømme med XIRR og kontrollen efter T 5.3 — kun tal",
                access: .permission(.readFigures),
                query: [asOf],
                response: response
            ) { call in
                let day = try call.asOfDate()
                let report = try await call.api.service.finance(call.requester, asOf: day)
                return .raw(Data((report.json.text + "\n").utf8), contentType: "application/json; charset=utf-8")
            }
        ]
    }

    /// Issue #19: the forecast on what is known on a date, beside the agreement's own
    /// expectations, with scenarios: the same JSON as `outcomes forecast --format json`.
    static var forecastRoute: Route {
        let asOf = QueryParameter(name: "asOf", schema: .date, required: true, description: "Datoen prognosen kender resultaterne til (ÅÅÅÅ-MM-DD).")
        let scenario = QueryParameter(
            name: "scenario",
            schema: .string(limits: .init(minLength: 1, maxLength: 500)),
            required: false,
            description:
                "Et eller flere scenarier adskilt af ';' (højst 5), hvert af ændringer adskilt af '+' eller mellemrum: enrolment-stop=N, rate-factor=MÅL:FAKTOR, later-start=MÅNEDER, new-rate=MÅL:KRONER@ÅÅÅÅ-MM-DD."
        )
        return Route(
            .get,
            "/api/forecast",
            "forecast",
            "Prognosen for tilbagebetalingerne pr. en dato (issue #19): betinget af de visiterede husstande, de leverede resultater og de godkendte halvår, med aftalens egne forventninger ved siden af og eventuelle scenarier — kun tal",
            access: .permission(.readFigures),
            query: [asOf, scenario],
            response: .ref("Forecast")
        ) { call in
            let day = try call.asOfDate()
            var scenarios: [ForecastScenario] = []
            if let text = call.query["scenario"] {
                let parts = text.split(separator: ";").map(String.init)
                guard parts.count <= 5 else { throw Problem.unprocessable("Højst 5 scenarier ad gangen, ikke \(parts.count).") }
                scenarios = try parts.map { try call.api.service.scenario($0) }
            }
            let report = try await call.api.service.forecast(call.requester, asOf: day, scenarios: scenarios)
            return .raw(Data((report.json(call.api.commitment).text + "\n").utf8), contentType: "application/json; charset=utf-8")
        }
    }

    /// The forecast as JSON (``ForecastReport/json(_:)``): per half-year what each of the
    /// agreement's funders receives (`toDSI`, `toLBF`).
    static func forecastSchema(_ c: Commitment) -> Schema {
        let recipients: [(String, Schema)] = c.tranches.shares.map { ("to" + $0.funder.rawValue.uppercased(), Schema.money) }
        let money = Schema.money
        let fraction = Schema.nullable(.number(description: "brøk med højst seks decimaler, fx 0.583"))
        let distribution = Schema.record([("mean", money), ("p5", money), ("p50", money), ("p95", money)])
        let rates = Schema.record([("mean", fraction), ("p5", fraction), ("p50", fraction), ("p95", fraction), ("missing", .integer(minimum: 0))])
        let fundersMap = Schema.map(.record([("received", distribution), ("irr", rates)]))
        let summary: [(String, Schema)] = [
            ("expectedTotal", money), ("total", distribution), ("returnCapBinds", fraction), ("funders", fundersMap),
        ]
        return Schema.record([
            ("runs", .integer(minimum: 1)), ("seed", .integer(minimum: 0)),
            (
                "expected",
                .record([
                    ("goals", .map(.record([("amount", money), ("payable", money)]))), ("total", money), ("capReduction", money),
                    ("funders", .map(.record([("received", money), ("irr", fraction)]))),
                    (
                        "periods",
                        .array(
                            .record(
                                [("period", .text), ("due", .date), ("goals", .map(.record([("amount", money), ("payable", money)]))), ("capReduction", money), ("total", money)]
                                    + recipients
                            )
                        )
                    ),
                ])
            ),
            ("goals", .map(.record([("amount", distribution), ("payable", distribution), ("capBinds", fraction)]))),
            ("total", distribution), ("returnCapBinds", fraction), ("funders", fundersMap),
            (
                "periods",
                .array(
                    .object(
                        [("period", .text), ("due", .date), ("total", money), ("settled", .boolean), ("p5", money), ("p50", money), ("p95", money)] + recipients,
                        required: ["period", "due", "total", "settled"] + recipients.map(\.0)
                    )
                )
            ),
            ("interpretations", .array(.record([("key", .text), ("clause", .text), ("reading", .text)]))),
            ("asOf", .nullable(.date)), ("resultsAsOf", .nullable(.date)),
            ("known", .record([("settledPeriods", .integer(minimum: 0)), ("amount", money), ("share", fraction)])),
            (
                "learned",
                .array(
                    .record([
                        ("goal", .integer(minimum: 1)), ("row", .nullable(.text)), ("prior", fraction), ("successes", .integer(minimum: 0)),
                        ("trials", .integer(minimum: 0)), ("posterior", fraction),
                    ])
                )
            ),
            ("improvementFactor", .nullable(.record([("mean", fraction), ("sd", fraction), ("observations", .integer(minimum: 0))]))),
            ("base", .record(summary)),
            ("scenarios", .array(.record([("name", .text), ("description", .text)] + summary + [("difference", money)]))),
        ])
    }
}
